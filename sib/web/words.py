"""Names of roles, statuses and units in the page's language, and each term in plain words."""

from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

ROLE_NAMES = {
    "admin": _l("administrator"), "contract_manager": _l("contract manager"),
    "finance_officer": _l("finance officer"), "evaluator": _l("evaluator"),
    "investor": _l("investor"), "auditor": _l("auditor"), "outcome_payer": _l("outcome payer"),
    "provider": _l("provider"), "intermediary": _l("intermediary"), "guarantor": _l("guarantor"),
}  # fmt: skip
STATUS_NAMES = {
    "received": _l("received"), "validated": _l("awaiting verification"),
    "rejected": _l("rejected"), "verified": _l("verified"), "disputed": _l("disputed"),
    "superseded": _l("superseded"), "draft": _l("draft"), "approved": _l("approved"),
    "settled": _l("settled"), "active": _l("active"), "closed": _l("closed"),
    "terminated": _l("terminated"), "proposed": _l("proposed"), "in_force": _l("in force"),
}  # fmt: skip
ANSWER_NAMES = {"pending": _l("not yet"), "accepted": _l("accepted"), "rejected": _l("rejected")}


def role_name(role: str) -> str:
    return str(ROLE_NAMES.get(role, role))


def status_name(status: str) -> str:
    return str(STATUS_NAMES.get(status, status))


def answer_name(answer: str) -> str:
    return str(ANSWER_NAMES.get(answer, answer))


def term_in_words(term: dict, metric: dict | None, money) -> list[str]:
    """A term as sentences a finance officer reads without the terms format at hand."""
    name = (metric or {}).get("name", term.get("metric", ""))
    measure = _measure(term, metric)
    kind = term.get("kind")
    if kind == "rate_card":
        lines = [_rate_card(term, measure, money)]
    elif kind == "tiered":
        lines = [
            _(
                "Pays %(pay)s when %(measure)s reaches %(at)s.",
                pay=money(t["pay"]),
                measure=measure,
                at=_plain(t["at"]),
            )
            for t in term.get("tiers", [])
        ]
        lines.append(_("The highest tier reached pays; below the first nothing."))
    elif kind == "linear":
        lines = [_("Pays %(low)s at %(floor)s and %(high)s at %(target)s of %(measure)s, in a "
                   "straight line between.", low=money(term.get("pay_at_floor", "0")),
                   floor=_plain(term.get("floor")), high=money(term.get("pay_at_target")),
                   target=_plain(term.get("target")), measure=measure)]  # fmt: skip
    else:
        lines = [_("Pays by the %(kind)s rule on %(measure)s.", kind=kind, measure=measure)]
    lines += _limits(term, money)
    return [_("Metric: %(name)s.", name=name)] + lines


def _measure(term: dict, metric: dict | None) -> str:
    spec = term.get("measure") or {"kind": "value"}
    code = term.get("metric", "")
    baseline = spec.get("baseline")
    if isinstance(baseline, dict):
        baseline = baseline.get("metric", "")
    if spec.get("kind") == "change":
        return _("the change in %(code)s against %(baseline)s", code=code, baseline=baseline)
    if spec.get("kind") == "relative_change":
        return _("the change in %(code)s in percent of %(baseline)s", code=code,
                 baseline=baseline)  # fmt: skip
    if (metric or {}).get("participant_level"):
        return _("participants counted in %(code)s", code=code)
    return code


def _rate_card(term: dict, measure: str, money) -> str:
    if "price" in term:
        text = _("Pays %(price)s per unit of %(measure)s", price=money(term["price"]),
                 measure=measure)  # fmt: skip
    else:
        prices = term.get("brackets") or term.get("price_steps") or []
        text = _("Pays per unit of %(measure)s at prices from %(low)s", measure=measure,
                 low=money(prices[0]["price"]) if prices else "–")  # fmt: skip
    if Decimal(str(term.get("floor", "0"))) > 0:
        text += " " + _("above %(floor)s", floor=_plain(term["floor"]))
    return text + "."


def _limits(term: dict, money) -> list[str]:
    lines = []
    if "cap_per_period" in term:
        lines.append(_("At most %(cap)s per period.", cap=money(term["cap_per_period"])))
    if "cap_total" in term:
        lines.append(_("At most %(cap)s over the contract.", cap=money(term["cap_total"])))
    if "max_units" in term:
        lines.append(_("At most %(units)s units.", units=_plain(term["max_units"])))
    gate = term.get("gate")
    if gate:
        lines.append(
            _(
                "Only in a period where %(metric)s reaches %(at)s.",
                metric=gate.get("metric", term.get("metric")),
                at=_plain(gate["at"]),
            )
        )
    if "periods" in term:
        lines.append(_("Applies in %(periods)s.", periods=", ".join(term["periods"])))
    shares = term.get("payer_shares")
    if shares:
        parts = ", ".join(f"{slug} {Decimal(str(v)) * 100:.0f} %" for slug, v in shares.items())
        lines.append(_("Paid by %(shares)s.", shares=parts))
    return lines


def _plain(value) -> str:
    if value is None:
        return "–"
    text = format(Decimal(str(value)).normalize(), "f")
    return text


ACTION_NAMES = {
    "contract.created": _l("Contract created"), "contract.amended": _l("Terms amended"),
    "drawdown.recorded": _l("Capital drawn"), "payment_run.computed": _l("Payment run computed"),
    "payment_run.recomputed": _l("Payment run computed again"),
    "payment_run.payer_approved": _l("Payer approved its share"),
    "payment_run.approved": _l("Payment run approved"),
    "payment_run.settled": _l("Payment run settled"),
    "payment_run.obligation_settled": _l("Payment recorded"),
    "payment_run.settlement_reversed": _l("Payment record reversed"),
    "payment_run.unsettled": _l("Payment run reopened"),
    "forecast.computed": _l("Forecast made"),
    "payment_run.superseded": _l("Payment run superseded"),
    "period.flagged_overdue": _l("Period overdue"),
    "period.overdue_resolved": _l("Overdue period resolved"),
    "submission.validated": _l("File uploaded and read"),
    "submission.rejected": _l("File rejected with problems"),
    "submission.verified": _l("Outcome data verified"),
    "submission.disputed": _l("Outcome data disputed"),
    "submission.superseded": _l("Outcome data superseded"),
    "amendment.proposed": _l("Amendment proposed"),
    "amendment.accepted": _l("Amendment accepted"),
    "amendment.rejected": _l("Amendment rejected"),
    "user.created": _l("User created"), "user.password_set": _l("Password set"),
    "token.created": _l("Token issued"), "token.revoked": _l("Token revoked"),
}  # fmt: skip


def action_name(action: str) -> str:
    return str(ACTION_NAMES.get(action, action))


LINE_KINDS = {
    "payment": _l("payment"), "adjustment": _l("adjustment"), "held_back": _l("held back"),
    "carried": _l("carried over"), "deficit_carried": _l("deficit carried"),
    "deficit_netted": _l("deficit netted"), "guarantee": _l("guarantee"),
}  # fmt: skip


def line_kind(kind: str) -> str:
    return str(LINE_KINDS.get(kind, kind))
