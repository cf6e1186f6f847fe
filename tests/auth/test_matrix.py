"""The authorisation matrix, generated from the app's own URL map.

Every /api/v1 route x every role x a user of an organisation that is a party to the demo
contract ("own") or of one that is not ("other") must answer what sib.policy (the matrix that
docs/access.md shows) says. A new route without `@guard(...)`, or with an action the matrix
has no line for, fails here. A route with a new URL variable needs a sample value in SAMPLES.
"""

import pytest
from sqlalchemy import select

from contracts.access import standing_of
from contracts.models import Organisation
from sib import policy
from sib.actor import Actor
from sib.auth.models import ApiToken
from sib.extensions import db

#: answer without authentication: the OpenAPI document, the docs page and its assets
PUBLIC_ENDPOINTS = {"api-docs.openapi_json", "api-docs.openapi_swagger_ui", "docs_assets.static"}
#: where each role's "own" user works: a party to the demo contract in the matching role
HOME = {
    "admin": "utfall",
    "contract_manager": "utfall",  # the intermediary
    "finance_officer": "botkyrka",  # an outcome payer
    "evaluator": "evaluator",  # the evaluator
    "investor": "malar_fund",  # an investor
    "auditor": "region",
}
OTHER = "elsewhere"  # no party to the demo contract
ALLOWED = "allowed"


def action_of(app, endpoint: str, method: str) -> str | None:
    view = app.view_functions[endpoint]
    view_class = getattr(view, "view_class", None)
    handler = getattr(view_class, method.lower(), None) if view_class else view
    return getattr(handler, "sib_action", None)


def api_routes(app) -> list[tuple[str, str, str | None, object]]:
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1") or rule.endpoint in PUBLIC_ENDPOINTS:
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((rule.rule, method, action_of(app, rule.endpoint, method), rule))
    return routes


def test_every_api_route_has_a_rule_in_the_matrix(app):
    unguarded = [f"{m} {r}" for r, m, action, _ in api_routes(app) if action is None]
    assert unguarded == [], "decorate these views with @guard(<action>)"
    unknown = [f"{m} {r}: {a}" for r, m, a, _ in api_routes(app) if a not in policy.MATRIX]
    assert unknown == [], "add a line for these actions to sib.policy.MATRIX"


def test_every_api_route_refuses_a_request_without_a_token(app, client):
    samples = {"reference": "BOT-NAC-2027", "number": 1, "user_id": 1, "token_id": 1, "_int": 1}
    for path, method, _, rule in api_routes(app):
        url = build(rule, samples)
        response = client.open(url, method=method, json={})
        assert response.status_code == 401, f"{method} {path}"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_the_docs_answer_without_a_token(client):
    assert client.get("/api/v1/openapi.json").status_code == 200
    assert client.get("/api/v1/docs").status_code == 200


#: the organisation a <slug> route is about: a party to the demo contract in the matching role
SLUG_BY_PREFIX = {"/api/v1/investors/": "malar_fund", "/api/v1/payers/": "botkyrka"}


@pytest.fixture
def samples(demo_contract, make_user, make_token):
    target = make_user("investor", "sodertorn_impact")
    make_token(target)
    token = db.session.scalars(select(ApiToken)).first()
    return {
        "reference": demo_contract.reference,
        "number": 1,
        "user_id": target.id,
        "token_id": token.id,
        "_int": 1,
    }


def slug_for(rule) -> str:
    for prefix, slug in SLUG_BY_PREFIX.items():
        if rule.rule.startswith(prefix):
            return slug
    pytest.fail(f"{rule.rule}: add the organisation it is about to SLUG_BY_PREFIX")


def build(rule, samples: dict) -> str:
    values = {}
    for name in rule.arguments:
        if name in samples:
            values[name] = samples[name]
        elif name == "slug":
            values[name] = slug_for(rule)
        elif rule._converters[name].__class__.__name__ == "IntegerConverter":
            values[name] = samples["_int"]
        else:
            pytest.fail(f"{rule.rule}: add a sample value for <{name}> to the matrix test")
    return rule.build(values)[1]


