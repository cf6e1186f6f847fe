"""Properties every answer of the payment engine keeps, whatever valid terms it is given."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import re
from collections import defaultdict
from decimal import ROUND_CEILING, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts.engine.digest import digest_of
from contracts.engine.errors import InputError
from contracts.engine.money import split
from contracts.engine.public import parse_contract, settle
from tests.engine.answers import printed, settled
from tests.engine.strategies import EXPONENTS, Case, cases, monotone_pairs, payment_date, plain

SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FEW = settings(SETTINGS, max_examples=20)


def answer_for(terms: dict, inputs: dict) -> dict:
    """Settle a generated case; a generated document the engine rejects is a strategy bug."""
    try:
        return settled(terms, inputs)
    except InputError as error:  # pragma: no cover - shows the problems when it happens
        pytest.fail(f"engine rejected a generated document: {error.problems}")


def unit(currency: str) -> Decimal:
    """The currency's minor unit as an amount."""
    return Decimal(1).scaleb(-EXPONENTS[currency])


def rounded(amount: Decimal, terms: dict) -> Decimal:
    """`amount` rounded to the minor unit in the contract's rounding mode."""
    mode = ROUND_HALF_EVEN if terms.get("rounding") == "half_even" else ROUND_HALF_UP
    return amount.quantize(unit(terms["currency"]), rounding=mode)


def provider_of(period: dict) -> Decimal:
    """What a period paid the provider (the key is absent when nothing went there)."""
    return Decimal(period.get("provider", "0"))


def investors_of(period: dict) -> dict:
    """A period's distributions to investors: `{investor: {principal, return}}`."""
    return period["investors"]


def amount_strings(answer: dict):
    """Every (where, string) in the answer that TERMS.md calls an amount."""
    for period in answer["periods"]:
        where = f"periods[{period['period']}]"
        yield f"{where}.amount", period["amount"]
        for item in period["terms"]:
            yield f"{where}.terms[{item['term']}].amount", item["amount"]
        for name in ("payers", "held_back"):
            for who, value in period.get(name, {}).items():
                yield f"{where}.{name}.{who}", value
        for who, money in investors_of(period).items():
            yield f"{where}.investors.{who}.principal", money["principal"]
            yield f"{where}.investors.{who}.return", money["return"]
        if "provider" in period:
            yield f"{where}.provider", period["provider"]
    for index, item in enumerate(answer["guarantees"]):
        yield f"guarantees[{index}].amount", item["amount"]
    totals = answer["totals"]
    yield "totals.amount", totals["amount"]
    for who, value in totals.get("payers", {}).items():
        yield f"totals.payers.{who}", value
    for who, money in totals["investors"].items():
        yield f"totals.investors.{who}.principal", money["principal"]
        yield f"totals.investors.{who}.return", money["return"]
    if "provider" in totals:
        yield "totals.provider", totals["provider"]


def terms_by_id(terms: dict) -> dict:
    return {item["id"]: item for item in terms["terms"]}


def periods_by_label(terms: dict) -> dict:
    return {period["label"]: period for period in terms["periods"]}


def drawn_by(inputs: dict, investor: str, on: dt.date) -> Decimal:
    """Principal the investor drew on or before `on`."""
    return sum(
        (
            Decimal(d["amount"])
            for d in inputs["drawdowns"]
            if d["investor"] == investor and dt.date.fromisoformat(d["on"]) <= on
        ),
        Decimal(0),
    )


def investor_parties(terms: dict) -> list[dict]:
    return [party for party in terms["parties"] if party["role"] == "investor"]


# 1. Splits -----------------------------------------------------------------------------------


@st.composite
def split_cases(draw):
    """A whole in minor units and weights that are exact decimals, keyed in priority order."""
    exponent = draw(st.sampled_from([0, 2, 3]))
    whole = Decimal(draw(st.integers(-(10**9), 10**9))).scaleb(-exponent)
    weights = draw(
        st.lists(
            st.integers(0, 10_000).map(lambda n: Decimal(n) / 100), min_size=1, max_size=6
        ).filter(lambda ws: sum(ws) > 0)
    )
    return whole, [(f"k{i}", w) for i, w in enumerate(weights)], exponent


