"""Marshmallow schemas of the submissions and outcomes API."""

import json

from flask_smorest.fields import Upload
from marshmallow import Schema, fields

from sib.fields import DecimalString


class UploadSchema(Schema):
    file = Upload(required=True, metadata={"description": "One .xlsx workbook"})


class CommentSchema(Schema):
    comment = fields.String(
        load_default="", metadata={"description": "Required when disputing; optional to verify."}
    )


class OutcomesQuerySchema(Schema):
    as_of = fields.Date(
        metadata={"description": "The figures that were in force at the end of this day (UTC)."}
    )


class WorkbookProblemSchema(Schema):
    path = fields.String(metadata={"example": "Values!D7"})
    sheet = fields.String(allow_none=True)
    row = fields.Integer(allow_none=True)
    column = fields.String(allow_none=True)
    value = fields.String(allow_none=True, metadata={"description": "Never a personal identifier"})
    message = fields.String()


class SubmissionSchema(Schema):
    id = fields.Integer()
    file_name = fields.String()
    sha256 = fields.String()
    size = fields.Integer(metadata={"description": "bytes"})
    source = fields.String()
    status = fields.String()
    uploaded_by = fields.String()
    uploaded_at = fields.DateTime()
    contract_version = fields.Integer(attribute="version_number")
    row_counts = fields.Method("_row_counts")
    extra_columns = fields.Method("_extra_columns")
    ignored_sheets = fields.Method(
        "_ignored_sheets", metadata={"description": "Sheets of the file that were not read"}
    )
    error_count = fields.Method("_error_count")
    verification_note = fields.String(allow_none=True)
    verified_by = fields.String(allow_none=True)
    verified_at = fields.DateTime(allow_none=True)

    def _row_counts(self, submission) -> dict:
        return json.loads(submission.row_counts)

    def _extra_columns(self, submission) -> list:
        return [{"sheet": sheet, "header": header}
                for sheet, header in json.loads(submission.extra_columns)]  # fmt: skip

    def _ignored_sheets(self, submission) -> list:
        return json.loads(submission.ignored_sheets or "[]")

    def _error_count(self, submission) -> int:
        return len(json.loads(submission.errors or "[]"))


class SubmissionRefSchema(Schema):
    id = fields.Integer()
    file_name = fields.String()
    status = fields.String()
    uploaded_at = fields.DateTime()
    verified_at = fields.DateTime(allow_none=True)


class FigureSchema(Schema):
    metric = fields.String()
    period = fields.String()
    area = fields.String()
    value = DecimalString(
        metadata={"description": "The figure; for a participant-level metric, the count of rows"}
    )
    participant_level = fields.Boolean()
    source_row = fields.Integer(allow_none=True)
    comment = fields.String()
    submission = fields.Nested(SubmissionRefSchema)


class OutcomesSchema(Schema):
    contract = fields.String()
    as_of = fields.Date(allow_none=True)
    verification_required = fields.Boolean()
    figures = fields.List(fields.Nested(FigureSchema))


class SubmittedValueSchema(Schema):
    metric = fields.String()
    period = fields.String()
    area = fields.String()
    value = DecimalString()
    comment = fields.String()
    source_row = fields.Integer(metadata={"description": "The row of the Values sheet"})


class ParticipantCountSchema(Schema):
    metric = fields.String()
    period = fields.String()
    area = fields.String()
    count = fields.Integer(metadata={"description": "Participant rows; never who they are"})


class SubmissionContentsSchema(Schema):
    submission = fields.Nested(SubmissionSchema)
    values = fields.List(fields.Nested(SubmittedValueSchema))
    participants = fields.List(fields.Nested(ParticipantCountSchema))
