"""The access rule, in one place: which role may do which action, for which organisations.

Two tables: MATRIX says how far each user role reaches for an action; CONTRACT_ROLES says what
the user's organisation must be in the contract (payer, provider, evaluator, ...) to do it.
Pure: no Flask, no database. Callers describe where the actor's organisation stands on a
contract (`Standing`), whose record is touched and who made it; `decide` answers allow, 403 or
404.
"""

from dataclasses import dataclass
from enum import Enum

from sib.actor import Actor

ADMIN = "admin"
CONTRACT_MANAGER = "contract_manager"
FINANCE_OFFICER = "finance_officer"
EVALUATOR = "evaluator"
INVESTOR = "investor"
AUDITOR = "auditor"
ROLES = (ADMIN, CONTRACT_MANAGER, FINANCE_OFFICER, EVALUATOR, INVESTOR, AUDITOR)

# An organisation's roles in a contract: the `role` of its entries in `parties` (TERMS.md) ...
OUTCOME_PAYER = "outcome_payer"
PROVIDER = "provider"
INTERMEDIARY = "intermediary"
EVALUATOR_ORG = "evaluator"
INVESTOR_ORG = "investor"
GUARANTOR = "guarantor"
PARTY_ROLES = (OUTCOME_PAYER, PROVIDER, INTERMEDIARY, EVALUATOR_ORG, INVESTOR_ORG, GUARANTOR)
# ... and two marks on top of them: an outcome payer whose party entry says
# `"x_reports_outcomes": true`, and the organisation whose user created the contract.
REPORTING = "reporting"
OWNER = "owner"


class Reach(Enum):
    """How far a role's permission for an action reaches."""

    ALL = "every contract and record"
    PARTY = "contracts where the organisation is a party (on any version)"
    OWN = "the organisation's own records, on contracts where it is a party"
    ACT = "for its own organisation, on contracts where it is a party to the latest version"
    EVALUATE = "contracts where the organisation is the evaluator in the latest version"


ALL, PARTY, OWN, ACT, EVALUATE = Reach

#: the role x action matrix; a role missing from an action's row may not do it at all.
#: A new action is one line here (and a view decorated with `@guard("<action>")`).
MATRIX: dict[str, dict[str, Reach]] = {
    # who am I: every authenticated user
    "me.read":                 {ADMIN: ALL, CONTRACT_MANAGER: ALL, FINANCE_OFFICER: ALL, EVALUATOR: ALL, INVESTOR: ALL, AUDITOR: ALL},  # noqa: E501
    "contract.list":           {ADMIN: ALL, AUDITOR: ALL, CONTRACT_MANAGER: PARTY, FINANCE_OFFICER: PARTY, EVALUATOR: PARTY, INVESTOR: PARTY},  # noqa: E501
    "contract.read":           {ADMIN: ALL, AUDITOR: ALL, CONTRACT_MANAGER: PARTY, FINANCE_OFFICER: PARTY, EVALUATOR: PARTY, INVESTOR: PARTY},  # noqa: E501
    "contract.create":         {ADMIN: ALL, CONTRACT_MANAGER: ACT},
    # the direct amendment, for admins; parties propose and accept amendments (issue 9)
    "contract.amend":          {ADMIN: ALL},
    "amendment.read":          {ADMIN: ALL, AUDITOR: ALL, CONTRACT_MANAGER: PARTY, FINANCE_OFFICER: PARTY, EVALUATOR: PARTY, INVESTOR: PARTY},  # noqa: E501
    "amendment.propose":       {ADMIN: ALL, CONTRACT_MANAGER: ACT},
    # each affected party answers for itself, so no role answers for all (not even an admin)
    "amendment.answer":        {CONTRACT_MANAGER: ACT, FINANCE_OFFICER: ACT},
    # the answer names every investor's distribution, so investors do not simulate
    "contract.simulate":       {ADMIN: ALL, AUDITOR: ALL, CONTRACT_MANAGER: PARTY, FINANCE_OFFICER: PARTY, EVALUATOR: PARTY},  # noqa: E501
    "contract.history":        {ADMIN: ALL, AUDITOR: ALL, CONTRACT_MANAGER: PARTY},
    "audit.read":              {ADMIN: ALL, AUDITOR: ALL},
    "audit.verify":            {ADMIN: ALL, AUDITOR: ALL},
    "audit.checkpoints.read":  {ADMIN: ALL, AUDITOR: ALL},
    "user.list":               {ADMIN: ALL},
    "user.create":             {ADMIN: ALL},
    "user.set_password":       {ADMIN: ALL},
    "token.list":              {ADMIN: ALL},
    "token.create":            {ADMIN: ALL},
    "token.revoke":            {ADMIN: ALL},
    # outcome data (issue 4): participant-level rows are never an investor's to see
    "template.read":           {ADMIN: ALL, AUDITOR: ALL, CONTRACT_MANAGER: PARTY, FINANCE_OFFICER: PARTY, EVALUATOR: PARTY},  # noqa: E501
    "submission.read":         {ADMIN: ALL, AUDITOR: ALL, CONTRACT_MANAGER: PARTY, FINANCE_OFFICER: PARTY, EVALUATOR: EVALUATE},  # noqa: E501
    "submission.figures.read": {ADMIN: ALL, AUDITOR: ALL, CONTRACT_MANAGER: PARTY, FINANCE_OFFICER: PARTY, EVALUATOR: EVALUATE},  # noqa: E501
    "submission.upload":       {ADMIN: ALL, FINANCE_OFFICER: ACT},
    "submission.verify":       {ADMIN: ALL, EVALUATOR: EVALUATE},
    "outcome.read":            {ADMIN: ALL, AUDITOR: ALL, CONTRACT_MANAGER: PARTY, FINANCE_OFFICER: PARTY, EVALUATOR: PARTY, INVESTOR: PARTY},  # noqa: E501
    # money (issue 5): an investor sees its own capital and statement, never another's
    "drawdown.read":           {ADMIN: ALL, AUDITOR: ALL, CONTRACT_MANAGER: PARTY, INVESTOR: OWN},
    "drawdown.record":         {ADMIN: ALL, CONTRACT_MANAGER: ACT},
    "payment_run.read":        {ADMIN: ALL, AUDITOR: ALL, CONTRACT_MANAGER: PARTY, FINANCE_OFFICER: PARTY},  # noqa: E501
    "payment_run.compute":     {ADMIN: ALL, CONTRACT_MANAGER: ACT},
    "payment_run.approve":     {ADMIN: ALL, FINANCE_OFFICER: ACT},
    "payment_run.settle":      {ADMIN: ALL, CONTRACT_MANAGER: ACT, FINANCE_OFFICER: ACT},
    # re-runs a stored calculation and stores nothing: an auditor's check
    "payment_run.replay":      {ADMIN: ALL, AUDITOR: ALL, CONTRACT_MANAGER: PARTY, FINANCE_OFFICER: PARTY},  # noqa: E501
    "statement.investor.read": {ADMIN: ALL, AUDITOR: ALL, INVESTOR: OWN},
    "job.read":                {ADMIN: ALL, AUDITOR: ALL},
    "statement.payer.read":    {ADMIN: ALL, AUDITOR: ALL, CONTRACT_MANAGER: PARTY, FINANCE_OFFICER: OWN},  # noqa: E501
    "overdue.read":            {ADMIN: ALL, AUDITOR: ALL, CONTRACT_MANAGER: PARTY, FINANCE_OFFICER: PARTY, EVALUATOR: PARTY},  # noqa: E501
}  # fmt: skip