@SETTINGS
@given(split_cases())
def test_split_parts_sum_exactly_to_the_whole(case):
    whole, shares, exponent = case
    parts = split(whole, shares, exponent)
    assert list(parts) == [key for key, _ in shares]
    assert sum(parts.values(), Decimal(0)) == whole


@SETTINGS
@given(split_cases())
def test_split_parts_are_whole_minor_units_within_one_unit_of_their_exact_share(case):
    whole, shares, exponent = case
    minor = Decimal(1).scaleb(-exponent)
    total = sum(w for _, w in shares)
    parts = split(whole, shares, exponent)
    for key, weight in shares:
        assert parts[key] == parts[key].quantize(minor)
        assert abs(parts[key] - whole * weight / total) < minor


@pytest.mark.parametrize(
    ("whole", "shares", "exponent", "expected"),
    [
        # 0.45/0.25/0.30 of 2333.31: exact 1049.9895, 583.3275, 699.993; floors leave 0.02,
        # which go to the largest remainders (0.95 and 0.75 öre).
        ("2333.31", ["0.45", "0.25", "0.30"], 2, ["1049.99", "583.33", "699.99"]),
        # 100 JPY in thirds: 33.33.. each, one yen left, ties go to the first listed.
        ("100", ["1", "1", "1"], 0, ["34", "33", "33"]),
        # 0.010 KWD in thirds: 3.33 fils each, one fils to the first listed.
        ("0.010", ["1", "1", "1"], 3, ["0.004", "0.003", "0.003"]),
        # A negative whole mirrors the positive split.
        ("-100", ["1", "1", "1"], 0, ["-34", "-33", "-33"]),
    ],
)
def test_split_by_hand(whole, shares, exponent, expected):
    keyed = [(f"k{i}", Decimal(w)) for i, w in enumerate(shares)]
    parts = split(Decimal(whole), keyed, exponent)
    assert list(parts.values()) == [Decimal(e) for e in expected]


@SETTINGS
@given(cases())
def test_each_periods_payers_sum_to_its_amount(case: Case):
    answer = answer_for(case.terms, case.inputs)
    for period in answer["periods"]:
        payers = [Decimal(v) for v in period["payers"].values()]
        assert sum(payers, Decimal(0)) == Decimal(period["amount"])


@SETTINGS
@given(cases())
def test_payers_lists_every_outcome_payer_of_the_contract(case: Case):
    answer = answer_for(case.terms, case.inputs)
    payers = {p["organisation"] for p in case.terms["parties"] if p["role"] == "outcome_payer"}
    for period in answer["periods"]:
        assert set(period["payers"]) == payers


@SETTINGS
@given(cases())
def test_without_yearly_caps_each_payer_owes_its_shares_to_within_a_minor_unit_per_term(
    case: Case,
):
    has_yearly_cap = any("yearly_cap" in p for p in case.terms["parties"])
    answer = answer_for(case.terms, case.inputs)
    if has_yearly_cap or any(
        Decimal(item["amount"]) < 0 for period in answer["periods"] for item in period["terms"]
    ):
        return  # step 7 moves money between periods: held back, or a negative balance netted
    terms = terms_by_id(case.terms)
    minor = unit(case.terms["currency"])
    for period in answer["periods"]:
        exact = defaultdict(Decimal)
        for item in period["terms"]:
            term = terms[item["term"]]
            shares = (
                term.get("payer_shares_by_period", {}).get(period["period"])
                or term.get("payer_shares")
                or case.terms["payer_shares"]
            )
            for payer, share in shares.items():
                exact[payer] += Decimal(item["amount"]) * Decimal(share)
        for payer, owed in period["payers"].items():
            assert abs(Decimal(owed) - exact[payer]) < minor * max(1, len(period["terms"]))


@SETTINGS
@given(cases())
def test_investors_and_provider_receive_exactly_what_the_payers_paid(case: Case):
    answer = answer_for(case.terms, case.inputs)
    for period in answer["periods"]:
        received = provider_of(period) + sum(
            (Decimal(m["principal"]) + Decimal(m["return"]) for m in investors_of(period).values()),
            Decimal(0),
        )
        assert received == Decimal(period["amount"])


