"""Fixtures for payment runs: the demo contract, its people, figures in force and drawdowns."""

from datetime import date
from decimal import Decimal

import pytest

from sib.actor import Actor
from sib.extensions import db

REFERENCE = "BOT-NAC-2027"
BASE = f"/api/v1/contracts/{REFERENCE}"
SYSTEM = Actor.system("test")
#: a day after every period of the demo contract is due (TestConfig.TODAY is the same day)
LATER = date(2031, 12, 31)


def participants(period: str, count: int, start: int = 1, on: str | None = None) -> list[dict]:
    """`count` participant rows of EMP6 in a period, pseudonyms p-<n>."""
    return [
        {"participant": f"p-{n:03d}", "metric": "EMP6", "period": period,
         "achieved_on": on or f"{period}-06-01"}
        for n in range(start, start + count)
    ]  # fmt: skip


#: The hand-computed story: 2027 makes Botkyrka's 2028 yearly cap bind, 2028 pays what it held.
FIGURES_2027 = {"SAFE": "56", "SAFE_CG": "52", "ABSENCE": "8"}
FIGURES_2028 = {"SAFE": "53", "SAFE_CG": "52", "ABSENCE": "12"}


@pytest.fixture
def figures(monkeypatch):
    """The figures in force, as `engine_values` would give them; tests change the dict."""
    held = {
        "values": {"2027": dict(FIGURES_2027), "2028": dict(FIGURES_2028)},
        "participants": participants("2027", 10) + participants("2028", 2, start=11),
    }

    def engine_values(contract, *, as_of=None):
        return {"values": held["values"], "participants": list(held["participants"])}

    monkeypatch.setattr("outcomes.payments.inputs.engine_values", engine_values)
    return held


@pytest.fixture
def drawn(demo_contract):
    """Both investors drew their whole commitment on the contract's first day."""
    from outcomes.payments.drawdowns import record_drawdown

    record_drawdown(demo_contract, "malar_fund", date(2027, 1, 1), Decimal("10000000"), SYSTEM)
    record_drawdown(demo_contract, "sodertorn_impact", date(2027, 1, 1), Decimal("5000000"), SYSTEM)
    db.session.commit()
    return demo_contract


@pytest.fixture
def people(demo_contract, auth_headers):
    """Headers of everyone in the story, by a short name."""
    return {
        "manager": auth_headers("contract_manager", "utfall"),
        # the provider reports outcome data; payers approve and settle (issue 9)
        "provider": auth_headers("finance_officer", "framsteg"),
        "botkyrka": auth_headers("finance_officer", "botkyrka"),
        "nacka": auth_headers("finance_officer", "nacka"),
        "region": auth_headers("finance_officer", "region"),
        "malar": auth_headers("investor", "malar_fund"),
        "sodertorn": auth_headers("investor", "sodertorn_impact"),
        "evaluator": auth_headers("evaluator", "evaluator"),
        "auditor": auth_headers("auditor", "elsewhere"),
        "stranger": auth_headers("finance_officer", "elsewhere"),
        "admin": auth_headers("admin", "elsewhere"),
    }
