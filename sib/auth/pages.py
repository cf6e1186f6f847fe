"""Session login and logout for the web pages (forms carry a CSRF token)."""

import logging
from urllib.parse import urlsplit

from flask import Blueprint, g, redirect, render_template, request, session, url_for

from sib.auth import service
from sib.auth.login import user_for_login
from sib.extensions import db

logger = logging.getLogger(__name__)
blueprint = Blueprint("auth_pages", __name__, template_folder="templates")
#: one message for every failure, so a caller learns nothing about which part was wrong
FAILED = "Wrong email or password, or too many attempts: wait a little and try again."


def _local(target: str | None) -> str:
    """The `next` page when it is a path on this site, else the account page."""
    return target if target and is_same_site_path(target) else url_for("auth_pages.account")


def is_same_site_path(target: str) -> bool:
    """Whether a redirect target can only lead to a page of this site.

    An absolute or scheme-relative URL would be an open redirect. Browsers read a backslash
    as a slash and drop tabs and newlines, so `/%09/evil.example` ends up as `//evil.example`:
    control characters and backslashes are refused outright rather than cleaned.
    """
    if any(ch == "\\" or ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F for ch in target):
        return False
    if not target.startswith("/") or target.startswith("//"):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


@blueprint.get("/login")
def login_form():
    return render_template("auth/login.html", next=request.args.get("next", ""), email="")


@blueprint.post("/login")
def login():
    email = request.form.get("email", "")
    client = request.remote_addr or "unknown"
    user = user_for_login(email, request.form.get("password", ""), client, service.now())
    db.session.commit()  # keeps the failure count, or its reset
    if user is None:
        logger.info("failed login for a submitted email")
        page = render_template(
            "auth/login.html", next=request.args.get("next", ""), email=email, message=FAILED
        )
        return page, 401
    session.clear()
    session["user_id"] = user.id
    return redirect(_local(request.args.get("next")))


@blueprint.post("/logout")
def logout():
    session.clear()
    return redirect(url_for("auth_pages.login_form"))


@blueprint.get("/account")
def account():
    if g.get("actor") is None:
        return redirect(url_for("auth_pages.login_form", next=request.path))
    return render_template("auth/signed_in.html", actor=g.actor)
