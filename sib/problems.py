"""Errors as RFC 9457 problem documents (application/problem+json) with field details."""

from collections.abc import Iterable, Mapping
from http import HTTPStatus

from flask import Response, json
from flask_smorest import Api
from marshmallow import INCLUDE, Schema, fields
from werkzeug.exceptions import HTTPException

PROBLEM_TYPE = "application/problem+json"


class FieldProblemSchema(Schema):
    """One field's problem (documentation only: problem bodies are built by problem_response).

    A workbook's problems (an outcome upload's 422) also name their sheet, row, column and value.
    """

    class Meta:
        unknown = INCLUDE

    path = fields.String(
        required=True,
        metadata={"description": "JSON path or location of the field", "example": "$.period"},
    )
    message = fields.String(required=True)
    sheet = fields.String(allow_none=True, metadata={"description": "a workbook's sheet"})
    row = fields.Raw(allow_none=True, metadata={"description": "the row in that sheet"})
    column = fields.Raw(allow_none=True, metadata={"description": "the column in that sheet"})
    value = fields.Raw(allow_none=True, metadata={"description": "the value as found"})


class ProblemSchema(Schema):
    """An RFC 9457 problem document; documented open, as RFC 9457 allows extension members."""

    class Meta:
        unknown = INCLUDE

    type = fields.String(required=True, metadata={"example": "about:blank"})
    title = fields.String(required=True, metadata={"example": "Not Found"})
    status = fields.Integer(required=True, metadata={"example": 404})
    detail = fields.String(metadata={"description": "What went wrong, for a person"})
    instance = fields.String(metadata={"description": "The request it is about, if given"})
    errors = fields.List(
        fields.Nested(FieldProblemSchema),
        metadata={"description": "Every invalid field at once, each with its path"},
    )


class ServiceError(Exception):
    """A domain error the API answers with a problem document."""

    status = 422

    def __init__(self, detail: str, errors: Iterable[tuple[str, str]] = (), status: int = 0):
        super().__init__(detail)
        self.detail = detail
        self.errors = [{"path": path, "message": message} for path, message in errors]
        if status:
            self.status = status


class NotFoundError(ServiceError):
    status = 404


class ConflictError(ServiceError):
    status = 409


def problem_response(
    status: int, detail: str | None = None, errors: list | None = None, headers=None
) -> Response:
    """Build a problem+json response."""
    body = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status}
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_TYPE)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def flatten_messages(messages, prefix: str = "$") -> list[dict]:
    """Turn marshmallow/webargs nested messages into a flat list of {path, message}."""
    if isinstance(messages, Mapping):
        flat = []
        for key, value in messages.items():
            if key in ("json", "form", "files"):
                step = prefix
            elif key in ("query", "headers", "cookies", "view_args"):
                step = key
            elif isinstance(key, int):
                step = f"{prefix}[{key}]"
            else:
                step = f"{prefix}.{key}"
            flat.extend(flatten_messages(value, step))
        return flat
    if isinstance(messages, list | tuple):
        if all(isinstance(item, str) for item in messages):
            return [{"path": prefix, "message": item} for item in messages]
        return [item for msg in messages for item in flatten_messages(msg, prefix)]
    return [{"path": prefix, "message": str(messages)}]


class ProblemApi(Api):
    """flask-smorest's Api answering every error as application/problem+json."""

    ERROR_SCHEMA = ProblemSchema

    def handle_http_exception(self, error: HTTPException):
        data = getattr(error, "data", None) or {}
        errors = data.get("errors") or data.get("messages")
        flat = flatten_messages(errors) if errors else None
        detail = data.get("message") or error.description
        if error.code == 422 and flat and not data.get("message"):
            detail = "The request has invalid fields; see errors."
        headers = dict(data.get("headers") or {})
        if error.code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
            headers["Allow"] = ", ".join(error.valid_methods)
        return problem_response(error.code or 500, detail, flat, headers)

    def handle_service_error(self, error: ServiceError):
        return problem_response(error.status, error.detail, error.errors or None)
