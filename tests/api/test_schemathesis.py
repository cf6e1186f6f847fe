"""Schemathesis against the app in process: no server errors, every answer as documented.

Bounded: 5 valid and 5 invalid generated examples per operation, derandomized (a fixed
seed), no deadline, no shrinking; one admin token on the seeded demo contract. Half the
examples name the demo's contract and organisations, so the answers are not all 404s. Runs
on SQLite and, with TEST_DATABASE_URL set, on PostgreSQL too (the whole suite runs there; issue 11).

The operations are looped over in one test rather than through `@schema.parametrize()`:
schemathesis 4.32's lazy pytest loader reads `Function._nodeid`, which pytest 9 no longer has.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from sib.extensions import db

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
#: operations not run, each with why (none so far)
EXCLUDED: dict[str, str] = {}
#: path and query values that exist in the demo data (the seeded run's and forecast's ids too)
REAL = {"reference": "BOT-NAC-2027", "contract": "BOT-NAC-2027", "number": 1}
#: an organisation with a statement of that kind on the demo contract
SLUGS = {"investors": "malar_fund", "payers": "botkyrka"}


#: figures in force for the demo's first two periods (the payment-run tests' story)
FIGURES = {
    "values": {
        "2027": {"SAFE": "56", "SAFE_CG": "52", "ABSENCE": "8"},
        "2028": {"SAFE": "53", "SAFE_CG": "52", "ABSENCE": "12"},
    },
    "participants": [
        {
            "participant": f"p-{n:03d}",
            "metric": "EMP6",
            "period": "2027",
            "achieved_on": "2027-06-01",
        }
        for n in range(1, 11)
    ],  # fmt: skip
}


@pytest.fixture
def demo_api(app, client, make_user, make_token, monkeypatch):
    """The demo contract, its drawdowns, a payment run and a forecast seeded.

    Returns an admin's headers and the values that name seeded records.
    """
    from outcomes.demo import seed_demo_contract, seed_demo_drawdowns

    contract = seed_demo_contract()
    seed_demo_drawdowns(contract)
    db.session.commit()
    monkeypatch.setattr(
        "outcomes.payments.inputs.engine_values", lambda contract, *, as_of=None: FIGURES
    )
    manager = {"Authorization": f"Bearer {make_token(make_user('contract_manager', 'utfall'))}"}
    base = f"/api/v1/contracts/{REAL['reference']}"
    run = client.post(f"{base}/payment-runs", json={"period": "2027"}, headers=manager)
    forecast = client.post(f"{base}/forecasts", json={"period": "2028"}, headers=manager)
    assert (run.status_code, forecast.status_code) == (201, 201), (run.json, forecast.json)
    real = {**REAL, "run_id": run.json["id"], "forecast_id": forecast.json["id"]}
    return {"Authorization": f"Bearer {make_token(make_user('admin', 'utfall'))}"}, real


def _use_real_values(case, real: dict) -> None:
    for parameters in (case.path_parameters, case.query):
        if parameters is None:
            continue
        for name, value in real.items():
            if name in parameters:
                parameters[name] = value
        if "slug" in parameters:
            parameters["slug"] = SLUGS[case.path.split("/")[3]]


def _listed_statuses(app) -> dict[tuple[str, str], set[str]]:
    """Each operation's explicitly listed statuses: stricter than `default`, which takes all."""
    document = app.test_client().get("/api/v1/openapi.json").get_json()
    return {
        (method.upper(), path): set(operation["responses"]) - {"default"}
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict) and "responses" in operation
    }


def _check(operation, demo, mode, listed) -> list[str]:
    """Run one operation's examples; the failures, described (never raised: no shrinking)."""
    failures = []

    @given(case=operation.as_strategy(generation_mode=mode), real=st.booleans())
    @settings(
        max_examples=5,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case, real):
        headers, values = demo
        if real:
            _use_real_values(case, values)
        try:
            response = case.call_and_validate(headers=headers, checks=CHECKS)
            if str(response.status_code) not in listed[(operation.method.upper(), operation.path)]:
                failures.append(f"{operation.label}: {response.status_code} is not listed")
        except FailureGroup as group:
            for failure in group.exceptions:
                failures.append(f"{operation.label}: {str(failure).strip()[:800]}")

    run()
    return failures


def test_api_answers_as_documented(app, demo_api):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    listed = _listed_statuses(app)
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.label in EXCLUDED:
            continue
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            failures.extend(_check(operation, demo_api, mode, listed))
    assert failures == [], "\n\n".join(failures)
