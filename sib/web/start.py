"""The start page: my contracts and what waits for me; the language switch; the static files."""

import re
from datetime import timedelta

from flask import g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from contracts.access import standing_of, visible_contracts_query
from outcomes.payments.models import PaymentRun
from outcomes.submissions.models import Submission
from sib import policy
from sib.access import guard
from sib.auth.models import User
from sib.extensions import db
from sib.today import today as business_day
from sib.web.blueprints import pages_blueprint
from sib.web.setup import LANG_COOKIE, LANGUAGES, day

blueprint = pages_blueprint("web", __name__, template_folder="templates", static_folder="static",
                      static_url_path="/static/web")  # fmt: skip
#: a period whose deadline is this close shows as a template to fill
DUE_SOON = timedelta(days=120)
#: a path on this site: no scheme, no second slash or backslash, no control characters (which
#: browsers drop, so "/\t/evil.example" would become "//evil.example")
_LOCAL_PATH = re.compile(r"/(?![/\\])[^\x00-\x20\\\x7f]*")
#: days the language choice is remembered
LANG_DAYS = 365


@blueprint.get("/")
@guard("me.read")
def start():
    actor = g.actor
    today = business_day()
    contracts = db.session.scalars(visible_contracts_query(actor)).all()
    cards = [_card(contract, actor, today) for contract in contracts]
    waiting = [item for card in cards for item in card["todo"]]
    user = db.session.get(User, actor.user_id) if actor.user_id else None
    return render_template("web/start.html", cards=cards, waiting=waiting, today=today,
                           name=user.name if user else actor.label)  # fmt: skip


@blueprint.get("/lang/<code>")
def language(code):
    """Switch the pages' language (a cookie, kept a year); back to where the switch was used."""
    target = request.args.get("next", "")
    if not _LOCAL_PATH.fullmatch(target):
        target = url_for("web.start")
    response = redirect(target)
    if code in LANGUAGES:
        response.set_cookie(LANG_COOKIE, code, max_age=LANG_DAYS * 86400, samesite="Lax",
                            httponly=True)  # fmt: skip
    return response


def _card(contract, actor, today) -> dict:
    standing = standing_of(actor.organisation_id, contract)

    def may(action: str) -> bool:
        return policy.decide(actor, action, standing) == policy.ALLOW

    todo: list[dict] = []
    if may("submission.upload"):
        todo += _due_periods(contract, today)
        todo += _rejected(contract, actor)
    if may("submission.verify"):
        todo += _to_verify(contract)
    if may("payment_run.approve"):
        todo += _to_approve(contract, actor)
    if may("payment_run.settle"):
        todo += _to_settle(contract, actor)
    if may("amendment.answer"):
        todo += _to_answer(contract, actor)
    if may("overdue.read"):
        todo += _overdue(contract)
    links = _links(contract, actor, may, standing)
    return {"contract": contract, "todo": todo, "links": links,
            "roles": sorted(standing.latest or standing.ever)}  # fmt: skip


def _item(contract, text, endpoint, urgent=False, **values) -> dict:
    url = url_for(endpoint, reference=contract.reference, **values)
    return {"contract": contract.reference, "text": text, "url": url, "urgent": urgent}


def _due_periods(contract, today) -> list[dict]:
    items = []
    for period in contract.versions[-1].periods:
        if today <= period.payment_on <= today + DUE_SOON:
            text = _("Fill in the template for %(period)s: due %(day)s", period=period.label,
                     day=day(period.payment_on))  # fmt: skip
            items.append(_item(contract, text, "web_submissions.upload"))
    if not items:
        upcoming = [p for p in contract.versions[-1].periods if p.payment_on >= today]
        if upcoming:
            period = upcoming[0]
            text = _("Next outcome data: %(period)s, due %(day)s", period=period.label,
                     day=day(period.payment_on))  # fmt: skip
            items.append(_item(contract, text, "web_submissions.upload"))
    return items


