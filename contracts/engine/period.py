"""Settling one period: evaluate its terms, apply the seven steps, pay out (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from types import MappingProxyType

from contracts.engine.caps import cap_per_period, group_cap, reduce_pro_rata
from contracts.engine.evaluate import Context, TermRun, evaluate, explanation
from contracts.engine.interest import capacity
from contracts.engine.ledger import Ledger
from contracts.engine.model import Period
from contracts.engine.money import format_decimal as fmt
from contracts.engine.money import round_minor
from contracts.engine.participants import apply_participant_cap
from contracts.engine.payers import YearlyCapMove, apply_yearly_cap, held_total, split_term
from contracts.engine.results import InvestorShare, PayerLine, PeriodAnswer, TermLine
from contracts.engine.waterfall import Distribution, distribute

ZERO = Decimal(0)
UNLIMITED = Decimal("Infinity")
#: What a term valued in earlier periods when it valued nothing: one shared, read-only mapping
#: rather than a new dict per term and period.
NOTHING_VALUED: Mapping[int, Decimal] = MappingProxyType({})
#: Kinds whose evaluation reads the period's measures alone (everything else is a rate card).
PLAIN_KINDS = frozenset({"tiered", "linear"})


def settle_period(ledger: Ledger, index: int) -> PeriodAnswer:
    """Settle the period at ``index``, updating the ledger for the periods after it.

    Args:
        ledger: the settlement's state after the earlier periods.
        index: the period's position in the contract.

    Returns:
        The settled period, frozen.
    """
    contract = ledger.contract
    period = contract.periods[index]
    terms = [t for t in contract.terms if t.applies_in(period.label)]
    if contract.terminated_on is not None and period.payment_on > contract.terminated_on:
        return _terminated(ledger, index, terms)
    known: dict = {}  # what investors are owed at the payment date, asked twice below
    room = _investor_room(ledger, period, known)
    runs = _evaluate_all(ledger, index, terms, room)
    _participant_pass(ledger, runs)
    _steps_one_to_three(ledger, runs)
    paying = [r for r in runs if r.pays]
    _step_four(ledger, paying)
    if contract.investors and contract.surplus == "retained":
        reduce_pro_rata(paying, room, contract.exponent, "investor capacity")
    _remember(ledger, runs)
    parts, dues, moves = _steps_six_seven(ledger, period, runs)
    distribution = _pay_out(ledger, period, sum((m.owed for m in moves.values()), ZERO), known)
    return _frozen(period, runs, parts, dues, moves, distribution)


def _remember(ledger: Ledger, runs: list[TermRun]) -> None:
    # What later periods read: each term's and group's amounts so far, and the overall total.
    earned, memory, total = ledger.earned, ledger.memory, ledger.total
    for run in runs:
        amount = run.amount
        earned[run.term.id] += amount
        memory[run.term.group] += amount
        total += amount
    ledger.total = total


def _frozen(period, runs, parts, dues, moves, distribution, terminated=False) -> PeriodAnswer:
    # The working records become the answer's frozen lines; payers in the contract's order.
    # `parts` holds each paying term's ``(payer, part)`` pairs, which is what a line keeps.
    year = period.payment_on.year
    return PeriodAnswer(
        label=period.label,
        payment_on=period.payment_on,
        terms=tuple([
            TermLine(run.term.id, run.measure, run.gate_measure, run.amount, explanation(run),
                     parts.get(run.term.id, ()))
            for run in runs
        ]),
        payers=tuple([
            PayerLine(payer, dues[payer], m.carried, m.netted, m.held_back, m.deficit,
                      m.owed, year)
            for payer, m in moves.items()
        ]),
        investors=tuple([
            InvestorShare(org, principal, ret)
            for org, (principal, ret) in distribution.investors.items()
        ]),
        provider=distribution.provider,
        terminated=terminated,
    )  # fmt: skip


def _investor_room(ledger: Ledger, period: Period, known: dict) -> Decimal:
    # Step 5's capacity: what investors can still receive, less amounts held back by yearly caps.
    room = capacity(ledger.contract, ledger.positions, period.payment_on, known)
    if room is None:
        return UNLIMITED
    return max(room - held_total(ledger.books), ZERO)


def _evaluate_all(ledger: Ledger, index: int, terms, room: Decimal) -> list[TermRun]:
    # `before` is what earlier terms of the period evaluated to before step 1, for price steps
    # until "investors_repaid"; a cumulative term counts net of its group's memory then.
    runs, before, group_memory = [], ZERO, dict(ledger.memory)
    readings, earned, valued = ledger.readings, ledger.earned, ledger.valued
    watched = ledger.watched  # the groups whose memory a term of the period reads
    # Only rate cards read what a term earned before, the room left or rows valued earlier;
    # the other kinds share one context that gives the period alone.
    plain = Context(index, ZERO, ZERO, NOTHING_VALUED)
    for term in terms:
        ctx = plain
        if term.kind not in PLAIN_KINDS:
            ctx = Context(
                index, earned[term.id], room - before, valued.get(term.id, NOTHING_VALUED)
            )
        run = evaluate(readings, term, ctx)
        if run.pays:
            figure = run.result
            if run.events:
                figure += sum((e.value for e in run.events), ZERO)
            if term.cumulative:
                figure -= group_memory[term.group]
            if term.group in watched:
                group_memory[term.group] += figure
            before += figure
        runs.append(run)
    return runs


def _participant_pass(ledger: Ledger, runs: list[TermRun]) -> None:
    counted = [r for r in runs if r.pays and r.units is not None]
    if not counted:
        return  # only participant-level rate cards count units; most periods have none
    events = [e for r in counted for e in r.events]  # only those cards make events
    if events:
        _value_events(ledger, runs, events)
    for run in counted:
        name = "cumulative value" if run.term.cumulative else "value"
        run.clause = (
            f"{name} {fmt(run.measure)}: {run.units} participant(s) counted as units "
            f"(pays {fmt(run.result)})"
        )


def _value_events(ledger: Ledger, runs: list[TermRun], events) -> None:
    # The per-participant cap cuts the events; each term is paid what its events are worth.
    cap = ledger.contract.per_participant
    cut = apply_participant_cap(events, cap, ledger.participant_paid)
    by_term = {r.term.index: r for r in runs}
    bound: dict[int, dict[str, Decimal]] = {}  # term -> participant -> amount cut
    for before, after in zip(events, cut, strict=True):
        run = by_term[after.term_index]
        run.result += after.value
        if run.term.cumulative:
            ledger.valued.setdefault(run.term.id, {})[after.row.index] = after.value
        if after.value < before.value:
            who = bound.setdefault(after.term_index, {})
            who[after.row.participant] = (
                who.get(after.row.participant, ZERO) + before.value - after.value
            )
    for index, who in bound.items():
        by_term[index].caps.append(_participant_note(cap, who))


def _participant_note(cap: Decimal, cut: dict[str, Decimal]) -> str:
    names = list(cut)
    named = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    return f"per_participant cap {fmt(cap)} bound for {named} (cut {fmt(sum(cut.values()))})"


def _steps_one_to_three(ledger: Ledger, runs: list[TermRun]) -> None:
    contract, memory, group_caps = ledger.contract, dict(ledger.memory), ledger.group_caps
    exponent, rounding, watched = contract.exponent, contract.rounding, ledger.watched
    for run in runs:
        if not run.pays:
            continue
        term = run.term
        group = term.group
        run.amount = run.result
        if term.cumulative:
            run.amount = run.result - memory[group]
            run.notes.append(f"less {fmt(memory[group])} already earned by its group")
        if term.cap_per_period is not None:  # both caps are rare: skip the calls without them
            cap_per_period(run)
        cap = group_caps.get(group)
        if cap is not None:
            group_cap(run, cap, memory[group])
        run.amount = round_minor(run.amount, exponent, rounding)
        if group in watched:
            memory[group] += run.amount


def _step_four(ledger: Ledger, paying: list[TermRun]) -> None:
    contract = ledger.contract
    if contract.outcome_total is None:
        return
    left = round_minor(contract.outcome_total - ledger.total, contract.exponent, contract.rounding)
    name = f"caps.outcome_total {fmt(contract.outcome_total)}"
    reduce_pro_rata(paying, left, contract.exponent, name)


def _steps_six_seven(ledger: Ledger, period: Period, runs: list[TermRun]):
    # Step 6 splits each paying term among payers; step 7 caps each payer's total for the year.
    contract, label = ledger.contract, period.label
    dues = {payer: ZERO for payer in contract.payers}
    parts: dict[str, tuple[tuple[str, Decimal], ...]] = {}  # term id -> (payer, part) pairs
    for run in runs:
        if run.pays:
            parts[run.term.id] = pairs = split_term(contract, run.term, label, run.amount)
            for payer, part in pairs:
                dues[payer] = dues.get(payer, ZERO) + part
    moves: dict[str, YearlyCapMove] = {}
    for payer in contract.payers:
        cap = contract.yearly_caps.get(payer)
        book = ledger.books[payer]
        moves[payer] = move = apply_yearly_cap(book, dues[payer], period.payment_on.year, cap)
        if move.held_back > 0:
            _note_yearly_cap(runs, parts, payer, cap, move.held_back)
    return parts, dues, moves


def _note_yearly_cap(runs, parts, payer: str, cap: Decimal, moved: Decimal) -> None:
    note = f"{payer}'s yearly_cap {fmt(cap)} bound ({fmt(moved)} held back)"
    for run in runs:
        for who, part in parts.get(run.term.id, ()):  # each payer appears once in a term's parts
            if who == payer:
                if part > 0:
                    run.caps.append(note)
                break


def _pay_out(ledger: Ledger, period: Period, money: Decimal, known: dict) -> Distribution:
    contract = ledger.contract
    if not contract.investors:
        return Distribution({}, money)
    paid = distribute(contract, ledger.positions, money, period.payment_on, known)
    for org, (principal, ret) in paid.investors.items():
        if principal + ret > 0:
            ledger.flows[org].append((period.payment_on, principal + ret))
    return paid


def _terminated(ledger: Ledger, index: int, terms) -> PeriodAnswer:
    contract = ledger.contract
    period = contract.periods[index]
    for book in ledger.books.values():
        book.held = {}  # TERMS.md: what yearly caps still hold back is dropped at termination
    runs = []
    for term in terms:
        run = evaluate(ledger.readings, term, Context(index, ZERO, ZERO, {}))
        run.pays, run.amount, run.gate_note, run.notes, run.caps = False, ZERO, "", [], []
        run.clause = (
            f"not paid: the contract was terminated on {contract.terminated_on}, before this "
            f"period's payment date {period.payment_on}"
        )
        runs.append(run)
    zero_investors = {inv.org: (ZERO, ZERO) for inv in contract.investors}
    nothing = YearlyCapMove(ZERO, ZERO, ZERO, ZERO, ZERO)
    moves = {payer: nothing for payer in contract.payers}
    dues = dict.fromkeys(contract.payers, ZERO)
    distribution = Distribution(zero_investors, ZERO)
    return _frozen(period, runs, {}, dues, moves, distribution, terminated=True)
