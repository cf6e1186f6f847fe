"""Amendments proposed by one party, in force once every party whose money they change accepts.

`affected_parties` compares two terms documents and is pure; the verbs store a proposal and
its answers, audit each step (amendment.proposed, .accepted, .rejected; contract.amended when
it takes effect) and never commit. docs/access.md gives the rule in words.
"""

import hashlib
import json
from collections import defaultdict
from datetime import UTC, date, datetime

from sqlalchemy import select

from contracts import service
from contracts.models import AmendmentAnswer, AmendmentProposal, Contract
from sib import audit
from sib.actor import Actor
from sib.extensions import db
from sib.problems import ConflictError, NotFoundError, ServiceError

PAYER, INVESTOR, GUARANTOR = "outcome_payer", "investor", "guarantor"
#: top-level fields whose change moves nobody's money (besides `x_...` notes)
COSMETIC = frozenset({"title", "description"})
REPORTING_FIELD = "x_reports_outcomes"


def affected_parties(old: dict, new: dict) -> dict[str, set[str]]:
    """Organisation id (as in the documents) -> the roles in which the change moves its money.

    Outcome payers whose shares, caps or terms they pay change; investors when anything that
    decides what is paid or how it is distributed changes (terms, shares, caps, tranches,
    commitments, guarantees); guarantors when guarantees change. A change this does not
    understand (parties joining or leaving, periods, dates, rounding, ...) asks every outcome
    payer and investor.
    """
    touched: dict[str, set[str]] = defaultdict(set)
    payers, investors = _with_role(PAYER, old, new), _with_role(INVESTOR, old, new)
    for key in sorted(old.keys() | new.keys()):
        if key in COSMETIC or key.startswith("x_") or _plain(old.get(key)) == _plain(new.get(key)):
            continue
        if key == "payer_shares":
            _touch(touched, PAYER, _changed_keys(old.get(key, {}), new.get(key, {})))
        elif key in ("terms", "metrics"):
            _touch(touched, PAYER, _payers_of_changed_terms(old, new))
        elif key == "guarantees":
            guarantees = (*old.get(key, []), *new.get(key, []))
            _touch(touched, GUARANTOR, {g.get("by") for g in guarantees} - {None})
        elif key == "parties" and _same_parties(old, new):
            _touch(touched, PAYER, _changed_payer_entries(old, new))
        elif key not in ("tranches",):
            _touch(touched, PAYER, payers)  # caps, and whatever is not understood
        _touch(touched, INVESTOR, investors)
    return dict(touched)


def _touch(touched: dict, role: str, organisations) -> None:
    for organisation in organisations:
        touched[organisation].add(role)


def _with_role(role: str, *documents: dict) -> set[str]:
    return {p["organisation"] for d in documents for p in d.get("parties", []) if p["role"] == role}


def _changed_keys(old: dict, new: dict) -> set[str]:
    return {key for key in old.keys() | new.keys() if old.get(key) != new.get(key)}


def _bare(entry: dict) -> dict:
    # `x_...` fields are notes that move no money, except the one that names who reports the
    # figures payments rest on (docs/terms.md)
    return {k: v for k, v in entry.items() if not k.startswith("x_") or k == REPORTING_FIELD}


def _plain(value: object) -> object:
    """A top-level field without the `x_...` notes of its entries (parties, terms, ...)."""
    if isinstance(value, list):
        return [_bare(entry) if isinstance(entry, dict) else entry for entry in value]
    return value


def _payers_of_changed_terms(old: dict, new: dict) -> set[str]:
    metrics_old = {m["code"]: _bare(m) for m in old.get("metrics", [])}
    metrics_new = {m["code"]: _bare(m) for m in new.get("metrics", [])}
    changed_metrics = _changed_keys(metrics_old, metrics_new)
    terms_old = {t["id"]: _bare(t) for t in old.get("terms", [])}
    terms_new = {t["id"]: _bare(t) for t in new.get("terms", [])}
    if [t for t in terms_old if t in terms_new] != [t for t in terms_new if t in terms_old]:
        return _with_role(PAYER, old, new)  # reordered terms: caps apply in another order
    changed_terms = _changed_keys(terms_old, terms_new)  # added, removed or changed
    payers = set()
    for document, terms in ((old, terms_old), (new, terms_new)):
        for term_id, term in terms.items():
            if term_id in changed_terms or term["metric"] in changed_metrics:
                payers |= set(term.get("payer_shares") or document.get("payer_shares", {}))
    return payers


def _party_key(party: dict) -> tuple[str, str]:
    return party["organisation"], party["role"]


def _same_parties(old: dict, new: dict) -> bool:
    return sorted(map(_party_key, old["parties"])) == sorted(map(_party_key, new["parties"]))


def _changed_payer_entries(old: dict, new: dict) -> set[str]:
    before = {_party_key(p): _bare(p) for p in old["parties"]}
    after = {_party_key(p): _bare(p) for p in new["parties"]}
    changed = _changed_keys(before, after)
    if any(before[k].get(REPORTING_FIELD) != after[k].get(REPORTING_FIELD) for k in changed):
        return _with_role(PAYER, old, new)  # who reports the figures every payer pays for
    return {key[0] for key in changed if key[1] == PAYER}


# --- The verbs ---------------------------------------------------------------------------


