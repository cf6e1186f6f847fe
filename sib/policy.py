"""The access rule, in one place: which role may do which action, for which organisations.

Pure: no Flask, no database. Callers describe where the actor's organisation stands on a
contract (`Standing`) and whose record is touched; `decide` answers allow, 403 or 404.
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
    "contract.amend":          {ADMIN: ALL, CONTRACT_MANAGER: ACT},
    # the answer names every investor's distribution, so investors do not simulate
    "contract.simulate":       {ADMIN: ALL, AUDITOR: ALL, CONTRACT_MANAGER: PARTY, FINANCE_OFFICER: PARTY, EVALUATOR: PARTY},  # noqa: E501
    "contract.history":        {ADMIN: ALL, AUDITOR: ALL, CONTRACT_MANAGER: PARTY},
    "audit.read":              {ADMIN: ALL, AUDITOR: ALL},
    "audit.verify":            {ADMIN: ALL, AUDITOR: ALL},
    "user.list":               {ADMIN: ALL},
    "user.create":             {ADMIN: ALL},
    "token.list":              {ADMIN: ALL},
    "token.create":            {ADMIN: ALL},
    "token.revoke":            {ADMIN: ALL},
    # outcome data (issue 4): participant-level rows are never an investor's to see
    "template.read":           {ADMIN: ALL, AUDITOR: ALL, CONTRACT_MANAGER: PARTY, FINANCE_OFFICER: PARTY, EVALUATOR: PARTY},  # noqa: E501
    "submission.read":         {ADMIN: ALL, AUDITOR: ALL, CONTRACT_MANAGER: PARTY, FINANCE_OFFICER: PARTY, EVALUATOR: EVALUATE},  # noqa: E501
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

ALLOW = 200
#: reaches that cover records of organisations other than the actor's own
_COVERS_OTHERS = frozenset({ALL, PARTY, EVALUATE})


class UnknownActionError(KeyError):
    """An action without a line in the matrix: a view nobody may call."""


@dataclass(frozen=True)
class Standing:
    """The actor's organisation's party roles on one contract: on any version, and on the latest."""

    ever: frozenset[str] = frozenset()
    latest: frozenset[str] = frozenset()


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
) -> int:
    """ALLOW, 403 or 404 for an action, on a contract (standing) and a record of an organisation.

    Another organisation's contract or record answers 404, so that its existence does not leak;
    a visible thing the role may not act on answers 403.
    """
    granted = reaches(actor, action)
    if standing is not None and not is_visible(actor, standing):
        return 404
    others = record_organisation_id is not None and record_organisation_id != actor.organisation_id
    if others and not granted & _COVERS_OTHERS:
        return 404
    if any(_satisfied(reach, standing) for reach in granted):
        return ALLOW
    return 403


def _satisfied(reach: Reach, standing: Standing | None) -> bool:
    if reach is ALL:
        return True
    if standing is None:
        # An action on no contract: only ALL reaches it (e.g. managing users).
        return False
    if reach in (PARTY, OWN):
        return bool(standing.ever)
    if reach is ACT:
        return bool(standing.latest)
    return "evaluator" in standing.latest


def matrix_table() -> str:
    """The matrix as a Markdown table, one row per action, for docs/access.md."""
    marks = {ALL: "all", PARTY: "party", OWN: "own", ACT: "act", EVALUATE: "evaluator"}
    lines = [
        "| action | " + " | ".join(ROLES) + " |",
        "|---|" + "---|" * len(ROLES),
    ]
    for action, row in MATRIX.items():
        cells = [marks[row[role]] if role in row else "-" for role in ROLES]
        lines.append(f"| `{action}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)
