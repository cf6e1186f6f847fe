"""Completes the generated OpenAPI document so it is valid and says what the API really does.

flask-smorest documents what the decorators declare; this module adds what every operation
shares (issue 11): the problem+json errors each may answer, a description on every response,
the X-Pagination header as the JSON string it is, the content of answers that views build
themselves (a workbook on an `.xlsx` path, else JSON; errors as problems), and the request
bodies no marshmallow schema describes (a terms document, an outcome values document).
Documentation only: nothing here changes how a request is answered.
"""

from copy import deepcopy
from http import HTTPStatus

from sib.problems import PROBLEM_TYPE, ProblemApi

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
METHODS = ("get", "put", "post", "delete", "patch")
#: errors any operation may answer: bad or oversized query values, no or a bad token, a role
#: that may not, an unseen record, invalid input, the database gone for a moment
ALWAYS = (400, 401, 403, 404, 422, 503)
#: errors of operations that take a body: a conflicting write, too large, not JSON/a form
WITH_BODY = (409, 413, 415)

PROBLEM_EXAMPLE = {
    "type": "about:blank",
    "title": "Unprocessable Entity",
    "status": 422,
    "detail": "The request has invalid fields; see errors.",
    "errors": [{"path": "$.period", "message": "Missing data for required field."}],
}

_DECIMAL = {"type": "string", "format": "decimal", "example": "57.5"}
_LIST = {"type": "array", "items": {"type": "object"}}

#: a terms document's top level (TERMS.md, Top level); the engine validates the rest and
#: answers 422 with every problem and its JSON path
TERMS_DOCUMENT = {
    "type": "object",
    "description": "A terms document (sib-terms/1); see docs/terms.md for every field.",
    "required": ["format", "reference", "title", "currency", "starts_on", "ends_on"],
    "properties": {
        "format": {"type": "string", "enum": ["sib-terms/1"]},
        "reference": {"type": "string", "example": "BOT-NAC-2027"},
        "title": {"type": "string"},
        "description": {"type": "string"},
        "currency": {"type": "string", "description": "ISO 4217 code", "example": "SEK"},
        "rounding": {"type": "string", "enum": ["half_up", "half_even"]},
        "starts_on": {"type": "string", "format": "date"},
        "ends_on": {"type": "string", "format": "date"},
        "terminated_on": {"type": "string", "format": "date"},
        "organisations": {**_LIST, "description": "[{id, name, kind, org_number?}]"},
        "parties": {**_LIST, "description": "roles of organisations on this contract"},
        "tranches": {**_LIST, "description": "investor tranches in repayment order"},
        "metrics": {**_LIST, "description": "what is measured"},
        "periods": {**_LIST, "description": "measurement periods or cohorts, in order"},
        "terms": {**_LIST, "description": "how measures become payments, in order"},
        "payer_shares": {"type": "object", "additionalProperties": _DECIMAL},
        "caps": {"type": "object", "description": "{outcome_total?, per_participant?}"},
        "guarantees": {**_LIST, "description": "minimum repayments to investors"},
        "surplus": {"type": "string", "enum": ["retained", "provider", "investors"]},
    },
}

#: the payment engine's input (TERMS.md, Outcome values)
OUTCOME_VALUES = {
    "type": "object",
    "description": "Outcome values: the payment engine's input (docs/terms.md).",
    "properties": {
        "values": {
            "type": "object",
            "description": "aggregate metric values per period: {period: {metric: value}}",
            "additionalProperties": {"type": "object", "additionalProperties": _DECIMAL},
        },
        "participants": {
            **_LIST,
            "description": "participant-level outcomes: {participant, metric, period, achieved_on}",
        },
        "drawdowns": {**_LIST, "description": "capital calls: {investor, on, amount}"},
        "through": {"type": "string", "description": "the last period to settle"},
    },
    "example": {
        "values": {"2027": {"SAFE": "57.5"}, "2028": {"SAFE": "59"}},
        "participants": [
            {
                "participant": "p-81f3",
                "metric": "EMP6",
                "period": "2027",
                "achieved_on": "2027-10-02",
            }
        ],  # fmt: skip
        "drawdowns": [{"investor": "fund", "on": "2027-01-15", "amount": "8000000"}],
        "through": "2028",
    },
}

