"""The business day the service acts on: today in UTC, or the configured `TODAY`.

The demo and the tests set `TODAY` (e.g. `SIB_TODAY=2031-06-30`) so that a contract whose
periods lie ahead can be settled; production refuses the setting (config.ProductionConfig).
"""

from datetime import UTC, date, datetime

from flask import current_app, has_app_context


def today() -> date:
    """The day payment dates and settlement dates are compared with."""
    configured = current_app.config.get("TODAY") if has_app_context() else None
    if configured:
        return configured if isinstance(configured, date) else date.fromisoformat(configured)
    return datetime.now(UTC).date()
