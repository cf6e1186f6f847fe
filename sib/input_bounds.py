"""Bounds on what a request may carry, checked before any view, parser or database sees it.

Numbers and dates that no record can have would otherwise reach Python's `date` arithmetic,
the decimal context or the database's integer columns and fail there as a 500. Here they are
refused once, for every route, as a problem document naming the parameter:

- ids in the URL path (`<int:...>`): at most MAX_ID, the largest PostgreSQL `integer` (404);
- query parameters: whole numbers of at most MAX_QUERY_DIGITS digits, dates from EARLIEST_DAY
  to LATEST_DAY (422);
- JSON bodies: nested at most MAX_JSON_DEPTH deep (400); numbers of at most MAX_NUMBER_DIGITS
  digits and an exponent of at most MAX_EXPONENT; dates as above (422).

Decimal strings inside bodies are bounded by their fields (sib.fields.DecimalString).
"""

import json
import re

from flask import Flask, abort, current_app, request

from sib.problems import problem_response

#: the largest value of a PostgreSQL `integer` column (every id and version number)
MAX_ID = 2**31 - 1
#: digits of a whole-number query parameter (page, after, ...); keeps page x page_size in int8
MAX_QUERY_DIGITS = 15
#: ISO dates a request may name; beyond them there is no contract and `date` arithmetic breaks
EARLIEST_DAY, LATEST_DAY = "1900-01-01", "2999-12-31"
#: levels of arrays and objects in a JSON body (a terms document needs fewer than ten)
MAX_JSON_DEPTH = 64
#: significant digits and exponent of a JSON number
MAX_NUMBER_DIGITS, MAX_EXPONENT = 40, 40

WHOLE_NUMBER = re.compile(r"[+-]?([0-9]+)")
ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


#: PostgreSQL text cannot hold U+0000, and no field of ours has a use for it
NUL = "must not contain a NUL character (U+0000)"


def init_app(app: Flask) -> None:
    """Check every request's path ids, query and JSON body before its view runs."""
    app.before_request(check_request)


def check_request():
    """The refusal for a request out of bounds, or None to go on."""
    for name, value in (request.view_args or {}).items():
        if isinstance(value, str) and "\x00" in value:
            return _refusal(404, f"No such record: {name} never holds a NUL character.",
                            [{"path": f"path.{name}", "message": NUL}])  # fmt: skip
        if isinstance(value, int) and not 0 <= value <= MAX_ID:
            return _refusal(
                404,
                f"No such record: {name} is never above {MAX_ID}.",
                [{"path": f"path.{name}", "message": f"a whole number from 1 to {MAX_ID}"}],
            )
    problems = [
        {"path": f"query.{name}", "message": message}
        for name, value in request.args.items(multi=True)
        if (message := _query_problem(value))
    ]
    problems += [
        {"path": f"form.{name}", "message": NUL}
        for name, value in request.form.items(multi=True)
        if "\x00" in name or "\x00" in value
    ]
    if problems:
        return _refusal(422, "The request has invalid fields; see errors.", problems)
    if request.is_json:
        return _check_json(request.get_data(cache=True))
    return None


def _query_problem(value: str) -> str | None:
    if "\x00" in value:
        return NUL
    number = WHOLE_NUMBER.fullmatch(value.strip())
    if number and len(number.group(1).lstrip("0")) > MAX_QUERY_DIGITS:
        return f"a whole number of at most {MAX_QUERY_DIGITS} digits"
    return _day_problem(value.strip())


def _day_problem(text: str) -> str | None:
    if ISO_DAY.fullmatch(text) and not EARLIEST_DAY <= text <= LATEST_DAY:
        return f"a date from {EARLIEST_DAY} to {LATEST_DAY}"
    return None


class _Refused:
    """Stands in for a JSON number or constant out of bounds, so the walk can name its path."""

    def __init__(self, text: str, message: str):
        self.text, self.message = text, message


def _number(text: str):
    return _Refused(text, message) if (message := _number_problem(text)) else 0


def _constant(text: str):
    return _Refused(text, "a JSON number (NaN and Infinity are not)")


def _check_json(body: bytes):
    try:
        document = json.loads(
            body, parse_int=_number, parse_float=_number, parse_constant=_constant
        )
    except RecursionError:
        return _too_deep()
    except ValueError:
        return None  # not JSON at all: the view's parser says so
    return _check_tree(document)


def _check_tree(document):
    # Iterative, so that checking a deep document cannot itself run out of stack.
    stack = [(document, "$", 1)]
    while stack:
        value, path, depth = stack.pop()
        if isinstance(value, dict | list) and depth > MAX_JSON_DEPTH:
            return _too_deep()
        if isinstance(value, dict):
            if any("\x00" in key for key in value):
                return _nul(path)
            stack.extend((item, f"{path}.{key}", depth + 1) for key, item in value.items())
        elif isinstance(value, list):
            stack.extend((item, f"{path}[{n}]", depth + 1) for n, item in enumerate(value))
        elif isinstance(value, _Refused):
            return _refuse(path, value.text, value.message)
        elif isinstance(value, str) and "\x00" in value:
            return _nul(path)
        elif isinstance(value, str) and (message := _day_problem(value)):
            return _refuse(path, value, message)
    return None


def _number_problem(text: str) -> str | None:
    mantissa, _, exponent = text.lower().partition("e")
    digits = mantissa.lstrip("-").replace(".", "").lstrip("0")
    exponent = exponent.lstrip("+-").lstrip("0")
    if len(digits) > MAX_NUMBER_DIGITS or len(exponent) > 3 or int(exponent or 0) > MAX_EXPONENT:
        return f"a number of at most {MAX_NUMBER_DIGITS} digits and exponent {MAX_EXPONENT}"
    return None


def _too_deep():
    detail = f"The JSON body nests deeper than {MAX_JSON_DEPTH} levels."
    return _refusal(400, detail, [{"path": "$", "message": detail}])


def _refuse(path: str, text: str, message: str):
    shown = text[:24] + ("..." if len(text) > 24 else "")
    return _refusal(
        422,
        "The request has invalid fields; see errors.",
        [{"path": path, "message": f"{shown!r} is out of bounds: must be {message}"}],
    )


def _nul(path: str):
    return _refusal(422, "The request has invalid fields; see errors.",
                    [{"path": path, "message": NUL}])  # fmt: skip


def _refusal(status: int, detail: str, errors: list[dict]):
    """A problem document for the API; for a page, the pages' own error page (HTML)."""
    if request.path.startswith(current_app.config["OPENAPI_URL_PREFIX"] + "/"):
        return problem_response(status, detail, errors)
    messages = "; ".join(f"{e['path']}: {e['message']}" for e in errors)
    abort(status, description=f"{detail} {messages}")
