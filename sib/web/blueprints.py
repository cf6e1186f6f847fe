"""Blueprints of pages: their errors render as an HTML page, not as a problem document."""

from flask import Blueprint, g, render_template
from werkzeug.exceptions import HTTPException

from sib.problems import ServiceError


def pages_blueprint(name: str, import_name: str, **options) -> Blueprint:
    """A blueprint whose errors are HTML pages.

    The handlers are bound when the blueprint is made, once per process: Flask refuses them
    on a blueprint already registered, and a process may build more than one app.
    """
    blueprint = Blueprint(name, import_name, **options)
    blueprint.register_error_handler(ServiceError, _service_error)
    blueprint.register_error_handler(HTTPException, _http_error)
    return blueprint


def error_page(status: int, detail: str | None):
    g.error_detail = detail
    return render_template("web/error.html", status=status, detail=detail), status


def _service_error(error: ServiceError):
    return error_page(error.status, error.detail)


def _http_error(error: HTTPException):
    return error_page(error.code or 500, error.description)
