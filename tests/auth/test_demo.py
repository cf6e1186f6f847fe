"""`sib demo`: a user for every party of the demo contract, passwords that sign in, tokens kept."""

from sqlalchemy import select

from sib.auth.models import User
from sib.extensions import db

#: role, organisation, email: every party of examples/demo-terms.json has someone to act for it
EXPECTED_USERS = [
    ("admin",            "utfall",           "admin@utfall.example"),
    ("contract_manager", "utfall",           "manager@utfall.example"),
    ("finance_officer",  "botkyrka",         "finance@botkyrka.example"),
    ("finance_officer",  "nacka",            "finance@nacka.example"),
    ("finance_officer",  "region",           "finance@region.example"),
    ("finance_officer",  "trygga",           "finance@trygga.example"),
    ("finance_officer",  "framsteg",         "finance@framsteg.example"),
    ("evaluator",        "evaluator",        "evaluator@evaluator.example"),
    ("investor",         "malar_fund",       "investor@malar-fund.example"),
    ("investor",         "sodertorn_impact", "investor@sodertorn-impact.example"),
    ("auditor",          "region",           "auditor@region.example"),
]  # fmt: skip


def run_demo(runner, *args):
    result = runner.invoke(args=["demo", *args])
    assert result.exit_code == 0, result.output
    return result.output


def printed_users(output: str) -> dict[str, tuple[str, str, str]]:
    """email -> (role, organisation, password or "(unchanged...") from the users table."""
    users = {}
    for line in output.splitlines():
        parts = line.split(maxsplit=3)
        if len(parts) == 4 and "@" in parts[2]:
            users[parts[2]] = (parts[0], parts[1], parts[3])
    return users


def printed_tokens(output: str) -> dict[str, str]:
    return {
        parts[0]: parts[1]
        for line in output.splitlines()
        if len(parts := line.split()) == 2 and parts[1].startswith("sib_")
    }


def signs_in(client, email, password) -> bool:
    response = client.post("/login", data={"email": email, "password": password})
    client.post("/logout")
    return response.status_code == 302


def me(client, token):
    return client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})


def test_the_demo_has_someone_for_every_party(runner):
    users = printed_users(run_demo(runner))
    assert sorted((role, org, email) for email, (role, org, _) in users.items()) == sorted(
        EXPECTED_USERS
    )
    stored = db.session.scalars(select(User)).all()
    assert sorted((next(iter(u.roles)), u.email) for u in stored) == sorted(
        (role, email) for role, _, email in EXPECTED_USERS
    )


def test_every_printed_password_signs_in(runner, client):
    users = printed_users(run_demo(runner))
    assert all(signs_in(client, email, password) for email, (_, _, password) in users.items())


def test_running_the_demo_again_keeps_the_passwords(runner, client):
    first = printed_users(run_demo(runner))
    again = printed_users(run_demo(runner))
    assert {password for _, _, password in again.values()} == {
        "(unchanged; sib users set-password EMAIL to reset)"
    }
    email, (_, _, password) = next(iter(first.items()))
    assert signs_in(client, email, password)


def test_the_password_option_sets_the_password_of_existing_users(runner, client):
    first = printed_users(run_demo(runner))
    run_demo(runner, "--password", "demo password 2027")
    for email, (_, _, old) in first.items():
        assert signs_in(client, email, "demo password 2027"), email
        assert not signs_in(client, email, old), email


def test_a_too_short_demo_password_is_refused_before_anything_changes(runner):
    result = runner.invoke(args=["demo", "--password", "short"])
    assert result.exit_code == 2
    assert "at least 12 characters" in result.output
    assert db.session.scalar(select(db.func.count(User.id))) == 0


def test_demo_tokens_work_and_name_their_users_roles(runner, client):
    tokens = printed_tokens(run_demo(runner, "--tokens"))
    expected = {email: [role] for role, _, email in EXPECTED_USERS}
    assert {email: me(client, t).get_json()["roles"] for email, t in tokens.items()} == expected


def test_starting_the_demo_again_does_not_revoke_earlier_tokens(runner, client):
    first = printed_tokens(run_demo(runner, "--tokens"))
    second = printed_tokens(run_demo(runner, "--tokens"))
    run_demo(runner)
    assert {me(client, t).status_code for t in [*first.values(), *second.values()]} == {200}


def test_earlier_demo_tokens_are_revoked_only_when_asked(runner, client):
    first = printed_tokens(run_demo(runner, "--tokens"))
    second = printed_tokens(run_demo(runner, "--tokens", "--revoke-old"))
    assert {me(client, t).status_code for t in first.values()} == {401}
    assert {me(client, t).status_code for t in second.values()} == {200}


def test_each_demo_user_belongs_to_its_organisation(runner):
    run_demo(runner)
    organisations = db.metadata.tables["organisations"]
    rows = db.session.execute(
        select(User.email, organisations.c.slug).join(
            organisations, organisations.c.id == User.organisation_id
        )
    ).all()
    assert sorted(rows) == sorted((email, org) for _, org, email in EXPECTED_USERS)
