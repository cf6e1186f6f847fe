"""Serves the Swagger UI assets from the swagger-ui-bundle package, so the docs work offline."""

from flask import Blueprint
from swagger_ui_bundle import swagger_ui_path

blueprint = Blueprint(
    "docs_assets",
    __name__,
    static_folder=swagger_ui_path,
    static_url_path="/api/v1/docs/assets",
)
