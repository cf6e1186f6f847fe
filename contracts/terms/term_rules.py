"""Checks on each term against its metrics: references, direction, basis and the order of steps."""

from decimal import Decimal

from contracts.terms.problems import Problem, child
from contracts.terms.references import Names, entries, text
from contracts.terms.values import parse_decimal

ADDITIVE_UNITS = frozenset({"count", "money", "days"})
ORIENTED = frozenset({"change", "relative_change"})


def term_problems(document: dict) -> list[Problem]:
    """Every problem with a term's references and with its figures read against its metric."""
    names = Names.of(document)
    problems: list[Problem] = []
    for path, term in entries(document, "terms"):
        problems += reference_problems(path, term, names)
        metric = names.metrics.get(text(term.get("metric")))
        if metric is None:
            continue
        problems += basis_problems(path, term, metric, names)
        problems += rate_card_problems(path, term, metric)
        bigger = bigger_is_better(term, metric)
        if bigger is not None:
            problems += order_problems(path, term, bigger)
    return problems


def measure_kind(measure: object) -> str | None:
    """The kind of a measure object (`value` when the term gives none)."""
    if measure is None:
        return "value"
    return text(measure.get("kind")) if isinstance(measure, dict) else None


def bigger_is_better(term: dict, metric: dict) -> bool | None:
    """Whether a bigger measure is better (TERMS.md "reaches"); None when unknowable."""
    kind = measure_kind(term.get("measure"))
    if kind in ORIENTED:
        return True
    if kind == "value" and metric.get("direction") in ("higher", "lower"):
        return metric["direction"] == "higher"
    return None


def baseline_metric(measure: object) -> str | None:
    """The comparison metric a measure's baseline names, if any."""
    baseline = measure.get("baseline") if isinstance(measure, dict) else None
    return text(baseline.get("metric")) if isinstance(baseline, dict) else None


def reference_problems(path: str, term: dict, names: Names):
    def metric_problem(where, code):
        if isinstance(code, str) and code not in names.metrics:
            yield Problem(where, f'no metric has the code "{code}"')

    yield from metric_problem(child(path, "metric"), term.get("metric"))
    measure_path = child(child(child(path, "measure"), "baseline"), "metric")
    yield from metric_problem(measure_path, baseline_metric(term.get("measure")))
    gate = term.get("gate")
    if isinstance(gate, dict):
        gate_path = child(path, "gate")
        yield from metric_problem(child(gate_path, "metric"), gate.get("metric"))
        baseline_path = child(child(child(gate_path, "measure"), "baseline"), "metric")
        yield from metric_problem(baseline_path, baseline_metric(gate.get("measure")))
    listed = term.get("periods")
    seen: set = set()
    for i, label in enumerate(listed if isinstance(listed, list) else []):
        where = child(child(path, "periods"), i)
        if isinstance(label, str) and label not in names.periods:
            yield Problem(where, f'no period is labelled "{label}"')
        elif isinstance(label, str) and label in seen:
            yield Problem(where, f'the period "{label}" is listed twice')
        if isinstance(label, str):
            seen.add(label)


def basis_problems(path: str, term: dict, metric: dict, names: Names):
    if term.get("repeatable") is True and metric.get("participant_level") is not True:
        yield Problem(
            child(path, "repeatable"),
            f'"{metric["code"]}" is not a participant-level '
            "metric, so there are no participants to count again",
        )
    if term.get("basis") != "cumulative":
        return
    if text(metric.get("unit")) not in ADDITIVE_UNITS:
        yield Problem(child(path, "basis"), _not_additive(metric, "a cumulative term"))
    compared = names.metrics.get(baseline_metric(term.get("measure")))
    if compared is not None and text(compared.get("unit")) not in ADDITIVE_UNITS:
        where = child(child(child(path, "measure"), "baseline"), "metric")
        yield Problem(where, _not_additive(compared, "the baseline of a cumulative term"))
    if "price_steps" in term:
        yield Problem(
            child(path, "price_steps"),
            "price_steps cannot be used on a cumulative term; use price or brackets",
        )