@SETTINGS
@given(cases())
def test_an_investor_with_nothing_drawn_receives_nothing(case: Case):
    answer = answer_for(case.terms, case.inputs)
    dates = periods_by_label(case.terms)
    for period in answer["periods"]:
        on = payment_date(dates[period["period"]])
        for investor, money in investors_of(period).items():
            if drawn_by(case.inputs, investor, on) == 0:
                assert Decimal(money["principal"]) == 0
                assert Decimal(money["return"]) == 0


@SETTINGS
@given(cases())
def test_no_investor_is_repaid_more_principal_than_it_drew(case: Case):
    answer = answer_for(case.terms, case.inputs)
    dates = periods_by_label(case.terms)
    received = defaultdict(Decimal)
    for period in answer["periods"]:
        on = payment_date(dates[period["period"]])
        for investor, money in investors_of(period).items():
            received[investor] += Decimal(money["principal"])
            assert received[investor] <= drawn_by(case.inputs, investor, on)


@SETTINGS
@given(cases())
def test_without_yearly_caps_or_negative_amounts_a_period_owes_what_its_terms_earned(case: Case):
    answer = answer_for(case.terms, case.inputs)
    if any("yearly_cap" in p for p in case.terms["parties"]):
        return
    earned = [[Decimal(item["amount"]) for item in p["terms"]] for p in answer["periods"]]
    if any(amount < 0 for amounts in earned for amount in amounts):
        return
    for period, amounts in zip(answer["periods"], earned, strict=True):
        assert Decimal(period["amount"]) == sum(amounts, Decimal(0))


@SETTINGS
@given(cases())
def test_a_later_tranche_is_paid_only_once_earlier_tranches_have_their_principal_back(
    case: Case,
):
    answer = answer_for(case.terms, case.inputs)
    dates = periods_by_label(case.terms)
    order = [t["name"] for t in case.terms["tranches"]]
    tranche_of = {p["organisation"]: p["tranche"] for p in investor_parties(case.terms)}
    principal = defaultdict(Decimal)
    for period in answer["periods"]:
        on = payment_date(dates[period["period"]])
        paid = defaultdict(Decimal)
        for investor, money in investors_of(period).items():
            principal[investor] += Decimal(money["principal"])
            paid[tranche_of[investor]] += Decimal(money["principal"]) + Decimal(money["return"])
        if case.terms.get("surplus") == "investors":
            continue  # the surplus is spread over every tranche pro rata to drawn principal
        for position, name in enumerate(order):
            if paid[name] == 0:
                continue
            for earlier in order[:position]:
                for investor, tranche in tranche_of.items():
                    if tranche == earlier:
                        assert principal[investor] == drawn_by(case.inputs, investor, on)


@SETTINGS
@given(cases())
def test_with_investors_and_a_retained_surplus_the_provider_receives_nothing(case: Case):
    """Step 5 cuts what investors cannot take, so nothing is left over for the provider."""
    answer = answer_for(case.terms, case.inputs)
    if not investor_parties(case.terms) or case.terms.get("surplus", "retained") != "retained":
        return
    for period in answer["periods"]:
        assert provider_of(period) == 0


@SETTINGS
@given(cases())
def test_payers_never_owe_more_than_the_terms_have_earned_so_far(case: Case):
    """Yearly caps only move money later; they never make anyone pay ahead of earnings."""
    answer = answer_for(case.terms, case.inputs)
    earned = paid = Decimal(0)
    for period in answer["periods"]:
        amounts = [Decimal(item["amount"]) for item in period["terms"]]
        if any(amount < 0 for amount in amounts):
            return  # a downward correction is netted per payer; the bound is per payer then
        earned += sum(amounts, Decimal(0))
        paid += Decimal(period["amount"])
        assert paid <= earned


# 2. Caps ---------------------------------------------------------------------------------------


