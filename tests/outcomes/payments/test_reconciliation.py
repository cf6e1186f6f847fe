"""Every run reconciles, over generated contracts with caps, yearly caps, guarantees and
termination: its lines add up to what payers and guarantors owe, which is what investors and
the provider receive, per period and in total (pure: the engine's answer and `position`)."""

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts.engine.public import parse_contract, settle
from outcomes.payments.position import figures_of, owed_by_run, sum_of
from tests.engine.strategies import Case, cases

ZERO = Decimal(0)
SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def sides(figures: dict) -> tuple[Decimal, Decimal, Decimal]:
    """(terms and step-7 moves, owed by payers and guarantors, received by recipients)."""
    lines = sum_of(figures["terms"]) + sum_of(figures["moves"]) + sum_of(figures["guarantees"])
    owed = sum_of(figures["payers"]) + sum_of(figures["guarantees"])
    return lines, owed, sum_of(figures["investors"]) + figures["provider"]


@SETTINGS
@given(cases())
def test_each_period_of_an_answer_reconciles(case: Case):
    answer = settle(parse_contract(case.terms), case.inputs)
    last = answer.periods[-1].label if answer.periods else None
    for period in answer.periods:
        guarantees = answer.guarantees if period.label == last else ()
        lines, owed, received = sides(figures_of(period, guarantees))
        assert lines == owed == received
        for payer in period.payers:
            assert payer.owed == (
                payer.due + payer.carried + payer.netted - payer.held_back - payer.deficit
            )
            assert payer.owed >= 0


@SETTINGS
@given(cases(), st.data())
def test_a_run_reconciles_in_full_and_as_differences_from_an_approved_position(case: Case, data):
    contract = parse_contract(case.terms)
    answer = settle(contract, case.inputs)
    if not answer.periods:
        return
    # An earlier approval of some periods, on figures as they stood then (here: another
    # period's figures, so that every line kind can show up as a difference).
    labels = [p.label for p in answer.periods]
    approved_labels = data.draw(st.lists(st.sampled_from(labels), unique=True))
    donor = data.draw(st.sampled_from(answer.periods))
    approved = {label: figures_of(donor) for label in approved_labels}
    through = data.draw(st.sampled_from(labels))
    owed = owed_by_run(answer, through, approved)
    for figures in owed.allocation.values():
        lines, owing, received = sides(figures)
        assert lines == owing == received
    total_lines = sum((ln.amount for ln in owed.lines), ZERO)
    assert total_lines == sum((sides(f)[1] for f in owed.allocation.values()), ZERO)