def propose_amendment(
    contract: Contract, document: object, effective_from: date, reason: str, actor: Actor
) -> AmendmentProposal:
    """Store a proposed new version; it takes effect at once if it moves nobody's money."""
    service.validated(document)
    current = contract.versions[-1]
    _check_proposal(contract, current, document, effective_from)
    text = json.dumps(document, ensure_ascii=False, indent=2)
    proposal = AmendmentProposal(
        contract=contract,
        base_version=current.number,
        effective_from=effective_from,
        reason=reason,
        document=text,
        document_sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        status="proposed",
        proposed_by=actor.label,
        proposed_by_organisation_id=actor.organisation_id,
        proposed_at=_now(),
    )
    db.session.add(proposal)
    for organisation_id, roles in _asked(current, current.agreed.document, document):
        proposal.answers.append(
            AmendmentAnswer(organisation_id=organisation_id, affected_as=",".join(sorted(roles)))
        )
    db.session.flush()
    _record(proposal, "amendment.proposed", actor, after=_summary(proposal))
    own = _answer_of(proposal, actor.organisation_id)
    if own is not None:  # proposing is accepting for one's own organisation
        answer_amendment(proposal, actor.organisation_id, True, "Proposed it.", actor)
    else:
        _take_effect_if_agreed(proposal, actor)
    return proposal


def answer_amendment(
    proposal: AmendmentProposal, organisation_id: int | None, accept: bool, comment: str, actor
) -> AmendmentProposal:
    """Record one affected organisation's acceptance or rejection; one rejection ends it."""
    _check_open(proposal)
    answer = _answer_of(proposal, organisation_id)
    if answer is None:
        raise ServiceError(
            "Your organisation is not asked: this amendment does not change its money.", status=403
        )
    if answer.answer != "pending":
        raise ConflictError(f"Your organisation has already {answer.answer} this amendment.")
    answer.answer = "accepted" if accept else "rejected"
    answer.answered_by, answer.answered_at, answer.comment = actor.label, _now(), comment
    db.session.flush()
    change = {"organisation": answer.organisation.slug, "answer": answer.answer, "comment": comment}
    _record(proposal, f"amendment.{answer.answer}", actor, after=change)
    if not accept:
        proposal.status, proposal.decided_at = "rejected", _now()
        db.session.flush()
    else:
        _take_effect_if_agreed(proposal, actor)
    return proposal


def _take_effect_if_agreed(proposal: AmendmentProposal, actor: Actor) -> None:
    if any(answer.answer != "accepted" for answer in proposal.answers):
        return
    version = service.amend_contract(
        proposal.contract,
        None,
        proposal.effective_from,
        proposal.reason,
        actor,
        text=proposal.document,
    )
    proposal.status, proposal.decided_at, proposal.version = "in_force", _now(), version
    db.session.flush()


def _check_open(proposal: AmendmentProposal) -> None:
    if proposal.status != "proposed":
        raise ConflictError(f"The amendment is {proposal.status.replace('_', ' ')} already.")
    if is_lapsed(proposal):
        raise ConflictError(
            f"Version {proposal.contract.versions[-1].number} took effect after this amendment "
            f"was proposed on version {proposal.base_version}; propose it again."
        )


def is_lapsed(proposal: AmendmentProposal) -> bool:
    """Whether another version took effect while the proposal was open: it can never pass."""
    return proposal.status == "proposed" and (
        proposal.contract.versions[-1].number != proposal.base_version
    )


def _check_proposal(contract, current, document: dict, effective_from: date) -> None:
    problems = []
    for field in ("reference", "currency"):
        if document[field] != getattr(contract, field):
            problems.append((f"$.terms.{field}", f"must stay {getattr(contract, field)}"))
    if effective_from < current.effective_from:
        problems.append(
            (
                "$.effective_from",
                f"must be on or after {current.effective_from.isoformat()}, when version "
                f"{current.number} took effect",
            )
        )
    if problems:
        raise ServiceError("The amendment cannot be proposed; nothing was stored.", problems)


def _asked(current, old: dict, new: dict) -> list[tuple[int, set[str]]]:
    """The current version's parties whose money the change moves, by organisation id."""
    ids = {old["parties"][p.position]["organisation"]: p.organisation_id for p in current.parties}
    asked: dict[int, set[str]] = defaultdict(set)
    for document_id, roles in affected_parties(old, new).items():
        if document_id in ids:  # a newcomer is no party yet: it signs by joining
            asked[ids[document_id]] |= roles
    return sorted(asked.items())


def _answer_of(proposal: AmendmentProposal, organisation_id: int | None):
    return next((a for a in proposal.answers if a.organisation_id == organisation_id), None)


def _summary(proposal: AmendmentProposal) -> dict:
    return {
        "base_version": proposal.base_version,
        "effective_from": proposal.effective_from.isoformat(),
        "reason": proposal.reason,
        "document_sha256": proposal.document_sha256,
        "asked": {a.organisation.slug: a.affected_as for a in proposal.answers},
    }


def _record(proposal: AmendmentProposal, action: str, actor: Actor, after: dict) -> None:
    audit.record(
        action,
        actor=actor,
        entity_type="amendment",
        entity_id=f"{proposal.contract.reference}/amendments/{proposal.id}",
        contract_id=proposal.contract_id,
        after=after,
    )


def proposal_of(
    contract: Contract, proposal_id: int, *, for_update: bool = False
) -> AmendmentProposal:
    """One proposed amendment of a contract, or NotFoundError; `for_update` locks its row, so
    that two parties answering at once are counted one after the other."""
    query = select(AmendmentProposal).where(
        AmendmentProposal.id == proposal_id, AmendmentProposal.contract_id == contract.id
    )
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    proposal = db.session.scalar(query)
    if proposal is None:
        raise NotFoundError(f"Contract {contract.reference} has no amendment {proposal_id}.")
    return proposal


def _now() -> datetime:
    return datetime.now(UTC)