@SETTINGS
@given(cases())
def test_no_term_exceeds_its_cap_per_period(case: Case):
    answer = answer_for(case.terms, case.inputs)
    terms = terms_by_id(case.terms)
    for period in answer["periods"]:
        for item in period["terms"]:
            cap = terms[item["term"]].get("cap_per_period")
            if cap is not None:
                assert Decimal(item["amount"]) <= Decimal(cap)


@SETTINGS
@given(cases())
def test_no_group_exceeds_its_smallest_cap_total_over_all_periods(case: Case):
    answer = answer_for(case.terms, case.inputs)
    group_of = {item["id"]: item.get("group", item["id"]) for item in case.terms["terms"]}
    caps: dict[str, Decimal] = {}
    for item in case.terms["terms"]:
        if "cap_total" in item:
            group = group_of[item["id"]]
            caps[group] = min(
                caps.get(group, Decimal(item["cap_total"])), Decimal(item["cap_total"])
            )
    paid = defaultdict(Decimal)
    for period in answer["periods"]:
        for item in period["terms"]:
            paid[group_of[item["term"]]] += Decimal(item["amount"])
            for group, cap in caps.items():
                assert paid[group] <= cap


@SETTINGS
@given(cases())
def test_all_terms_together_never_exceed_the_outcome_total(case: Case):
    cap = case.terms["caps"].get("outcome_total")
    answer = answer_for(case.terms, case.inputs)
    if cap is None:
        return
    earned = Decimal(0)
    for period in answer["periods"]:
        earned += sum((Decimal(item["amount"]) for item in period["terms"]), Decimal(0))
        assert earned <= Decimal(cap)


@SETTINGS
@given(cases())
def test_payers_pay_the_outcome_total_at_most_plus_the_credits_left_with_them(case: Case):
    """Step 4 caps what the terms earn; step 7 keeps a payer's negative balance as its own
    credit, never charged back (docs/terms.md, reading 32). So what the payers pay together
    exceeds the cap by at most the credits still theirs after the last period."""
    cap = case.terms["caps"].get("outcome_total")
    if cap is None:
        return
    answer = settle(parse_contract(case.terms), case.inputs)
    paid = sum((line.owed for period in answer.periods for line in period.payers), Decimal(0))
    last = {line.payer: line.deficit for period in answer.periods for line in period.payers}
    assert paid + sum(last.values(), Decimal(0)) <= Decimal(cap)


@SETTINGS
@given(cases())
def test_no_payer_pays_more_than_its_yearly_cap_in_a_calendar_year(case: Case):
    answer = answer_for(case.terms, case.inputs)
    caps = {
        p["organisation"]: Decimal(p["yearly_cap"])
        for p in case.terms["parties"]
        if p["role"] == "outcome_payer" and "yearly_cap" in p
    }
    dates = periods_by_label(case.terms)
    paid = defaultdict(Decimal)
    for period in answer["periods"]:
        year = payment_date(dates[period["period"]]).year
        for payer, owed in period["payers"].items():
            paid[payer, year] += Decimal(owed)
            if payer in caps:
                assert paid[payer, year] <= caps[payer]


@SETTINGS
@given(cases())
def test_no_payer_is_ever_charged_a_negative_amount(case: Case):
    answer = answer_for(case.terms, case.inputs)
    for period in answer["periods"]:
        for owed in period["payers"].values():
            assert Decimal(owed) >= 0


def investor_returns(answer: dict) -> dict[str, Decimal]:
    returns = defaultdict(Decimal)
    for period in answer["periods"]:
        for investor, money in investors_of(period).items():
            returns[investor] += Decimal(money["return"])
    return returns


def last_payment_date(case: Case, answer: dict) -> dt.date | None:
    dates = periods_by_label(case.terms)
    return payment_date(dates[answer["periods"][-1]["period"]]) if answer["periods"] else None


def most_interest(case: Case, investor: str, rate: Decimal, last: dt.date) -> Decimal:
    """Simple interest on all the investor drew, from each drawdown to `last`: an upper bound
    on interest on outstanding principal, rounded up to the minor unit."""
    exact = sum(
        (
            Decimal(d["amount"]) * rate * (last - dt.date.fromisoformat(d["on"])).days / 365
            for d in case.inputs["drawdowns"]
            if d["investor"] == investor and dt.date.fromisoformat(d["on"]) <= last
        ),
        Decimal(0),
    )
    return exact.quantize(unit(case.terms["currency"]), rounding=ROUND_CEILING)


