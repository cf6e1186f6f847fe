"""Outcome data pages: template download, upload with every problem shown, the submissions,
and the evaluator's queue with one submission's figures beside the previous period's."""

import io
import json
from decimal import Decimal

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import func, select

from contracts.access import visible_contract
from contracts.service import version_in_force
from outcomes.submissions import service
from outcomes.submissions.figures import figures_in_force
from outcomes.submissions.models import OutcomeRecord, ParticipantRecord, Submission
from outcomes.submissions.settings import settings_from
from outcomes.workbook.limits import WorkbookError
from outcomes.workbook.template import template_bytes
from sib.access import current_actor, guard
from sib.extensions import db
from sib.problems import ConflictError
from sib.web.blueprints import pages_blueprint
from sib.xlsx import XLSX_MIMETYPE

blueprint = pages_blueprint("web_submissions", __name__, url_prefix="/c")
#: submissions listed on a page
LISTED = 50


def _xlsx(data: bytes, name: str):
    return send_file(io.BytesIO(data), mimetype=XLSX_MIMETYPE, as_attachment=True,
                     download_name=name)  # fmt: skip


@blueprint.get("/<reference>/template.xlsx")
@guard("template.read")
def template(reference):
    contract = visible_contract(reference)
    data = template_bytes(service.catalogue_for(version_in_force(contract)))
    return _xlsx(data, f"{contract.reference}-outcomes.xlsx")


@blueprint.get("/<reference>/upload")
@guard("submission.upload")
def upload(reference):
    contract = visible_contract(reference)
    return render_template("web/upload.html", contract=contract, submissions=_listed(contract))


@blueprint.post("/<reference>/upload")
@guard("submission.upload")
def receive(reference):
    contract = visible_contract(reference)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash(_("Choose a file to upload."), "error")
        return render_template("web/upload.html", contract=contract,
                               submissions=_listed(contract)), 400  # fmt: skip
    name = upload.filename.replace("\\", "/").rsplit("/", 1)[-1]
    try:
        submission, created = service.ingest_file(
            contract, name, upload.read(), current_actor(), "upload",
            settings=settings_from(current_app.config),
        )  # fmt: skip
    except WorkbookError as error:
        db.session.rollback()
        flash(_("The file was refused: %(why)s", why=error.message), "error")
        return render_template("web/upload.html", contract=contract,
                               submissions=_listed(contract)), error.status  # fmt: skip
    db.session.commit()
    if submission.status != "rejected":
        flash(_("Thank you: the file was read and stored.") if created
              else _("This file was uploaded before; here it is."))  # fmt: skip
    return redirect(url_for(".show", reference=reference, submission_id=submission.id), 303)


@blueprint.get("/<reference>/submissions")
@guard("submission.read")
def index(reference):
    contract = visible_contract(reference)
    return render_template("web/submissions.html", contract=contract,
                           submissions=_listed(contract))  # fmt: skip


@blueprint.get("/<reference>/submissions/<int:submission_id>")
@guard("submission.read")
def show(reference, submission_id):
    contract = visible_contract(reference)
    submission = service.submission_of(contract, submission_id)
    return render_template(
        "web/submission.html", contract=contract, submission=submission,
        problems=service.stored_errors(submission),
        row_counts=json.loads(submission.row_counts or "{}"),
    )  # fmt: skip


@blueprint.get("/<reference>/submissions/<int:submission_id>/errors.xlsx")
@guard("submission.read")
def errors_workbook(reference, submission_id):
    submission = service.submission_of(visible_contract(reference), submission_id)
    if submission.status != "rejected":
        raise ConflictError(_("Only a rejected file has a marked-up copy."))
    stem = submission.file_name.removesuffix(".xlsx")
    return _xlsx(service.errors_workbook_of(submission), f"{stem}-errors.xlsx")


@blueprint.get("/<reference>/verify")
@guard("submission.verify")
def queue(reference):
    contract = visible_contract(reference)
    waiting = db.session.scalars(select(Submission).where(
        Submission.contract_id == contract.id, Submission.status == "validated"
    ).order_by(Submission.uploaded_at)).all()  # fmt: skip
    return render_template("web/queue.html", contract=contract, waiting=waiting,
                           recent=_listed(contract, ("verified", "disputed"), 10))  # fmt: skip


@blueprint.get("/<reference>/verify/<int:submission_id>")
@guard("submission.verify")
def review(reference, submission_id):
    contract = visible_contract(reference)
    submission = service.submission_of(contract, submission_id)
    return render_template("web/review.html", contract=contract, submission=submission,
                           rows=side_by_side(contract, submission))  # fmt: skip


@blueprint.post("/<reference>/verify/<int:submission_id>")
@guard("submission.verify")
def judge(reference, submission_id):
    contract = visible_contract(reference)
    submission = service.submission_of(contract, submission_id)
    comment = request.form.get("comment", "")
    if request.form.get("decision") == "dispute":
        service.dispute_submission(submission, current_actor(), comment)
        flash(_("Submission %(id)s is disputed.", id=submission.id))
    else:
        service.verify_submission(submission, current_actor(), comment)
        flash(_("Submission %(id)s is verified: its figures now count.", id=submission.id))
    db.session.commit()
    return redirect(url_for(".queue", reference=reference), 303)


def side_by_side(contract, submission) -> list[dict]:
    """The submission's figures per metric and area, each beside the previous period's in force."""
    labels = [p.label for p in contract.versions[-1].periods]
    previous = {(f.metric, f.period, f.area): f.value for f in figures_in_force(contract)}
    rows = []
    for metric, period, area, value in _figures_of(submission):
        index = labels.index(period) if period in labels else 0
        before = labels[index - 1] if index > 0 else None
        earlier = previous.get((metric, before, area)) if before else None
        change = None if earlier is None else value - earlier
        rows.append({"metric": metric, "period": period, "area": area, "value": value,
                     "previous_period": before, "previous": earlier, "change": change})  # fmt: skip
    return rows


def _figures_of(submission) -> list[tuple[str, str, str, Decimal]]:
    values = db.session.execute(
        select(OutcomeRecord.metric, OutcomeRecord.period, OutcomeRecord.area, OutcomeRecord.value)
        .where(OutcomeRecord.submission_id == submission.id)
        .order_by(OutcomeRecord.metric, OutcomeRecord.period, OutcomeRecord.area)
    ).all()
    counts = db.session.execute(
        select(ParticipantRecord.metric, ParticipantRecord.period, ParticipantRecord.area,
               func.count())
        .where(ParticipantRecord.submission_id == submission.id)
        .group_by(ParticipantRecord.metric, ParticipantRecord.period, ParticipantRecord.area)
        .order_by(ParticipantRecord.metric, ParticipantRecord.period, ParticipantRecord.area)
    ).all()  # fmt: skip
    return [tuple(row) for row in values] + [(m, p, a, Decimal(n)) for m, p, a, n in counts]


def _listed(contract, statuses: tuple[str, ...] = (), limit: int = LISTED) -> list[Submission]:
    query = select(Submission).where(Submission.contract_id == contract.id)
    if statuses:
        query = query.where(Submission.status.in_(statuses))
    return db.session.scalars(
        query.order_by(Submission.uploaded_at.desc(), Submission.id.desc()).limit(limit)
    ).all()
