"""The outcome data API: template, uploads and their problems, verification, figures in force."""

import io
import re

from flask import Response, current_app, json, send_file, url_for
from flask.views import MethodView
from flask_smorest import Blueprint

from contracts.access import visible_contract
from contracts.service import version_in_force
from outcomes.submissions import service
from outcomes.submissions.contents import submission_contents
from outcomes.submissions.figures import figures_in_force, verification_required, version_for
from outcomes.submissions.filenames import base_name, has_control_characters
from outcomes.submissions.models import Submission
from outcomes.submissions.schemas import (
    CommentSchema,
    OutcomesQuerySchema,
    OutcomesSchema,
    SubmissionContentsSchema,
    SubmissionSchema,
    UploadSchema,
)
from outcomes.submissions.settings import settings_from
from outcomes.workbook.limits import WorkbookError
from outcomes.workbook.results import RowError
from outcomes.workbook.template import template_bytes
from sib.access import current_actor, guard
from sib.extensions import db
from sib.problems import PROBLEM_TYPE, ConflictError, ServiceError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_UNSAFE_NAME = re.compile(r"[^\w.\- ]+")

blp = Blueprint(
    "submissions",
    __name__,
    url_prefix="/api/v1/contracts",
    description="Outcome data: the template, uploaded workbooks, verification, figures in force",
)


def _xlsx(data: bytes, name: str) -> Response:
    return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=name)


def _safe_name(name: str) -> str:
    return _UNSAFE_NAME.sub("_", name).strip() or "workbook.xlsx"


@blp.route("/<reference>/template.xlsx")
class Template(MethodView):
    @guard("template.read")
    @blp.response(200, description="The contract's outcome template", content_type=XLSX)
    def get(self, reference):
        """Download the contract's outcome template (drop-down lists, instructions in sv/en)."""
        contract = visible_contract(reference)
        data = template_bytes(service.catalogue_for(version_in_force(contract)))
        return _xlsx(data, f"{_safe_name(reference)}-outcomes.xlsx")


@blp.route("/<reference>/submissions")
class Submissions(MethodView):
    @guard("submission.read")
    @blp.response(200, SubmissionSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters, reference):
        """List the contract's submissions, newest first."""
        contract = visible_contract(reference)
        query = db.select(Submission).where(Submission.contract_id == contract.id)
        pagination_parameters.item_count = db.session.scalar(
            query.with_only_columns(db.func.count())
        )
        return db.session.scalars(
            query.order_by(Submission.uploaded_at.desc(), Submission.id.desc())
            .limit(pagination_parameters.page_size)
            .offset(pagination_parameters.first_item)
        ).all()

    @guard("submission.upload")
    @blp.arguments(UploadSchema, location="files")
    @blp.response(201, SubmissionSchema, description="A new file, read and stored")
    @blp.alt_response(200, schema=SubmissionSchema, description="The same file again: stored once")
    @blp.alt_response(422, description="The file has problems: each one listed (problem+json)")
    @blp.alt_response(413, description="The file, its archive or a sheet exceeds the limits")
    @blp.alt_response(415, description="Not an .xlsx workbook; the message says what to send")
    @blp.alt_response(409, description="The contract was amended twice while the file was read")
    def post(self, files, reference):
        """Upload one .xlsx workbook of outcome data.

        The file is read with no database transaction open; storing it is one short transaction.
        """
        contract = visible_contract(reference)
        upload = files["file"]
        name = base_name(upload.filename)
        if has_control_characters(name):
            raise ServiceError(
                "The file name holds control characters (such as NUL or a line break); rename "
                "the file and upload it again.",
                [("file", "the file name holds control characters")],
            )
        try:
            submission, created = service.ingest_file(
                contract, name, upload.read(), current_actor(),
                "upload", settings=settings_from(current_app.config),
            )  # fmt: skip
        except WorkbookError as error:
            db.session.rollback()
            raise refusal(error) from error
        db.session.commit()
        if submission.status == "rejected":
            return rejected_response(reference, submission)
        location = url_for("submissions.SubmissionById", reference=reference,
                           submission_id=submission.id)  # fmt: skip
        return submission, 201 if created else 200, {"Location": location}


def refusal(error: WorkbookError) -> ServiceError:
    """The problem document of a file refused whole: its place when it has one."""
    path = "file"
    if error.sheet is not None:
        path = service.problem_path(RowError(error.sheet, None, None, None, "", cell=error.cell))
    return ServiceError(error.message, [(path, error.message)], status=error.status)


