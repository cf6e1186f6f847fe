"""Verbs on contracts: import, amend, and look up the version in force; never commit."""

import hashlib
import json
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select

from contracts.models import (
    Contract,
    ContractVersion,
    Metric,
    Organisation,
    Party,
    Period,
    Term,
)
from contracts.terms.load import TermsError, load_terms, load_terms_text
from sib import audit
from sib.actor import Actor
from sib.extensions import db
from sib.problems import ConflictError, NotFoundError, ServiceError


class InvalidTermsError(ServiceError):
    """The terms document has problems; each carries its JSON path."""

    def __init__(self, error: TermsError):
        super().__init__(
            f"The terms document has {len(error.problems)} problem(s); nothing was stored.",
            [(p.path, p.message) for p in error.problems],
        )


def validated(document: object, text: str | None = None) -> dict:
    """Validate a terms document, turning its problems into a service error; the document
    itself is what versions store (its typed contract is `ContractVersion.agreed`).

    Given the exact text, that text is what is read (`load_terms_text`: the one reader of a
    terms document's JSON, which also refuses a key given twice or NaN).
    """
    try:
        return (load_terms(document) if text is None else load_terms_text(text)).document
    except TermsError as error:
        raise InvalidTermsError(error) from error


def import_contract(document: object, actor: Actor, *, text: str | None = None) -> Contract:
    """Create a contract and its first version from a terms document (or its exact text)."""
    terms = validated(document, text)
    reference = terms["reference"]
    if db.session.scalar(select(Contract.id).where(Contract.reference == reference)):
        raise ConflictError(
            f"A contract with reference {reference} exists already; amend it instead.",
            [("$.reference", "this reference is taken")],
        )
    contract = Contract(
        reference=reference,
        title=terms["title"],
        currency=terms["currency"],
        status="terminated" if terms.get("terminated_on") else "active",
        created_at=_now(),
    )
    db.session.add(contract)
    db.session.flush()
    effective_from = date.fromisoformat(terms["starts_on"])
    version = _add_version(contract, terms, text, effective_from, "Contract created", actor)
    audit.record(
        "contract.created",
        actor=actor,
        entity_type="contract",
        entity_id=reference,
        contract_id=contract.id,
        after={"version": version.number, "document_sha256": version.document_sha256},
    )
    return contract


def amend_contract(
    contract: Contract,
    document: object,
    effective_from: date,
    reason: str,
    actor: Actor,
    *,
    text: str | None = None,
) -> ContractVersion:
    """Add a new version to a contract; earlier versions are never changed."""
    terms = validated(document, text)
    current = contract.versions[-1]
    _check_amendment(contract, current, terms, effective_from)
    version = _add_version(contract, terms, text, effective_from, reason, actor)
    contract.title = terms["title"]
    contract.status = "terminated" if terms.get("terminated_on") else contract.status
    audit.record(
        "contract.amended",
        actor=actor,
        entity_type="contract_version",
        entity_id=f"{contract.reference}/{version.number}",
        contract_id=contract.id,
        before={"version": current.number, "document_sha256": current.document_sha256},
        after={
            "version": version.number,
            "document_sha256": version.document_sha256,
            "effective_from": effective_from.isoformat(),
            "reason": reason,
        },
    )
    return version


def _check_amendment(contract, current, terms: dict, effective_from: date) -> None:
    problems = []
    if terms["reference"] != contract.reference:
        problems.append(("$.terms.reference", f"must stay {contract.reference}"))
    if terms["currency"] != contract.currency:
        problems.append(
            ("$.terms.currency", f"an amendment cannot change the currency ({contract.currency})")
        )
    if effective_from < current.effective_from:
        problems.append(
            (
                "$.effective_from",
                f"must be on or after {current.effective_from.isoformat()}, when version "
                f"{current.number} took effect",
            )
        )
    if problems:
        raise ServiceError("The amendment cannot be applied; nothing was stored.", problems)


