"""The app factory's body: binds extensions, registers blueprints, error handlers and commands."""

import logging
from pathlib import Path

from flask import Flask, g, request

from config import BASE_DIR, ProductionConfig, config_from_env
from sib.extensions import api, db, migrate
from sib.fields import register_fields
from sib.ops.request_log import bounded_request_id
from sib.problems import ServiceError
from sib.sqlite import make_transactions_real


def build_app(config_class=None) -> Flask:
    """Create and configure the application."""
    config_class = config_class or config_from_env()
    if issubclass(config_class, ProductionConfig):
        config_class.check()
    app = Flask("sib", instance_path=config_class.INSTANCE_PATH)
    app.config.from_object(config_class)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    logging.basicConfig(
        level=app.config["LOG_LEVEL"], format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )

    db.init_app(app)
    with app.app_context():
        make_transactions_real(db.engine)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"))
    api.init_app(app)
    register_fields(api)
    app.register_error_handler(ServiceError, api.handle_service_error)
    _register_request_id(app)
    _register_features(app)
    # After authentication (registered with the features): out-of-bounds ids, query values
    # and JSON bodies answer 4xx before any view parses them (issue 9).
    from sib import input_bounds

    input_bounds.init_app(app)
    if app.config.get("TRUSTED_PROXY_HOPS"):
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["TRUSTED_PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    return app


def _register_request_id(app: Flask) -> None:
    @app.before_request
    def assign_request_id():
        g.request_id = bounded_request_id(request.headers.get("X-Request-Id"))

    @app.after_request
    def echo_request_id(response):
        if "request_id" in g:
            response.headers["X-Request-Id"] = g.request_id
        return response


def _register_features(app: Flask) -> None:
    # Feature imports live here so that importing a package never drags in the others.
    from contracts import api as contracts_api
    from contracts import cli as contracts_cli
    from sib import docs_ui

    app.register_blueprint(docs_ui.blueprint)
    api.register_blueprint(contracts_api.blp)
    for command in contracts_cli.commands:
        app.cli.add_command(command)

    # Who may do what (issue 3): authentication, users and tokens, the audit log's API.
    from contracts import access as contracts_access
    from contracts import history_api
    from sib import access, audit_api, audit_cli
    from sib.auth import api as auth_api
    from sib.auth import cli as auth_cli
    from sib.auth import pages as auth_pages

    access.init_app(app)
    from sib import audit_keys  # issue 12: the audit log's key, outside the database

    audit_keys.init_app(app)
    access.register_scope("reference", contracts_access.visible_contract)
    app.register_blueprint(auth_pages.blueprint)
    api.register_blueprint(auth_api.blp)
    api.register_blueprint(audit_api.blp)
    api.register_blueprint(history_api.blp)
    for command in (*auth_cli.commands, *audit_cli.commands):
        app.cli.add_command(command)

    # Payment runs, statements and the scheduler (issue 5).
    from outcomes import schedule as outcomes_schedule
    from outcomes.deadlines import api as deadlines_api
    from outcomes.payments import api as payments_api
    from outcomes.payments import cli as payments_cli
    from outcomes.statements import api as statements_api
    from sib.scheduler import api as scheduler_api

    api.register_blueprint(payments_api.blp)
    api.register_blueprint(statements_api.blp)
    api.register_blueprint(scheduler_api.blp)
    api.register_blueprint(deadlines_api.blp)
    from outcomes import demo as outcomes_demo

    for command in (*payments_cli.commands, *outcomes_schedule.commands, *outcomes_demo.commands):
        app.cli.add_command(command)

    # Outcome data from Excel (issue 4): template, uploads, verification, figures in force.
    from outcomes.submissions import api as submissions_api
    from outcomes.submissions import cli as submissions_cli

    api.register_blueprint(submissions_api.blp)
    for command in submissions_cli.commands:
        app.cli.add_command(command)
    # Maker-checker (issue 9): the organisation that uploaded a submission never verifies it.
    from outcomes.submissions.models import Submission

    access.register_maker(
        "submission.verify", "submission_id", Submission.uploaded_by_organisation_id
    )

    # Operations (issue 11): JSON request log, 503 on a lost database, probes, `sib db backup`.
    from sib.ops import register as ops

    ops.init_app(app)

    # Web pages (issue 10): server-rendered, Swedish and English (flask-babel).
    from sib.web import setup as web

    web.init_app(app)
