"""Wire the operations features into the app: request log, 503s, probes, `sib db backup`."""

from flask import Flask
from flask_migrate.cli import db as db_commands

from sib.ops import backup, health, request_log, unavailable


def init_app(app: Flask) -> None:
    """Register the request log, the database-outage answers, the probes and the backup."""
    request_log.init_app(app)
    unavailable.init_app(app)
    app.register_blueprint(health.blueprint)
    # `sib db ...` is Flask-Migrate's group; the backup belongs beside upgrade and check.
    db_commands.add_command(backup.backup_command)