def _add_version(contract, terms, text, effective_from, reason, actor) -> ContractVersion:
    document = text if text is not None else json.dumps(terms, ensure_ascii=False, indent=2)
    version = ContractVersion(
        contract_id=contract.id,
        number=len(contract.versions) + 1,
        effective_from=effective_from,
        reason=reason,
        created_by=actor.label,
        created_at=_now(),
        document=document,
        document_sha256=hashlib.sha256(document.encode("utf-8")).hexdigest(),
    )
    contract.versions.append(version)
    db.session.flush()
    _add_parts(version, terms)
    return version


def _add_parts(version: ContractVersion, terms: dict) -> None:
    organisations = {o["id"]: _organisation_for(o) for o in terms["organisations"]}
    shares = terms.get("payer_shares", {})
    for position, party in enumerate(terms["parties"]):
        version.parties.append(
            Party(
                organisation=organisations[party["organisation"]],
                position=position,
                role=party["role"],
                commitment=_decimal(party.get("commitment")),
                tranche=party.get("tranche"),
                yearly_cap=_decimal(party.get("yearly_cap")),
                default_share=_decimal(shares.get(party["organisation"]))
                if party["role"] == "outcome_payer"
                else None,
            )
        )
    for position, metric in enumerate(terms["metrics"]):
        version.metrics.append(
            Metric(
                position=position,
                code=metric["code"],
                name=metric["name"],
                unit=metric["unit"],
                direction=metric["direction"],
                participant_level=bool(metric.get("participant_level", False)),
                areas=json.dumps(metric.get("x_areas", []), ensure_ascii=False),
            )
        )
    for position, period in enumerate(terms["periods"]):
        version.periods.append(
            Period(
                position=position,
                label=period["label"],
                starts_on=date.fromisoformat(period["starts_on"]),
                ends_on=date.fromisoformat(period["ends_on"]),
                deadline=date.fromisoformat(period["deadline"]) if period.get("deadline") else None,
            )
        )
    for position, term in enumerate(terms["terms"]):
        version.terms.append(
            Term(
                position=position,
                term_id=term["id"],
                metric_code=term["metric"],
                kind=term["kind"],
                definition=json.dumps(term, ensure_ascii=False, sort_keys=True),
            )
        )
    db.session.flush()


def _organisation_for(entry: dict) -> Organisation:
    org_number = entry.get("org_number")
    found = None
    if org_number:
        found = db.session.scalar(select(Organisation).where(Organisation.org_number == org_number))
    found = found or db.session.scalar(select(Organisation).where(Organisation.slug == entry["id"]))
    if found is None:
        found = Organisation(
            slug=entry["id"], name=entry["name"], kind=entry["kind"], org_number=org_number
        )
        db.session.add(found)
        db.session.flush()
    return found


def _decimal(value):
    return Decimal(value) if value is not None else None


def _now() -> datetime:
    return datetime.now(UTC)


def contract_by_reference(reference: str) -> Contract:
    """The contract with this reference, or NotFoundError."""
    contract = db.session.scalar(select(Contract).where(Contract.reference == reference))
    if contract is None:
        raise NotFoundError(f"No contract {reference}.")
    return contract


def version_in_force(contract: Contract, on: date | None = None) -> ContractVersion:
    """The version in force on a day (the latest version when no day is given)."""
    if on is None:
        return contract.versions[-1]
    in_force = [v for v in contract.versions if v.effective_from <= on]
    if not in_force:
        raise NotFoundError(
            f"Contract {contract.reference} had no version in force on {on.isoformat()}; "
            f"its first version took effect on {contract.versions[0].effective_from.isoformat()}."
        )
    return in_force[-1]


def version_by_number(contract: Contract, number: int) -> ContractVersion:
    """One version of a contract by its number, or NotFoundError."""
    for version in contract.versions:
        if version.number == number:
            return version
    raise NotFoundError(f"Contract {contract.reference} has no version {number}.")