TERMS_BODY = {
    "required": True,
    "description": "A terms document (sib-terms/1), see docs/terms.md",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/TermsDocument"}}},
}
OUTCOME_VALUES_BODY = {
    "required": True,
    "description": "An outcome values document (TERMS.md, Outcome values)",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/OutcomeValues"}}},
}

PAGINATION_HEADER = {
    "description": "Pagination metadata: a JSON object written as a string, with the members "
    "of the PaginationMetadata schema (total, total_pages, first_page, last_page, page, "
    "previous_page, next_page).",
    "schema": {"type": "string"},
    "example": '{"total": 42, "total_pages": 3, "first_page": 1, "last_page": 3, "page": 1, '
    '"next_page": 2}',
}


def json_response_doc(schema: dict) -> dict:
    """`@blp.doc` keywords documenting a 200 JSON answer that a view builds itself."""
    return {"responses": {"200": {"content": {"application/json": {"schema": schema}}}}}


def problem_response(status: int) -> dict:
    """A documented error: a problem document of this status."""
    content = {"schema": {"$ref": "#/components/schemas/Problem"}}
    if status == 422:
        content["example"] = PROBLEM_EXAMPLE
    return {"description": HTTPStatus(status).phrase, "content": {PROBLEM_TYPE: content}}


def complete(document: dict) -> dict:
    """A copy of the generated document, completed (see the module's docstring)."""
    document = deepcopy(document)
    components = document.setdefault("components", {})
    components.setdefault("schemas", {}).update(
        TermsDocument=TERMS_DOCUMENT, OutcomeValues=OUTCOME_VALUES
    )
    responses = components.setdefault("responses", {})
    for response in responses.values():
        _as_problem(response)
    for status in (*ALWAYS, *WITH_BODY):
        responses[HTTPStatus(status).name] = problem_response(status)
    if "PAGINATION" in components.get("headers", {}):
        components["headers"]["PAGINATION"] = PAGINATION_HEADER
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if method in METHODS:
                _complete_operation(path, operation)
    return document


def _as_problem(response: dict) -> None:
    """Errors are application/problem+json, not application/json."""
    content = response.get("content", {})
    if "application/json" in content and "Problem" in str(content["application/json"]):
        content[PROBLEM_TYPE] = content.pop("application/json")


def _complete_operation(path: str, operation: dict) -> None:
    responses = operation.setdefault("responses", {})
    for code, response in responses.items():
        if "$ref" not in response:
            _as_problem(response)
            phrase = HTTPStatus(int(code)).phrase if code.isdigit() else "Error"
            response.setdefault("description", phrase)
            if "content" not in response and code != "204":
                response["content"] = _content_of(path, code)
    statuses = ALWAYS + (WITH_BODY if "requestBody" in operation else ())
    for status in statuses:
        name = HTTPStatus(status).name
        responses.setdefault(str(status), {"$ref": f"#/components/responses/{name}"})


def _content_of(path: str, code: str) -> dict:
    """The content of a response a view builds itself (`content_type=` without a schema)."""
    if not code.startswith("2"):
        return problem_response(int(code) if code.isdigit() else 500)["content"]
    if path.endswith(".xlsx"):
        return {XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}}}
    return {"application/json": {"schema": {"type": "object"}}}


class DocumentedApi(ProblemApi):
    """ProblemApi whose OpenAPI document is completed by `complete` whenever it is written."""

    def _init_spec(self, *args, **kwargs):
        super()._init_spec(*args, **kwargs)
        generate = self.spec.to_dict
        self.spec.to_dict = lambda: complete(generate())
