"""Session login and logout for the web pages (forms carry a CSRF token)."""

import logging

from flask import Blueprint, g, redirect, render_template, request, session, url_for

from sib.auth import service
from sib.extensions import db

logger = logging.getLogger(__name__)
blueprint = Blueprint("auth_pages", __name__, template_folder="templates")
#: one message for every failure, so a caller learns nothing about which part was wrong
FAILED = "Wrong email or password, or too many attempts: wait a little and try again."


def _local(target: str | None) -> str:
    # Only paths on this site: an absolute or scheme-relative URL would be an open redirect.
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("auth_pages.account")


@blueprint.get("/login")
def login_form():
    return render_template("auth/login.html", next=request.args.get("next", ""), email="")


@blueprint.post("/login")
def login():
    email = request.form.get("email", "")
    user = service.user_for_login(email, request.form.get("password", ""), service.now())
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
