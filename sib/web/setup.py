"""Binds the pages to the app: babel (Swedish default, English), filters, error pages."""

from datetime import date
from decimal import Decimal
from pathlib import Path

from flask import Flask, g, request
from flask_babel import (
    Babel,
    format_currency,
    format_date,
    format_datetime,
    format_decimal,
    format_percent,
    get_locale,
    refresh,
)
from flask_wtf.csrf import CSRFError

from sib.web import masking, words
from sib.web.blueprints import error_page

LANGUAGES = ("sv", "en")
LANG_COOKIE = "lang"
HERE = Path(__file__).resolve().parent
babel = Babel()


def select_locale() -> str:
    """The language chosen with the switch (a cookie, which outlives sign-in), else Swedish."""
    chosen = request.cookies.get(LANG_COOKIE) if request else None
    return chosen if chosen in LANGUAGES else "sv"


def init_app(app: Flask) -> None:
    """Register the pages' blueprints, babel, the template filters and HTML error pages."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "sv")
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Europe/Stockholm")
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(HERE / "translations")
    babel.init_app(app, locale_selector=select_locale)
    # The locale is cached on the app context, which several requests share in tests and CLI.
    app.before_request(refresh)
    app.jinja_env.filters.update(
        money=money,
        number=number,
        day=day,
        moment=moment,
        short=masking.short_hash,
        masked=masking.masked,
        isodate=isodate,
        percent=percent,
    )
    app.jinja_env.globals.update(
        role_name=words.role_name,
        status_name=words.status_name,
        answer_name=words.answer_name,
        action_name=words.action_name,
        line_kind=words.line_kind,
        allowed=allowed,
    )
    app.jinja_env.globals["current_lang"] = select_locale
    from sib.web import admin, amendments, auditor, contract, runs, start, statements, submissions

    for module in (start, contract, amendments, submissions, runs, statements, auditor, admin):
        app.register_blueprint(module.blueprint)
    app.register_error_handler(CSRFError, _csrf_error)


def allowed(action: str, contract=None) -> bool:
    """Whether the signed-in user may do the action (on the contract): for showing a button.

    The view behind the button checks again; this only spares a form that would answer 403.
    """
    from contracts.access import standing_of
    from sib import policy

    actor = g.get("actor")
    if actor is None:
        return False
    standing = standing_of(actor.organisation_id, contract) if contract is not None else None
    return policy.decide(actor, action, standing) == policy.ALLOW


def money(value, currency: str = "SEK", whole: bool = False) -> str:
    """An amount in the page's language (sv: 1 234 567,00 kr); a dash for nothing.

    `whole` drops the decimals of a whole amount (150 000 kr), for terms and chart axes.
    """
    if value is None or value == "":
        return "–"
    value = Decimal(str(value))
    if whole and value == value.to_integral_value():
        pattern = get_locale().currency_formats["standard"].pattern.replace(".00", "")
        return format_currency(value, currency, format=pattern, currency_digits=False)
    return format_currency(value, currency)


def number(value) -> str:
    if value is None or value == "":
        return "–"
    return format_decimal(value)


def day(value) -> str:
    return "–" if value is None else format_date(value, "medium")


def isodate(value) -> str:
    """An ISO date string (as in a terms document) written as a date of the page's language."""
    return day(date.fromisoformat(value)) if value else "–"


def percent(value) -> str:
    """A fraction of 1 as a percentage (0.45: 45 %)."""
    if value is None or value == "":
        return ""
    return format_percent(Decimal(str(value)), "#,##0.##%")


def moment(value) -> str:
    return "–" if value is None else format_datetime(value, "short")


def _csrf_error(error: CSRFError):
    if request.path.startswith("/api/"):
        return error
    return error_page(400, error.description)