def expected(actor: Actor, action: str, rule, contract) -> str | int:
    """What the matrix documents for this actor on this route."""
    if not policy.may_attempt(actor, action):
        return 403
    if "reference" not in rule.arguments and "slug" not in rule.arguments:
        return ALLOWED
    record_organisation = None
    if "slug" in rule.arguments:
        slug = slug_for(rule)
        record_organisation = db.session.scalar(
            select(Organisation.id).where(Organisation.slug == slug)
        )
    standing = standing_of(actor.organisation_id, contract)
    outcome = policy.decide(actor, action, standing, record_organisation)
    return ALLOWED if outcome == policy.ALLOW else outcome


def test_every_route_answers_every_role_as_the_matrix_says(
    app, client, samples, demo_contract, make_organisation, make_user, make_token
):
    wrong = []
    for role, home in HOME.items():
        for where, slug in (("own", home), ("other", OTHER)):
            make_organisation(slug)
            user = make_user(role, slug)
            headers = {"Authorization": f"Bearer {make_token(user)}"}
            actor = Actor("user:test", user.id, user.organisation_id, frozenset({role}))
            for path, method, action, rule in api_routes(app):
                want = expected(actor, action, rule, demo_contract)
                # `contract` names the contract of routes that are about an organisation
                response = client.open(
                    build(rule, samples),
                    method=method,
                    json={},
                    headers=headers,
                    query_string={"contract": demo_contract.reference},
                )
                got = response.status_code
                body = response.get_json(silent=True)
                detail = body.get("detail") if isinstance(body, dict) else None
                if not _agrees(want, got, detail, _hidden(rule, demo_contract)):
                    wrong.append(
                        f"{role:16} {where:5} {method:6} {path} [{action}]: "
                        f"want {want}, got {got} {detail or ''}"
                    )
    assert wrong == [], "\n" + "\n".join(wrong)


def _hidden(rule, contract) -> str:
    """The words of the 404 that hides something, as for a thing that does not exist."""
    if "slug" in rule.arguments:
        return f"No statement for {slug_for(rule)} on {contract.reference}."
    return f"No contract {contract.reference}."


def _agrees(want, got: int, detail: str | None, hidden: str) -> bool:
    if want == ALLOWED:
        # Past the guard: any answer but a refusal (a 404 for a missing run or submission is
        # fine; a 404 hiding the contract is not), and never a crash.
        return got not in (401, 403) and got < 500 and not (got == 404 and detail == hidden)
    if want == 404:
        # exactly what a contract that does not exist answers, so existence does not leak
        return got == 404 and detail == hidden
    return got == want


def test_another_organisations_contract_is_missing_from_its_list(
    client, demo_contract, auth_headers
):
    own = client.get("/api/v1/contracts", headers=auth_headers("investor", "malar_fund"))
    other = client.get("/api/v1/contracts", headers=auth_headers("investor", OTHER))
    assert [c["reference"] for c in own.get_json()] == [demo_contract.reference]
    assert other.get_json() == []


def test_a_hidden_contract_answers_as_one_that_does_not_exist(client, demo_contract, auth_headers):
    headers = auth_headers("finance_officer", OTHER)
    hidden = client.get(f"/api/v1/contracts/{demo_contract.reference}", headers=headers)
    missing = client.get("/api/v1/contracts/NO-SUCH-1", headers=headers)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.get_json()["detail"].replace(demo_contract.reference, "X") == missing.get_json()[
        "detail"
    ].replace("NO-SUCH-1", "X")


def test_a_view_without_a_guard_is_refused(app, client, auth_headers):
    headers = auth_headers("admin", "utfall")
    guarded = app.view_functions["auth.Me"]
    app.view_functions["auth.Me"] = lambda: {"leak": True}
    try:
        response = client.get("/api/v1/me", headers=headers)
    finally:
        app.view_functions["auth.Me"] = guarded
    assert response.status_code == 403


def test_a_former_party_reads_but_no_longer_acts(client, demo_contract, auth_headers):
    import json

    from contracts import service
    from sib.extensions import db

    terms = json.loads(demo_contract.versions[0].document)
    terms["parties"] = [p for p in terms["parties"] if p["organisation"] != "utfall"]
    service.amend_contract(
        demo_contract,
        terms,
        demo_contract.versions[0].effective_from,
        "The intermediary leaves",
        Actor.system("test"),
    )
    db.session.commit()
    headers = auth_headers("contract_manager", "utfall")
    url = f"/api/v1/contracts/{demo_contract.reference}"
    assert client.get(url, headers=headers).status_code == 200
    proposed = client.post(f"{url}/amendments", json={}, headers=headers)
    assert proposed.status_code == 403
