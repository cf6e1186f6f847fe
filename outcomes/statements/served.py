"""Statements as the API and the pages serve them: to whom, rounded, and kept between writes."""

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from contracts.access import standing_of
from contracts.engine.public import minor_unit, quantum
from contracts.models import Contract, Organisation
from outcomes.statements.cache import remembered
from outcomes.statements.investor import build_investor_statement
from outcomes.statements.payer import build_payer_statement
from sib.access import current_action, current_actor, require
from sib.extensions import db
from sib.problems import NotFoundError
from sib.today import today


def statement_pair(reference: str, slug: str) -> tuple[Organisation, Contract]:
    """The statement's organisation and contract, 404 unless the actor may see that pair."""
    not_found = f"No statement for {slug} on {reference}."
    # One query: both must exist, and every statement reads the versions' terms.
    found = db.session.execute(
        select(Organisation, Contract)
        .join(Contract, Contract.reference == reference)
        .where(Organisation.slug == slug)
        .options(joinedload(Contract.versions))
    ).unique().first()  # fmt: skip
    if found is None:
        raise NotFoundError(not_found)
    organisation, contract = found
    # One decision for both: an unseen contract and another organisation's record look alike.
    standing = standing_of(current_actor().organisation_id, contract)
    require(
        current_action("statement.investor.read"), standing, organisation.id, not_found=not_found
    )
    return organisation, contract


def investor_statement(contract: Contract, investor: Organisation, as_of: date | None) -> dict:
    """The investor's statement as of a day (today when none), amounts in minor units."""
    as_of = as_of or today()
    return remembered(
        ("investor", contract.id, investor.id, as_of),
        lambda: in_minor_units(build_investor_statement(contract, investor, as_of), contract),
    )


def payer_statement(contract: Contract, payer: Organisation) -> dict:
    """The payer's statement today, amounts in minor units."""
    return remembered(
        ("payer", contract.id, payer.id, today()),
        lambda: in_minor_units(build_payer_statement(contract, payer), contract),
    )


def in_minor_units(statement: dict, contract: Contract) -> dict:
    """Amounts written with the currency's decimals; rates (under `xirr`) left alone."""
    unit = quantum(minor_unit(contract.currency))

    def walk(value):
        if isinstance(value, dict):
            return {k: v if "xirr" in k else walk(v) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v) for v in value]
        return value.quantize(unit) if isinstance(value, Decimal) else value

    return walk(statement)