#: what the organisation must be in the contract for an action, whatever the user's role (an
#: admin's `all` excepted). Reads (party, own) look at its roles on any version; acts at the
#: latest version. An action missing here needs only membership: any role in the contract.
CONTRACT_ROLES: dict[str, frozenset[str]] = {
    # simulations and payment runs list every investor's distribution
    "contract.simulate":   frozenset({OUTCOME_PAYER, PROVIDER, INTERMEDIARY, EVALUATOR_ORG, GUARANTOR}),  # noqa: E501
    "amendment.propose":   frozenset({INTERMEDIARY, OWNER}),
    # the amendments service then asks only the parties whose money the amendment changes
    "amendment.answer":    frozenset({OUTCOME_PAYER, INVESTOR_ORG, GUARANTOR}),
    # participant-level rows: for those who report, pay for or check them
    "template.read":       frozenset({OUTCOME_PAYER, PROVIDER, INTERMEDIARY, EVALUATOR_ORG}),
    "submission.read":     frozenset({OUTCOME_PAYER, PROVIDER, INTERMEDIARY, EVALUATOR_ORG}),
    "submission.figures.read": frozenset({OUTCOME_PAYER, PROVIDER, INTERMEDIARY, EVALUATOR_ORG}),
    "submission.upload":   frozenset({PROVIDER, INTERMEDIARY, REPORTING}),
    "submission.verify":   frozenset({EVALUATOR_ORG}),
    "drawdown.record":     frozenset({INTERMEDIARY, OWNER}),
    "payment_run.read":    frozenset({OUTCOME_PAYER, PROVIDER, INTERMEDIARY, GUARANTOR}),
    "payment_run.compute": frozenset({INTERMEDIARY, OWNER}),
    "payment_run.approve": frozenset({OUTCOME_PAYER, GUARANTOR}),
    "payment_run.settle":  frozenset({OUTCOME_PAYER, GUARANTOR}),
    "payment_run.replay":  frozenset({OUTCOME_PAYER, PROVIDER, INTERMEDIARY, GUARANTOR}),
}  # fmt: skip

