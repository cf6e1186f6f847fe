"""The contract page: parties and roles, each term in plain words, charts per metric, versions."""

from decimal import Decimal

from flask import render_template
from flask_babel import gettext as _

from contracts.access import visible_contract
from contracts.history import version_history
from outcomes.submissions.figures import ADDITIVE_UNITS, figures_in_force
from sib.access import guard
from sib.web import charts
from sib.web.amendments import open_proposals
from sib.web.blueprints import pages_blueprint
from sib.web.setup import money, number
from sib.web.words import term_in_words

blueprint = pages_blueprint("web_contract", __name__, url_prefix="/c")


@blueprint.get("/<reference>")
@guard("contract.read")
def show(reference):
    contract = visible_contract(reference)
    version = contract.versions[-1]
    terms = version.agreed.document
    metrics = {m["code"]: m for m in terms.get("metrics", [])}
    currency = contract.currency

    def in_money(value):
        return money(Decimal(str(value)), currency, whole=True)

    plain = [{"id": t.get("id"), "clause": t.get("x_clause"),
              "words": term_in_words(t, metrics.get(t.get("metric")), in_money)}
             for t in terms.get("terms", [])]  # fmt: skip
    return render_template(
        "web/contract.html",
        contract=contract,
        version=version,
        terms=terms,
        plain=plain,
        charts=metric_charts(contract, terms),
        versions=version_history(contract),
        proposals=open_proposals(contract),
    )


def metric_charts(contract, terms: dict) -> list[dict]:
    """One SVG chart per metric: the figures in force per period and the terms' thresholds."""
    labels = [p["label"] for p in terms.get("periods", [])]
    values = _per_metric(figures_in_force(contract), terms)
    out = []
    for metric in terms.get("metrics", []):
        code = metric["code"]
        series = [charts.Series(_("Figures in force"), [values.get((code, p)) for p in labels])]
        thresholds, notes = _thresholds(code, metric, terms, values, labels, series)
        chart = charts.Chart(f"{code}: {metric.get('name', '')}", labels, series, thresholds,
                             tick_format=lambda v: number(_tick(v)))  # fmt: skip
        out.append({"code": code, "name": metric.get("name", code), "unit": metric.get("unit"),
                    "svg": charts.svg(chart), "notes": notes, "empty": not charts.has_data(chart),
                    "rows": [(p, values.get((code, p))) for p in labels]})  # fmt: skip
    return out


def _per_metric(figures, terms: dict) -> dict:
    units = {m["code"]: m.get("unit") for m in terms.get("metrics", [])}
    whole, parts = {}, {}
    for figure in figures:
        key = (figure.metric, figure.period)
        if figure.area:
            parts[key] = parts.get(key, Decimal(0)) + figure.value
        else:
            whole[key] = figure.value
    for key, total in parts.items():
        if key not in whole and units.get(key[0]) in ADDITIVE_UNITS:
            whole[key] = total
    return whole


def _thresholds(code, metric, terms, values, labels, series):
    thresholds, notes = [], []
    for term in terms.get("terms", []):
        gate = term.get("gate") or {}
        if gate.get("metric") == code:
            thresholds.append(charts.Threshold(_("gate of %(term)s", term=term["id"]),
                                               Decimal(str(gate["at"]))))  # fmt: skip
        if term.get("metric") != code:
            continue
        shift, note = _shift(term, metric, values, labels, series)
        baseline = (term.get("measure") or {}).get("baseline")
        if baseline is not None and not isinstance(baseline, dict):
            thresholds.append(charts.Threshold(_("baseline"), Decimal(str(baseline))))
        if note:
            notes.append(note)
        if shift is None:
            continue
        for label, at in _levels(term):
            thresholds.append(charts.Threshold(f"{term['id']} {label}", shift(Decimal(str(at)))))
    return thresholds, notes


def _shift(term, metric, values, labels, series):
    """How a threshold on the term's measure reads on the metric's own scale (None: it can't)."""
    spec = term.get("measure") or {"kind": "value"}
    if spec.get("kind", "value") == "value":
        return (lambda at: at), None
    baseline = spec.get("baseline")
    sign = -1 if metric.get("direction") == "lower" else 1
    if spec["kind"] == "change" and not isinstance(baseline, dict):
        base = Decimal(str(baseline))
        return (lambda at: base + sign * at), None
    if isinstance(baseline, dict):
        other = baseline.get("metric")
        series.append(charts.Series(other, [values.get((other, p)) for p in labels], "line"))
        note = _("%(term)s pays on the difference against %(other)s (the dashed line).",
                 term=term["id"], other=other)  # fmt: skip
        return None, note
    return None, _("%(term)s pays on the relative change.", term=term["id"])


def _levels(term: dict) -> list[tuple[str, object]]:
    kind = term.get("kind")
    if kind == "tiered":
        return [(_("tier %(n)s", n=i + 1), t["at"]) for i, t in enumerate(term.get("tiers", []))]
    if kind == "linear":
        return [(_("floor"), term["floor"]), (_("target"), term["target"])]
    if kind == "rate_card" and Decimal(str(term.get("floor", "0"))) > 0:
        return [(_("floor"), term["floor"])]
    return []


def _tick(value: Decimal) -> Decimal:
    return value.quantize(Decimal(1)) if abs(value) >= 10 else value.quantize(Decimal("0.1"))
