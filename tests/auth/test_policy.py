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
PROVIDER = Standing(ever=frozenset({"provider"}), latest=frozenset({"provider"}))
REPORTING_PAYER = Standing(
    ever=frozenset({"outcome_payer"}),
    latest=frozenset({"outcome_payer"}),
    marks=frozenset({"reporting"}),
)
OWNING_PAYER = Standing(
    ever=frozenset({"outcome_payer"}),
    latest=frozenset({"outcome_payer"}),
    marks=frozenset({"owner"}),
)
FORMER_OWNER = Standing(
    ever=frozenset({"outcome_payer"}), latest=frozenset(), marks=frozenset({"owner"})
)
GUARANTOR = Standing(ever=frozenset({"guarantor"}), latest=frozenset({"guarantor"}))


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
        # writes need the organisation on the latest version, in the right role (issue 9)
        ("contract_manager", "amendment.propose",       MANAGER,      None,      ALLOW),
        ("contract_manager", "amendment.propose",       PAYER,        None,      403),
        ("contract_manager", "amendment.propose",       OWNING_PAYER, None,      ALLOW),
        ("contract_manager", "amendment.propose",       FORMER_OWNER, None,      403),
        ("contract_manager", "contract.amend",          MANAGER,      None,      403),
        ("finance_officer",  "submission.upload",       PROVIDER,     None,      ALLOW),
        ("finance_officer",  "submission.upload",       MANAGER,      None,      ALLOW),
        ("finance_officer",  "submission.upload",       REPORTING_PAYER, None,   ALLOW),
        ("finance_officer",  "submission.upload",       PAYER,        None,      403),
        ("finance_officer",  "submission.upload",       INVESTOR,     None,      403),
        ("finance_officer",  "submission.upload",       EVALUATOR,    None,      403),
        ("finance_officer",  "submission.upload",       FORMER_PAYER, None,      403),
        ("finance_officer",  "payment_run.settle",      INVESTOR,     None,      403),
        ("finance_officer",  "payment_run.settle",      GUARANTOR,    None,      ALLOW),
        ("contract_manager", "payment_run.settle",      MANAGER,      None,      403),
        ("finance_officer",  "payment_run.read",        INVESTOR,     None,      403),
        ("finance_officer",  "amendment.answer",        INVESTOR,     None,      ALLOW),
        ("finance_officer",  "amendment.answer",        PROVIDER,     None,      403),
        ("admin",            "amendment.answer",        PAYER,        None,      403),
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
        ("admin",            "user.set_password",       None,         None,      ALLOW),
        ("auditor",          "user.set_password",       None,         None,      403),
        ("auditor",          "audit.verify",            None,         None,      ALLOW),
        ("finance_officer",  "audit.read",              None,         None,      403),
    ],
)  # fmt: skip
def test_the_rule_answers_allow_403_or_404(role, action, standing, record_org, expected):
    assert policy.decide(actor(role), action, standing, record_org) == expected


def test_a_user_with_two_roles_may_do_what_either_may():
    assert (
        policy.decide(actor("investor", "finance_officer"), "submission.upload", PROVIDER) == ALLOW
    )


@pytest.mark.parametrize(
    ("role",      "maker",   "expected"),
    [
        ("evaluator", OTHER_ORG, ALLOW),
        ("evaluator", None,      ALLOW),   # the scheduler's inbox: no organisation made it
        ("evaluator", OWN_ORG,   403),     # maker-checker: never the organisation that uploaded
        ("admin",     OWN_ORG,   ALLOW),   # an admin may do everything
    ],
)  # fmt: skip
def test_verification_is_never_by_the_organisation_that_uploaded(role, maker, expected):
    both = Standing(
        ever=frozenset({"evaluator", "provider"}), latest=frozenset({"evaluator", "provider"})
    )
    outcome = policy.decide(actor(role), "submission.verify", both, maker_organisation_id=maker)
    assert outcome == expected


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