def _rejected(contract, actor) -> list[dict]:
    query = select(Submission).where(Submission.contract_id == contract.id,
                                     Submission.status == "rejected",
                                     Submission.uploaded_by == actor.label)  # fmt: skip
    rejected = db.session.scalars(query.order_by(Submission.id.desc()).limit(3)).all()
    fixed = set(db.session.scalars(
        select(Submission.file_name).where(Submission.contract_id == contract.id,
                                           Submission.status != "rejected")))  # fmt: skip
    return [_item(contract, _("Fix the problems in %(file)s", file=s.file_name),
                  "web_submissions.show", urgent=True, submission_id=s.id)
            for s in rejected if s.file_name not in fixed][:1]  # fmt: skip


def _to_verify(contract) -> list[dict]:
    waiting = db.session.scalars(select(Submission).where(
        Submission.contract_id == contract.id, Submission.status == "validated")).all()  # fmt: skip
    return [_item(contract, _("Verify %(file)s", file=s.file_name), "web_submissions.review",
                  submission_id=s.id) for s in waiting]  # fmt: skip


def _to_approve(contract, actor) -> list[dict]:
    runs = db.session.scalars(select(PaymentRun).where(
        PaymentRun.contract_id == contract.id, PaymentRun.status == "draft")).all()  # fmt: skip
    items = []
    for run in runs:
        share = next((p for p in run.payers if p.organisation_id == actor.organisation_id), None)
        if share is not None and share.approved_at is None:
            text = _("Approve your share of payment run %(id)s (%(period)s)", id=run.id,
                     period=run.period_label)  # fmt: skip
            items.append(_item(contract, text, "web_runs.show", urgent=True, run_id=run.id))
    return items


def _to_settle(contract, actor) -> list[dict]:
    from outcomes.payments.settlements import is_open

    runs = db.session.scalars(select(PaymentRun).where(
        PaymentRun.contract_id == contract.id, PaymentRun.status == "approved")).all()  # fmt: skip
    return [_item(contract, _("Record the payment of run %(id)s (%(period)s)", id=r.id,
                              period=r.period_label), "web_runs.show", run_id=r.id)
            for r in runs
            if any(p.organisation_id == actor.organisation_id and is_open(r, p)
                   for p in r.payers)]  # fmt: skip


def _to_answer(contract, actor) -> list[dict]:
    from sib.web.amendments import open_proposals

    return [_item(contract, _("Accept or reject amendment %(id)s: %(why)s", id=p.id, why=p.reason),
                  "web_amendments.show", urgent=True, amendment_id=p.id)
            for p in open_proposals(contract)
            if any(a.organisation_id == actor.organisation_id and a.answer == "pending"
                   for a in p.answers)]  # fmt: skip


def _overdue(contract) -> list[dict]:
    from outcomes.deadlines.service import flags_of

    return [
        _item(
            contract,
            _("Period %(period)s is overdue", period=flag.period_label),
            "web_contract.show",
            urgent=True,
        )
        for flag in flags_of(contract, open_only=True)
    ]


def _links(contract, actor, may, standing) -> list[tuple[str, str]]:
    ref = contract.reference
    links = [(_("Contract and terms"), url_for("web_contract.show", reference=ref))]
    if may("submission.upload"):
        links.append((_("Upload outcome data"), url_for("web_submissions.upload", reference=ref)))
    elif may("submission.read"):
        links.append((_("Submissions"), url_for("web_submissions.index", reference=ref)))
    if may("submission.verify"):
        links.append((_("Verify outcome data"), url_for("web_submissions.queue", reference=ref)))
    if may("payment_run.read"):
        links.append((_("Payment runs"), url_for("web_runs.index", reference=ref)))
    slug = _own_slug(actor)
    if (
        slug
        and policy.decide(actor, "statement.investor.read", standing) == policy.ALLOW
        and ("investor" in standing.ever)
    ):
        links.append((_("My investor statement"),
                      url_for("web_statements.investor", reference=ref, slug=slug)))  # fmt: skip
    if slug and "outcome_payer" in standing.ever and may("statement.payer.read"):
        links.append((_("My payer statement"),
                      url_for("web_statements.payer", reference=ref, slug=slug)))  # fmt: skip
    if may("contract.history"):
        links.append((_("History and audit"), url_for("web_auditor.history", reference=ref)))
    return links


def _own_slug(actor) -> str | None:
    from contracts.models import Organisation

    organisation = db.session.get(Organisation, actor.organisation_id)
    return organisation.slug if organisation else None