#: actions that check another organisation's work: never done by the organisation that made the
#: record (maker-checker), whatever its roles; an admin's `all` excepted
CHECKS = frozenset({"submission.verify"})

ALLOW = 200
#: reaches that cover records of organisations other than the actor's own
_COVERS_OTHERS = frozenset({ALL, PARTY, EVALUATE})


class UnknownActionError(KeyError):
    """An action without a line in the matrix: a view nobody may call."""


@dataclass(frozen=True)
class Standing:
    """The actor's organisation's roles on one contract: on any version, and on the latest.

    `marks` adds what the latest version and the record say beyond the party roles: REPORTING
    (an outcome payer the terms name as reporting outcome data) and OWNER (it created the
    contract).
    """

    ever: frozenset[str] = frozenset()
    latest: frozenset[str] = frozenset()
    marks: frozenset[str] = frozenset()

    def acting_roles(self) -> frozenset[str]:
        """Its roles for acting: on the latest version, with the marks; none if no party to it."""
        return self.latest | self.marks if self.latest else frozenset()


def check_action(action: str) -> str:
    """The action itself, if the matrix has a line for it; else UnknownActionError."""
    if action not in MATRIX:
        raise UnknownActionError(f"No rule for action {action!r} in sib.policy.MATRIX")
    return action


def reaches(actor: Actor, action: str) -> set[Reach]:
    """How far the actor's roles reach for an action (empty: none of its roles may)."""
    row = MATRIX[check_action(action)]
    return {row[role] for role in actor.roles if role in row}


def sees_all(actor: Actor) -> bool:
    """Whether the actor reads every contract (admins and auditors)."""
    return ALL in reaches(actor, "contract.read")


def is_visible(actor: Actor, standing: Standing) -> bool:
    """Whether a contract exists at all for this actor."""
    return sees_all(actor) or bool(standing.ever)


def may_attempt(actor: Actor, action: str) -> bool:
    """Whether any of the actor's roles may do the action somewhere (else 403 at once)."""
    return bool(reaches(actor, action))


def decide(
    actor: Actor,
    action: str,
    standing: Standing | None = None,
    record_organisation_id: int | None = None,
    *,
    maker_organisation_id: int | None = None,
) -> int:
    """ALLOW, 403 or 404 for an action, on a contract (standing) and a record of an organisation.

    Another organisation's contract or record answers 404, so that its existence does not leak;
    a visible thing the role, or the organisation's role in the contract, may not act on
    answers 403, as does a check (CHECKS) of a record the actor's own organisation made.
    """
    granted = reaches(actor, action)
    if standing is not None and not is_visible(actor, standing):
        return 404
    others = record_organisation_id is not None and record_organisation_id != actor.organisation_id
    if others and not granted & _COVERS_OTHERS:
        return 404
    if not any(_satisfied(reach, action, standing) for reach in granted):
        return 403
    if ALL not in granted and is_own_work(actor, action, maker_organisation_id):
        return 403
    return ALLOW


def is_own_work(actor: Actor, action: str, maker_organisation_id: int | None) -> bool:
    """Whether the action checks a record the actor's own organisation made (maker-checker)."""
    return (
        action in CHECKS
        and maker_organisation_id is not None
        and maker_organisation_id == actor.organisation_id
    )


def _satisfied(reach: Reach, action: str, standing: Standing | None) -> bool:
    if reach is ALL:
        return True
    if standing is None:
        # An action on no contract: only ALL reaches it (e.g. managing users).
        return False
    if reach is EVALUATE:
        return EVALUATOR_ORG in standing.latest
    roles = standing.ever if reach in (PARTY, OWN) else standing.acting_roles()
    needed = CONTRACT_ROLES.get(action)
    return bool(roles & needed) if needed is not None else bool(roles)


def matrix_table() -> str:
    """The matrix as a Markdown table, one row per action, for docs/access.md and the README.

    The last column is CONTRACT_ROLES: what the organisation must be in the contract.
    """
    marks = {ALL: "all", PARTY: "party", OWN: "own", ACT: "act", EVALUATE: "evaluator"}
    lines = [
        "| action | " + " | ".join(ROLES) + " | organisation's role in the contract |",
        "|---|" + "---|" * (len(ROLES) + 1),
    ]
    for action, row in MATRIX.items():
        cells = [marks[row[role]] if role in row else "-" for role in ROLES]
        cells.append(_contract_roles_cell(action, row))
        lines.append(f"| `{action}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _contract_roles_cell(action: str, row: dict[str, Reach]) -> str:
    if set(row.values()) <= {ALL}:
        return "n/a"
    if action in CHECKS:
        return " or ".join(sorted(CONTRACT_ROLES[action])) + ", not the maker"
    needed = CONTRACT_ROLES.get(action)
    if needed is None:
        return "any"
    return " or ".join(role for role in (*PARTY_ROLES, REPORTING, OWNER) if role in needed)