@SETTINGS
@given(cases())
def test_investor_returns_stay_within_their_tranches_return_caps(case: Case):
    """`none` returns nothing, `total` at most rate x principal drawn, `annual_rate` at most
    simple interest on everything drawn from its drawdown date to the last payment date.

    Each investor's allowance is rounded to the minor unit on its own (the engine's reading
    of "within a tranche pro rata to drawn principal, never more than an investor is still
    owed"), so a tranche of n investors may exceed its own rounded cap by n - 1 minor units.
    """
    answer = answer_for(case.terms, case.inputs)
    if case.terms.get("surplus") == "investors" or not answer["periods"]:
        return  # the surplus goes to investors as return, beyond any cap
    last = last_payment_date(case, answer)
    returns = investor_returns(answer)
    caps = {t["name"]: t["return_cap"] for t in case.terms["tranches"]}
    for party in investor_parties(case.terms):
        investor, cap = party["organisation"], caps[party["tranche"]]
        if cap["kind"] == "none":
            assert returns[investor] == 0
        elif cap["kind"] == "total":
            allowed = Decimal(cap["rate"]) * drawn_by(case.inputs, investor, last)
            assert returns[investor] <= rounded(allowed, case.terms)
        elif cap["kind"] == "annual_rate":
            assert returns[investor] <= most_interest(case, investor, Decimal(cap["rate"]), last)


@SETTINGS
@given(cases())
def test_guarantees_never_lift_an_investor_above_the_guaranteed_share_of_principal(case: Case):
    answer = answer_for(case.terms, case.inputs)
    if not answer["guarantees"]:
        return
    (guarantee,) = case.terms["guarantees"]
    last = last_payment_date(case, answer)
    principal = defaultdict(Decimal)
    for period in answer["periods"]:
        for investor, money in investors_of(period).items():
            principal[investor] += Decimal(money["principal"])
    paid = defaultdict(Decimal)
    for item in answer["guarantees"]:
        assert item["by"] == guarantee["by"]
        assert Decimal(item["amount"]) >= 0
        paid[item["investor"]] += Decimal(item["amount"])
    for investor, amount in paid.items():
        promised = rounded(
            Decimal(guarantee["share_of_principal"]) * drawn_by(case.inputs, investor, last),
            case.terms,
        )
        assert principal[investor] + amount <= max(promised, principal[investor])
    if "cap" in guarantee:
        assert sum(paid.values(), Decimal(0)) <= Decimal(guarantee["cap"])


@SETTINGS
@given(cases())
def test_terms_on_a_period_basis_never_earn_a_negative_amount(case: Case):
    answer = answer_for(case.terms, case.inputs)
    terms = terms_by_id(case.terms)
    for period in answer["periods"]:
        for item in period["terms"]:
            if terms[item["term"]].get("basis") != "cumulative":
                assert Decimal(item["amount"]) >= 0


@SETTINGS
@given(cases())
def test_periods_after_termination_pay_nothing(case: Case):
    terminated = case.terms.get("terminated_on")
    answer = answer_for(case.terms, case.inputs)
    if terminated is None:
        return
    dates = periods_by_label(case.terms)
    for period in answer["periods"]:
        if payment_date(dates[period["period"]]) > dt.date.fromisoformat(terminated):
            assert Decimal(period["amount"]) == 0
            assert all(Decimal(item["amount"]) == 0 for item in period["terms"])


# The shape of the answer ----------------------------------------------------------------------


@SETTINGS
@given(cases())
def test_the_answer_settles_the_periods_up_to_through_in_order(case: Case):
    answer = answer_for(case.terms, case.inputs)
    labels = [p["label"] for p in case.terms["periods"]]
    through = case.inputs.get("through")
    if through is None:
        used = {label for label, row in case.inputs["values"].items() if row}
        used |= {row["period"] for row in case.inputs["participants"]}
        through = max(used, key=labels.index, default=None)
    expected = [] if through is None else labels[: labels.index(through) + 1]
    assert [p["period"] for p in answer["periods"]] == expected