def rejected_response(reference: str, submission: Submission) -> Response:
    """422 problem+json listing every problem, with links to the marked-up workbook."""
    errors = service.stored_errors(submission)
    body = {
        "type": "about:blank",
        "title": "Unprocessable Content",
        "status": 422,
        "detail": f"The workbook has {len(errors)} problem(s); nothing of it was stored. "
        "Download errors.xlsx to see each one marked in your own workbook.",
        "errors": [
            {
                "path": service.problem_path(e),
                "sheet": e.sheet,
                "row": e.row,
                "column": e.column,
                "value": e.value,
                "message": e.message,
            }
            for e in errors
        ],  # fmt: skip
        "submission": submission.id,
        "errors_workbook": url_for(
            "submissions.ErrorsWorkbook", reference=reference, submission_id=submission.id
        ),  # fmt: skip
    }
    return Response(json.dumps(body), status=422, mimetype=PROBLEM_TYPE)


@blp.route("/<reference>/submissions/<int:submission_id>")
class SubmissionById(MethodView):
    @guard("submission.read")
    @blp.response(200, SubmissionSchema)
    def get(self, reference, submission_id):
        """Read one submission: who, when, row counts, status and verification."""
        return service.submission_of(visible_contract(reference), submission_id)


@blp.route("/<reference>/submissions/<int:submission_id>/errors.xlsx")
class ErrorsWorkbook(MethodView):
    @guard("submission.read")
    @blp.response(200, description="The uploaded workbook with every problem marked and every "
                  "participant identifier masked", content_type=XLSX)  # fmt: skip
    def get(self, reference, submission_id):
        """Download a rejected workbook: bad cells red, commented; participant ids masked."""
        submission = service.submission_of(visible_contract(reference), submission_id)
        if submission.status != "rejected":
            raise ConflictError(f"Submission {submission.id} is {submission.status}; only a "
                                "rejected submission has an errors workbook.")  # fmt: skip
        data = service.errors_workbook_of(submission)
        stem = _safe_name(submission.file_name).removesuffix(".xlsx")
        return _xlsx(data, f"{stem}-errors.xlsx")


@blp.route("/<reference>/submissions/<int:submission_id>/figures")
class Figures(MethodView):
    @guard("submission.figures.read")
    @blp.response(200, SubmissionContentsSchema)
    def get(self, reference, submission_id):
        """What one submission reports: its values, and its participant rows counted.

        For the evaluator before verifying. Participant rows are counted per metric, period and
        area; no participant id or pseudonym is ever listed.
        """
        return submission_contents(service.submission_of(visible_contract(reference),
                                                         submission_id))  # fmt: skip


@blp.route("/<reference>/submissions/<int:submission_id>/verify")
class Verify(MethodView):
    @guard("submission.verify")
    @blp.arguments(CommentSchema)
    @blp.response(200, SubmissionSchema)
    def post(self, args, reference, submission_id):
        """Verify a submission (evaluator): its figures now count for payment."""
        submission = service.submission_of(visible_contract(reference), submission_id)
        service.verify_submission(submission, current_actor(), args["comment"])
        db.session.commit()
        return submission


@blp.route("/<reference>/submissions/<int:submission_id>/dispute")
class Dispute(MethodView):
    @guard("submission.verify")
    @blp.arguments(CommentSchema)
    @blp.response(200, SubmissionSchema)
    def post(self, args, reference, submission_id):
        """Dispute a submission (evaluator), saying why: its figures do not count."""
        submission = service.submission_of(visible_contract(reference), submission_id)
        service.dispute_submission(submission, current_actor(), args["comment"])
        db.session.commit()
        return submission


@blp.route("/<reference>/outcomes")
class Outcomes(MethodView):
    @guard("outcome.read")
    @blp.arguments(OutcomesQuerySchema, location="query")
    @blp.response(200, OutcomesSchema)
    def get(self, args, reference):
        """The figures in force (as of a day), each with the submission it came from.

        Participant-level metrics appear as counts; participant rows are never listed here.
        """
        contract = visible_contract(reference)
        as_of = args.get("as_of")
        return {
            "contract": contract.reference,
            "as_of": as_of,
            "verification_required": verification_required(version_for(contract, as_of)),
            "figures": figures_in_force(contract, as_of=as_of),
        }
