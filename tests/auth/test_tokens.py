"""Bearer tokens: shown once, stored as a hash, refused when expired, revoked or malformed."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import String, Text, select

from sib.actor import Actor
from sib.auth import service
from sib.auth.models import ApiToken
from sib.extensions import db

ME = "/api/v1/me"


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def assert_unauthorised(response):
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith('Bearer realm="sib"')


def test_a_valid_token_authenticates_its_user(client, make_user, make_token):
    user = make_user("finance_officer", "botkyrka")
    response = client.get(ME, headers=bearer(make_token(user)))
    assert response.status_code == 200
    assert response.get_json()["user"]["email"] == user.email
    assert response.get_json()["roles"] == ["finance_officer"]


def test_no_token_is_401_with_a_bearer_challenge(client):
    assert_unauthorised(client.get(ME))


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "Bearer not-a-token",
        "Bearer sib_0123456789ab_short",
        "Bearer sib_0123456789ab_" + "A" * 43,  # well-formed, but no such token
        "Token sib_0123456789ab_" + "A" * 43,
    ],
)
def test_a_malformed_or_unknown_token_is_401(client, header):
    response = client.get(ME, headers={"Authorization": header})
    assert_unauthorised(response)


def test_the_401_body_never_repeats_the_token(client):
    secret = "sib_0123456789ab_" + "S" * 43
    response = client.get(ME, headers=bearer(secret))
    assert_unauthorised(response)
    assert secret not in response.get_data(as_text=True)
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_an_expired_token_is_401(client, make_user, make_token):
    plain = make_token(make_user())
    token = db.session.scalars(select(ApiToken)).one()
    token.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    db.session.commit()
    assert_unauthorised(client.get(ME, headers=bearer(plain)))


def test_a_revoked_token_is_401_from_that_moment(client, make_user, make_token):
    plain = make_token(make_user())
    assert client.get(ME, headers=bearer(plain)).status_code == 200
    service.revoke_token(db.session.scalars(select(ApiToken)).one(), Actor.system("test"))
    db.session.commit()
    assert_unauthorised(client.get(ME, headers=bearer(plain)))


def test_a_token_of_a_deactivated_user_is_401(client, make_user, make_token):
    user = make_user()
    plain = make_token(user)
    user.active = False
    db.session.commit()
    assert_unauthorised(client.get(ME, headers=bearer(plain)))


def test_a_token_that_differs_only_in_its_secret_is_401(client, make_user, make_token):
    plain = make_token(make_user())
    forged = plain[:-4] + ("AAAA" if not plain.endswith("AAAA") else "BBBB")
    assert_unauthorised(client.get(ME, headers=bearer(forged)))


def test_the_plain_token_is_nowhere_in_the_database(client, auth_headers):
    headers = auth_headers("admin", "utfall")
    response = client.post(
        "/api/v1/users/1/tokens", json={"name": "nightly export"}, headers=headers
    )
    assert response.status_code == 201
    plain = response.get_json()["token"]
    secret = plain.split("_", 2)[2]
    stored = _every_text_value()
    assert not [value for value in stored if secret in value]
    assert service.token_digest(plain) in stored  # only its SHA-256 is kept


def _every_text_value() -> list[str]:
    values = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text)]
        for row in db.session.execute(select(*columns)) if columns else []:
            values += [value for value in row if isinstance(value, str)]
    return values


def test_a_token_is_at_least_32_random_bytes_and_shown_once(client, auth_headers, make_user):
    user = make_user("investor", "malar_fund")
    headers = auth_headers("admin", "utfall")
    issued = client.post(f"/api/v1/users/{user.id}/tokens", json={}, headers=headers).get_json()
    # sib_ + 12 hex prefix + _ + 43 url-safe characters = 32 random bytes in base64
    assert len(issued["token"].split("_", 2)[2]) == 43
    listed = client.get(f"/api/v1/users/{user.id}/tokens", headers=headers).get_json()
    assert [t["prefix"] for t in listed] == [issued["prefix"]]
    assert "token" not in listed[0]


def test_a_token_lives_the_configured_days_unless_told(client, auth_headers, make_user, app):
    user = make_user("investor", "malar_fund")
    headers = auth_headers("admin", "utfall")
    default = client.post(f"/api/v1/users/{user.id}/tokens", json={}, headers=headers).get_json()
    short = client.post(
        f"/api/v1/users/{user.id}/tokens", json={"days": 2}, headers=headers
    ).get_json()

    def lifetime(token):
        created = datetime.fromisoformat(token["created_at"])
        return datetime.fromisoformat(token["expires_at"]) - created

    assert lifetime(default) == timedelta(days=app.config["TOKEN_DAYS"])
    assert lifetime(short) == timedelta(days=2)


def test_use_of_a_token_is_recorded(client, make_user, make_token):
    plain = make_token(make_user())
    before = datetime.now(UTC).replace(microsecond=0)
    client.get(ME, headers=bearer(plain))
    used = db.session.scalars(select(ApiToken)).one().last_used_at
    assert used is not None
    assert used.replace(tzinfo=UTC) >= before


def test_an_admin_revokes_a_token_through_the_api(client, auth_headers, make_user, make_token):
    plain = make_token(make_user("investor", "malar_fund"))
    token = db.session.scalar(select(ApiToken).where(ApiToken.name == "test").limit(1))
    headers = auth_headers("admin", "utfall")
    response = client.post(f"/api/v1/tokens/{token.id}/revoke", headers=headers)
    assert response.status_code == 200
    assert response.get_json()["revoked_at"] is not None
    assert_unauthorised(client.get(ME, headers=bearer(plain)))


def test_tokens_are_issued_and_revoked_from_the_command_line(runner, make_user, client):
    user = make_user("auditor", "region")
    issued = runner.invoke(args=["tokens", "create", user.email, "--days", "7"])
    assert issued.exit_code == 0, issued.output
    plain = issued.output.strip().splitlines()[-1]
    assert client.get(ME, headers=bearer(plain)).status_code == 200
    prefix = plain.split("_")[1]
    revoked = runner.invoke(args=["tokens", "revoke", prefix])
    assert revoked.exit_code == 0, revoked.output
    assert_unauthorised(client.get(ME, headers=bearer(plain)))


def test_creating_and_revoking_tokens_is_audited(make_user, make_token):
    from sib.audit import AuditEvent

    make_token(make_user())
    service.revoke_token(db.session.scalars(select(ApiToken)).one(), Actor.system("test"))
    db.session.commit()
    actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)).all()
    assert actions == ["user.created", "token.created", "token.revoked"]