@SETTINGS
@given(cases())
def test_a_period_lists_the_terms_that_apply_in_it_in_document_order(case: Case):
    answer = answer_for(case.terms, case.inputs)
    for period in answer["periods"]:
        applying = [
            t["id"]
            for t in case.terms["terms"]
            if period["period"] in t.get("periods", [period["period"]])
        ]
        assert [item["term"] for item in period["terms"]] == applying


@SETTINGS
@given(cases())
def test_guarantees_settle_only_in_an_answer_that_includes_the_last_period(case: Case):
    answer = answer_for(case.terms, case.inputs)
    if "terminated_on" in case.terms:
        return  # then the last period paid before termination settles them
    last = case.terms["periods"][-1]["label"]
    if not answer["periods"] or answer["periods"][-1]["period"] != last:
        assert answer["guarantees"] == []


PLAIN_DECIMAL = re.compile(r"-?(0|[1-9]\d*)(\.\d*[1-9])?")


@SETTINGS
@given(cases())
def test_measures_are_written_plainly_without_exponent_or_trailing_zeros(case: Case):
    answer = answer_for(case.terms, case.inputs)
    for period in answer["periods"]:
        for item in period["terms"]:
            for figure in (item["measure"], item["gate_measure"]):
                if figure is not None:
                    assert PLAIN_DECIMAL.fullmatch(figure), figure
                    assert figure != "-0"
                    assert len(figure.replace("-", "").replace(".", "").lstrip("0")) <= 28


# 3. A better outcome never pays less ------------------------------------------------------------


@settings(SETTINGS, max_examples=200)
@given(monotone_pairs())
def test_a_better_outcome_never_pays_less(pair):
    worse = answer_for(pair.terms, pair.worse)
    better = answer_for(pair.terms, pair.better)
    (worse_term,) = worse["periods"][0]["terms"]
    (better_term,) = better["periods"][0]["terms"]
    assert Decimal(better_term["amount"]) >= Decimal(worse_term["amount"]), (
        worse_term["explanation"],
        better_term["explanation"],
    )


# 4. Totals ----------------------------------------------------------------------------------------


@SETTINGS
@given(cases())
def test_totals_are_the_sums_of_the_periods(case: Case):
    answer = answer_for(case.terms, case.inputs)
    periods, totals = answer["periods"], answer["totals"]
    assert Decimal(totals["amount"]) == sum((Decimal(p["amount"]) for p in periods), Decimal(0))
    for payer, value in totals["payers"].items():
        assert Decimal(value) == sum((Decimal(p["payers"][payer]) for p in periods), Decimal(0))
    for investor, money in totals["investors"].items():
        for part in ("principal", "return"):
            expected = sum(
                (Decimal(investors_of(p).get(investor, {}).get(part, "0")) for p in periods),
                Decimal(0),
            )
            assert Decimal(money[part]) == expected
    provider = Decimal(totals.get("provider", "0"))
    assert provider == sum((provider_of(p) for p in periods), Decimal(0))


# 5. Determinism and the digest ----------------------------------------------------------------


def reordered(value):
    """The same document with every object's keys in reverse order (lists keep their order)."""
    if isinstance(value, dict):
        return {key: reordered(value[key]) for key in reversed(list(value))}
    if isinstance(value, list):
        return [reordered(item) for item in value]
    return value