def _not_additive(metric: dict, what: str) -> str:
    return (
        f"{what} sums values over periods, which only makes sense for a count, money or "
        f'days; the metric "{metric["code"]}" is measured in "{metric.get("unit")}"'
    )


def rate_card_problems(path: str, term: dict, metric: dict):
    if term.get("kind") != "rate_card":
        return
    kind = measure_kind(term.get("measure"))
    if kind == "value" and metric.get("direction") == "lower":
        yield Problem(
            child(path, "kind"),
            f"a rate card cannot pay on the value of "
            f'"{metric["code"]}", where lower is better; pay on a change against a '
            "baseline instead",
        )
    if kind is None or kind == "value":
        return
    where = child(child(path, "measure"), "kind")
    if "brackets" in term:
        yield Problem(
            where,
            "a rate card with brackets counts units of the value itself, "
            f'so its measure must be "value", not "{kind}"',
        )
    elif metric.get("participant_level") is True:
        yield Problem(
            where,
            f'"{metric["code"]}" is counted per participant, so a rate card on '
            f'it pays per participant and its measure must be "value", not "{kind}"',
        )


def order_problems(path: str, term: dict, bigger: bool):
    kind = term.get("kind")
    if kind == "tiered":
        yield from tier_problems(path, term, bigger)
    elif kind == "linear":
        floor, target = parse_decimal(term.get("floor")), parse_decimal(term.get("target"))
        if floor is not None and target is not None and not _beyond(target, floor, bigger):
            yield Problem(
                child(path, "target"),
                f"the target {target} must be more demanding "
                f"than the floor {floor} ({_better(bigger)})",
            )
    elif kind == "rate_card":
        yield from bracket_problems(path, term.get("brackets"))
        yield from price_step_problems(path, term.get("price_steps"))


def _beyond(value: Decimal, previous: Decimal, bigger: bool) -> bool:
    return value > previous if bigger else value < previous


def _better(bigger: bool) -> str:
    return "for this measure bigger is better" if bigger else "for this measure lower is better"


def tier_problems(path: str, term: dict, bigger: bool):
    previous = None
    for where, tier in entries(term, "tiers", path):
        at = parse_decimal(tier.get("at"))
        if at is not None and previous is not None and not _beyond(at, previous, bigger):
            yield Problem(
                child(where, "at"),
                "tiers must go from the least to the most "
                f"demanding: {at} is not more demanding than {previous} in the tier "
                f"before ({_better(bigger)})",
            )
        previous = at if at is not None else previous


def bracket_problems(path: str, brackets: object):
    items = entries({"brackets": brackets}, "brackets", path)
    previous = None
    for i, (where, bracket) in enumerate(items):
        last = i == len(items) - 1
        if last and "up_to" in bracket:
            yield Problem(
                child(where, "up_to"),
                "the last bracket has no up_to: it prices every unit beyond the bracket before it",
            )
        elif not last and "up_to" not in bracket:
            yield Problem(where, "every bracket but the last needs up_to")
        up_to = parse_decimal(bracket.get("up_to"))
        if up_to is not None and previous is not None and up_to <= previous:
            yield Problem(
                child(where, "up_to"),
                f"brackets must be listed with up_to rising: {up_to} is not above {previous}",
            )
        previous = up_to if up_to is not None else previous


def price_step_problems(path: str, steps: object):
    items = entries({"price_steps": steps}, "price_steps", path)
    previous, repaid = None, False
    for i, (where, step) in enumerate(items):
        last = i == len(items) - 1
        if last and "until" in step:
            yield Problem(
                child(where, "until"),
                "the last price step has no until: its price holds from there on",
            )
        elif not last and "until" not in step:
            yield Problem(where, "every price step but the last needs until")
        until = step.get("until")
        if until == "investors_repaid":
            if repaid:
                yield Problem(child(where, "until"), "investors_repaid can end only one step")
            repaid = True
        amount = parse_decimal(until)
        if amount is not None and previous is not None and amount <= previous:
            yield Problem(
                child(where, "until"),
                f"price steps must be listed with until rising: {amount} is not above {previous}",
            )
        previous = amount if amount is not None else previous
