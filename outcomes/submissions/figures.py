"""Figures in force: which stored figure counts per metric, period and area; the engine input.

Only verified submissions count, unless the terms say `"x_verification_required": false`
(then every validated one counts). Among counted submissions the later upload wins, figure by
figure: a correction supersedes only the figures it gives again; nothing is overwritten.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from contracts.models import Contract, ContractVersion
from contracts.service import version_in_force
from outcomes.submissions.models import OutcomeRecord, ParticipantRecord, Submission
from sib.extensions import db
from sib.problems import NotFoundError

#: units whose figures for the areas add up to the figure for the whole (TERMS.md)
ADDITIVE_UNITS = frozenset({"count", "money", "days"})

Key = tuple[str, str, str]


@dataclass(frozen=True)
class Figure:
    """One figure in force and the submission it came from."""

    metric: str
    period: str
    area: str
    #: the reported value; for a participant-level metric, the number of participant rows
    value: Decimal
    participant_level: bool
    submission: Submission
    #: the Values row it was read from (None for a count of participant rows)
    source_row: int | None = None
    comment: str = ""


def verification_required(version: ContractVersion) -> bool:
    """Whether only verified submissions count (the terms' x_verification_required, default yes)."""
    return version.agreed.document.get("x_verification_required") is not False


def version_for(contract: Contract, as_of: date | None) -> ContractVersion:
    """The terms that decide what counts on a day: in force then, else the first version."""
    if as_of is None:
        return version_in_force(contract)
    try:
        return version_in_force(contract, as_of)
    except NotFoundError:
        return contract.versions[0]


def counted_submissions(
    contract: Contract, version: ContractVersion, as_of: date | None = None
) -> list[Submission]:
    """The submissions whose figures count (as of the end of a day, UTC), oldest upload first."""
    query = select(Submission).where(Submission.contract_id == contract.id)
    if verification_required(version):
        query = query.where(
            Submission.status.in_(("verified", "superseded")), Submission.verified_at.is_not(None)
        )
        moment = Submission.verified_at
    else:
        query = query.where(Submission.status.in_(("validated", "verified", "superseded")))
        moment = Submission.uploaded_at
    if as_of is not None:
        query = query.where(moment < datetime.combine(as_of + timedelta(days=1), time(), UTC))
    return list(db.session.scalars(query.order_by(Submission.uploaded_at, Submission.id)))


def figures_in_force(contract: Contract, *, as_of: date | None = None) -> list[Figure]:
    """Every figure in force (as of a day), each with its submission, in the terms' order."""
    version = version_for(contract, as_of)
    return _in_force(version, counted_submissions(contract, version, as_of))


def _in_force(version: ContractVersion, submissions: list[Submission]) -> list[Figure]:
    by_id = {s.id: s for s in submissions}
    rank = {s.id: position for position, s in enumerate(submissions)}
    found: list[tuple[int, Figure]] = []
    for record in db.session.scalars(
        select(OutcomeRecord).where(OutcomeRecord.submission_id.in_(by_id))
    ):
        figure = Figure(record.metric, record.period, record.area, record.value, False,
                        by_id[record.submission_id], record.source_row, record.comment)  # fmt: skip
        found.append((rank[record.submission_id], figure))
    for sid, metric, period, area, count in _participant_counts(list(by_id)):
        figure = Figure(metric, period, area, Decimal(count), True, by_id[sid])
        found.append((rank[sid], figure))
    in_force: dict[Key, Figure] = {}
    for _, figure in sorted(found, key=lambda pair: pair[0]):
        in_force[(figure.metric, figure.period, figure.area)] = figure
    return sorted(in_force.values(), key=_order(version))


def _participant_counts(submission_ids: list[int]):
    if not submission_ids:
        return []
    columns = (ParticipantRecord.submission_id, ParticipantRecord.metric,
               ParticipantRecord.period, ParticipantRecord.area)  # fmt: skip
    return db.session.execute(
        select(*columns, func.count())
        .where(ParticipantRecord.submission_id.in_(submission_ids))
        .group_by(*columns)
    ).all()


def _order(version: ContractVersion):
    periods = {p.label: p.position for p in version.periods}
    metrics = {m.code: m.position for m in version.metrics}
    last = len(periods) + len(metrics)

    def key(figure: Figure):
        return (periods.get(figure.period, last), figure.period,
                metrics.get(figure.metric, last), figure.metric, figure.area)  # fmt: skip

    return key


def figure_keys(submission_id: int) -> set[Key]:
    """The (metric, period, area) keys a submission gives figures for."""
    keys = set()
    for model in (OutcomeRecord, ParticipantRecord):
        keys.update(
            tuple(row)
            for row in db.session.execute(
                select(model.metric, model.period, model.area)
                .where(model.submission_id == submission_id)
                .distinct()
            )
        )
    return keys


def engine_values(contract: Contract, *, as_of: date | None = None) -> dict:
    """The engine input's `values` and `participants` from the figures in force (TERMS.md).

    A metric reported by area gives the engine its figure with an empty area if there is one,
    else the sum over its areas when its unit is additive (count, money, days), else no value.
    """
    version = version_for(contract, as_of)
    figures = _in_force(version, counted_submissions(contract, version, as_of))
    units = {m.code: m.unit for m in version.metrics}
    return {
        "values": _values([f for f in figures if not f.participant_level], units),
        "participants": _participants([f for f in figures if f.participant_level], version),
    }


def _values(figures: list[Figure], units: dict[str, str]) -> dict[str, dict[str, str]]:
    whole: dict[tuple[str, str], Decimal] = {}
    by_area: dict[tuple[str, str], list[Decimal]] = {}
    for figure in figures:
        key = (figure.period, figure.metric)
        if figure.area == "":
            whole[key] = figure.value
        else:
            by_area.setdefault(key, []).append(figure.value)
    for key, parts in by_area.items():
        if key not in whole and units.get(key[1]) in ADDITIVE_UNITS:
            whole[key] = sum(parts, Decimal(0))
    values: dict[str, dict[str, str]] = {}
    for (period, metric), value in whole.items():
        values.setdefault(period, {})[metric] = _text(value)
    return values


def _text(value: Decimal) -> str:
    # Plainly written: no exponent, no trailing zeros (TERMS.md's decimals).
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _participants(figures: list[Figure], version: ContractVersion) -> list[dict]:
    periods = {p.label: p.position for p in version.periods}
    rows = []
    for figure in figures:
        rows.extend(
            {"participant": pseudonym, "metric": figure.metric, "period": figure.period,
             "achieved_on": achieved_on.isoformat()}
            for pseudonym, achieved_on in db.session.execute(
                select(ParticipantRecord.pseudonym, ParticipantRecord.achieved_on).where(
                    ParticipantRecord.submission_id == figure.submission.id,
                    ParticipantRecord.metric == figure.metric,
                    ParticipantRecord.period == figure.period,
                    ParticipantRecord.area == figure.area,
                )
            )
        )  # fmt: skip
    last = len(periods)
    return sorted(rows, key=lambda r: (periods.get(r["period"], last), r["period"], r["metric"],
                                       r["achieved_on"], r["participant"]))  # fmt: skip