def canonical_digest(terms: dict, inputs: dict) -> str:
    """SHA-256 of `{"terms": ..., "input": ...}` with sorted keys and no whitespace, in UTF-8."""
    text = json.dumps(
        {"terms": terms, "input": inputs},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@FEW
@given(cases())
def test_the_same_inputs_give_a_byte_identical_answer(case: Case):
    first = printed(answer_for(case.terms, case.inputs))
    again = printed(answer_for(copy.deepcopy(case.terms), copy.deepcopy(case.inputs)))
    shuffled = printed(answer_for(reordered(case.terms), reordered(case.inputs)))
    assert first == again == shuffled


def keys_in_order(pairs: list[tuple[str, object]]) -> dict:
    """A JSON object hook that insists the keys were printed sorted."""
    keys = [key for key, _ in pairs]
    assert keys == sorted(keys)
    return dict(pairs)


@FEW
@given(cases())
def test_the_answer_is_printed_with_sorted_keys(case: Case):
    answer = answer_for(case.terms, case.inputs)
    assert json.loads(printed(answer), object_pairs_hook=keys_in_order) == answer


@FEW
@given(cases())
def test_the_digest_is_the_sha256_of_the_canonical_serialisation(case: Case):
    expected = canonical_digest(case.terms, case.inputs)
    assert digest_of(case.terms, case.inputs) == expected
    assert answer_for(case.terms, case.inputs)["digest"] == expected
    assert digest_of(reordered(case.terms), reordered(case.inputs)) == expected


@FEW
@given(cases(), st.integers(1, 999))
def test_the_digest_changes_when_an_input_value_changes(case: Case, bump: int):
    changed = copy.deepcopy(case.inputs)
    cell = next(((label, code) for label, row in changed["values"].items() for code in row), None)
    if cell is None:
        changed["values"] = {case.terms["periods"][0]["label"]: {}}
    else:
        label, code = cell
        changed["values"][label][code] = plain(Decimal(changed["values"][label][code]) + bump)
    assert digest_of(case.terms, changed) != digest_of(case.terms, case.inputs)


@FEW
@given(cases(), st.data())
def test_settling_through_an_earlier_period_gives_the_same_figures_for_it(case: Case, data):
    """A period's figures depend only on it and the periods before it."""
    full = answer_for(case.terms, case.inputs)
    if not full["periods"]:
        return
    cut = data.draw(st.integers(0, len(full["periods"]) - 1))
    earlier = dict(case.inputs, through=full["periods"][cut]["period"])
    assert answer_for(case.terms, earlier)["periods"] == full["periods"][: cut + 1]


@FEW
@given(cases())
def test_a_users_x_field_changes_the_digest_but_not_the_figures(case: Case):
    noted = copy.deepcopy(case.terms)
    noted["x_note"] = "agreed at the board meeting"
    noted["terms"][0]["x_source"] = "annex 2"
    plain_answer, noted_answer = answer_for(case.terms, case.inputs), answer_for(noted, case.inputs)
    assert noted_answer["digest"] != plain_answer["digest"]
    assert (noted_answer["periods"], noted_answer["guarantees"], noted_answer["totals"]) == (
        plain_answer["periods"],
        plain_answer["guarantees"],
        plain_answer["totals"],
    )


@FEW
@given(cases())
def test_the_order_of_participant_rows_and_drawdowns_does_not_matter(case: Case):
    """Rows are taken by achieved_on and drawdowns by date; input order only breaks ties."""
    rows = case.inputs["participants"]
    if len({(r["metric"], r["achieved_on"]) for r in rows}) < len(rows):
        return  # two rows of a metric on one day: input order decides, as TERMS.md says
    shuffled = dict(
        case.inputs,
        participants=list(reversed(rows)),
        drawdowns=list(reversed(case.inputs["drawdowns"])),
    )
    before, after = answer_for(case.terms, case.inputs), answer_for(case.terms, shuffled)
    assert (after["periods"], after["guarantees"], after["totals"]) == (
        before["periods"],
        before["guarantees"],
        before["totals"],
    )


# 6. Amount strings ----------------------------------------------------------------------------


@pytest.mark.parametrize("currency", ["SEK", "JPY", "KWD"])
def test_every_amount_has_exactly_the_currencys_minor_unit_decimals(currency):
    exponent = EXPONENTS[currency]
    shape = re.compile(r"-?\d+" if exponent == 0 else rf"-?\d+\.\d{{{exponent}}}")

    @FEW
    @given(cases(currency))
    def check(case: Case):
        answer = answer_for(case.terms, case.inputs)
        assert answer["currency"] == currency
        for where, text in amount_strings(answer):
            assert isinstance(text, str), where
            assert shape.fullmatch(text), f"{where} = {text!r}"

    check()
