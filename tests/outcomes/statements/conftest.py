"""Statements reuse the payment-run fixtures: the demo contract, figures in force, drawdowns."""

from tests.outcomes.payments.conftest import drawn, figures, people  # noqa: F401
