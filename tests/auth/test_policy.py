"""The access rule on its own: roles, actions, where the organisation stands, whose record."""

import pytest

from sib import policy
from sib.actor import Actor
from sib.policy import ALLOW, Standing

OWN_ORG, OTHER_ORG = 1, 2
NONE = Standing()
PAYER = Standing(ever=frozenset({"outcome_payer"}), latest=frozenset({"outcome_payer"}))
FORMER_PAYER = Standing(ever=frozenset({"outcome_payer"}), latest=frozenset())
EVALUATOR = Standing(ever=frozenset({"evaluator"}), latest=frozenset({"evaluator"}))
INVESTOR = Standing(ever=frozenset({"investor"}), latest=frozenset({"investor"}))
MANAGER = Standing(ever=frozenset({"intermediary"}), latest=frozenset({"intermediary"}))


def actor(*roles: str) -> Actor:
    return Actor(label="user:test", user_id=1, organisation_id=OWN_ORG, roles=frozenset(roles))


@pytest.mark.parametrize(
    ("role", "action", "standing", "record_org", "expected"),
    [
        # another organisation's contract does not exist for anyone but admins and auditors
        ("contract_manager", "contract.read",           NONE,         None,      404),
        ("finance_officer",  "contract.read",           NONE,         None,      404),
        ("investor",         "contract.read",           NONE,         None,      404),
        ("auditor",          "contract.read",           NONE,         None,      ALLOW),
        ("admin",            "contract.amend",          NONE,         None,      ALLOW),
        # ... even for an action the role may never do: its existence does not leak
        ("investor",         "contract.amend",          NONE,         None,      404),
        # a party reads its contract; a former party still reads what concerned it
        ("investor",         "contract.read",           INVESTOR,     None,      ALLOW),
        ("finance_officer",  "contract.read",           FORMER_PAYER, None,      ALLOW),
        # writes need the organisation on the latest version
        ("contract_manager", "contract.amend",          MANAGER,      None,      ALLOW),
        ("finance_officer",  "submission.upload",       PAYER,        None,      ALLOW),
        ("finance_officer",  "submission.upload",       FORMER_PAYER, None,      403),
        # auditors read everything and write nothing
        ("auditor",          "contract.amend",          NONE,         None,      403),
        ("auditor",          "submission.upload",       PAYER,        None,      403),
        ("auditor",          "statement.investor.read", NONE,         OTHER_ORG, ALLOW),
        # evaluators verify only where their organisation is the evaluator
        ("evaluator",        "submission.verify",       EVALUATOR,    None,      ALLOW),
        ("evaluator",        "submission.verify",       PAYER,        None,      403),
        # investors: their own statement only; another investor's answers 404
        ("investor",         "statement.investor.read", INVESTOR,     OWN_ORG,   ALLOW),
        ("investor",         "statement.investor.read", INVESTOR,     OTHER_ORG, 404),
        ("investor",         "submission.read",         INVESTOR,     None,      403),
        # finance officers act for their own organisation only
        ("finance_officer",  "payment_run.approve",     PAYER,        OWN_ORG,   ALLOW),
        ("finance_officer",  "payment_run.approve",     PAYER,        OTHER_ORG, 404),
        # actions on no contract: users and tokens are the admin's
        ("admin",            "user.create",             None,         None,      ALLOW),
        ("contract_manager", "user.create",             None,         None,      403),
        ("auditor",          "audit.verify",            None,         None,      ALLOW),
        ("finance_officer",  "audit.read",              None,         None,      403),
    ],
)  # fmt: skip
def test_the_rule_answers_allow_403_or_404(role, action, standing, record_org, expected):
    assert policy.decide(actor(role), action, standing, record_org) == expected


def test_a_user_with_two_roles_may_do_what_either_may():
    assert policy.decide(actor("investor", "finance_officer"), "submission.upload", PAYER) == ALLOW


def test_an_action_without_a_line_in_the_matrix_is_refused_loudly():
    with pytest.raises(policy.UnknownActionError):
        policy.reaches(actor("admin"), "contract.delete")


def test_the_system_actor_has_no_role_in_the_matrix():
    assert policy.reaches(Actor.system("cli"), "contract.read") == set()


def test_every_role_in_the_matrix_is_a_known_role():
    assert {role for row in policy.MATRIX.values() for role in row} <= set(policy.ROLES)


WRITING_VERBS = ("create", "amend", "upload", "approve", "compute", "settle", "record", "revoke")


def test_auditors_may_do_no_writing_action():
    auditor_actions = [a for a, row in policy.MATRIX.items() if "auditor" in row]
    assert not [a for a in auditor_actions if a.endswith(WRITING_VERBS)]
    # submission.verify writes (the evaluator's verdict); audit.verify only reads
    assert "auditor" not in policy.MATRIX["submission.verify"]
