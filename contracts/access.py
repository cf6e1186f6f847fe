"""Where an organisation stands on a contract, and which contracts an actor may see.

The rule itself is sib.policy's; this module only reads the parties from the database.
"""

from flask import has_request_context, request
from sqlalchemy import Select, exists, select

from contracts.models import Contract, ContractVersion, Organisation, Party
from sib import policy
from sib.access import current_action, current_actor, require
from sib.actor import Actor
from sib.audit import AuditEvent
from sib.extensions import db
from sib.problems import NotFoundError, ServiceError


def standing_of(organisation_id: int | None, contract: Contract) -> policy.Standing:
    """The organisation's roles on the contract: on any version, on the latest, and its marks."""
    if organisation_id is None:
        return policy.Standing()
    # The owner comes in the same query: standing is read on every request about a contract.
    rows = db.session.execute(
        select(ContractVersion.number, Party.role, Party.position, _owner(contract).label("owner"))
        .join(Party, Party.version_id == ContractVersion.id)
        .where(ContractVersion.contract_id == contract.id, Party.organisation_id == organisation_id)
    ).all()
    latest = max((v.number for v in contract.versions), default=0)
    current = [(row.role, row.position) for row in rows if row.number == latest]
    owner = rows[0].owner if rows else None
    return policy.Standing(
        ever=frozenset(row.role for row in rows),
        latest=frozenset(role for role, _ in current),
        marks=_marks(organisation_id == owner, contract, current),
    )


def _marks(owns: bool, contract: Contract, current: list) -> frozenset[str]:
    marks = {policy.OWNER} if owns else set()
    payer_positions = [position for role, position in current if role == policy.OUTCOME_PAYER]
    if payer_positions:
        parties = contract.versions[-1].agreed.document.get("parties", [])
        if any(is_reporting(parties[position]) for position in payer_positions):
            marks.add(policy.REPORTING)
    return frozenset(marks)


def is_reporting(party: dict) -> bool:
    """Whether a party entry of a terms document names the party as reporting outcome data."""
    return party.get("x_reports_outcomes") is True


def _owner(contract: Contract):
    """The organisation whose user created the contract, as the audit log recorded it."""
    return (
        select(AuditEvent.actor_organisation_id)
        .where(AuditEvent.contract_id == contract.id, AuditEvent.action == "contract.created")
        .order_by(AuditEvent.seq)
        .limit(1)
        .scalar_subquery()
    )


def visible_contracts_query(actor: Actor) -> Select:
    """A query of the contracts this actor may see, by reference."""
    query = select(Contract).order_by(Contract.reference)
    if policy.sees_all(actor):
        return query
    is_party = exists(
        select(Party.id)
        .join(ContractVersion, Party.version_id == ContractVersion.id)
        .where(
            ContractVersion.contract_id == Contract.id,
            Party.organisation_id == actor.organisation_id,
        )
    )
    return query.where(is_party)


def visible_contract(reference: str, action: str | None = None) -> Contract:
    """The contract if the current actor may do the view's action on it.

    404, as if it did not exist, when the actor's organisation has no business with it; 403
    when it may see the contract but not act on it so.
    """
    action = action or current_action("contract.read")
    # The guard asks first (every view with a `reference`), then the view itself: the answer
    # is kept for the request (in its WSGI environ: tests and the CLI share `g` between
    # requests) so that the two cost one lookup.
    seen = request.environ.setdefault("sib.visible_contracts", {}) if has_request_context() else {}
    if (reference, action) in seen:
        return seen[(reference, action)]
    not_found = f"No contract {reference}."
    contract = db.session.scalar(select(Contract).where(Contract.reference == reference))
    if contract is None:
        raise NotFoundError(not_found)
    require(action, standing_of(current_actor().organisation_id, contract), not_found=not_found)
    seen[(reference, action)] = contract
    return contract


def check_may_create(document: object) -> None:
    """403 unless the actor may create this contract: a contract manager's organisation must
    be a party to it. A document too malformed to tell is left to validation (422)."""
    actor = current_actor()
    roles = _roles_in_document(document, actor.organisation_id)
    if roles is None:
        return
    standing = policy.Standing(ever=roles, latest=roles)
    if policy.decide(actor, "contract.create", standing) != policy.ALLOW:
        raise ServiceError(
            "Your organisation must be a party to a contract it creates.",
            [("$.parties", "none of the parties is your organisation")],
            status=403,
        )


def _roles_in_document(document: object, organisation_id: int | None) -> frozenset[str] | None:
    # Matched as contracts.service matches organisations on import: org number, else slug.
    if not isinstance(document, dict):
        return None
    organisations, parties = document.get("organisations"), document.get("parties")
    if not isinstance(organisations, list) or not isinstance(parties, list):
        return None
    own = db.session.get(Organisation, organisation_id) if organisation_id else None
    if own is None:
        return frozenset()
    ids = {
        entry.get("id")
        for entry in organisations
        if isinstance(entry, dict) and _is_own(entry, own)
    }
    return frozenset(
        party.get("role")
        for party in parties
        if isinstance(party, dict) and party.get("organisation") in ids
    )


def _is_own(entry: dict, own: Organisation) -> bool:
    if own.org_number and entry.get("org_number"):
        return entry["org_number"] == own.org_number
    return entry.get("id") == own.slug
