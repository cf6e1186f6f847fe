"""Admin pages: users and their roles, API tokens (the value shown once), passwords."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from contracts.models import Organisation
from sib import policy
from sib.access import current_actor, guard
from sib.auth import service
from sib.auth.models import ApiToken, User
from sib.extensions import db
from sib.problems import ServiceError
from sib.web.blueprints import pages_blueprint

blueprint = pages_blueprint("web_admin", __name__, url_prefix="/admin")


@blueprint.get("/users")
@guard("user.list")
def users():
    listed = db.session.scalars(select(User).order_by(User.email)).all()
    return render_template("web/users.html", users=listed, organisations=_organisations(),
                           roles=policy.ROLES, names=_organisation_names())  # fmt: skip


@blueprint.post("/users")
@guard("user.create")
def create_user():
    form = request.form
    try:
        user = service.create_user(
            form.get("email", ""), form.get("name", "").strip(),
            int(form.get("organisation") or 0), form.getlist("roles"), current_actor(),
            password=form.get("password") or None,
        )  # fmt: skip
    except ServiceError as error:
        db.session.rollback()
        flash(_problems(error), "error")
        return redirect(url_for(".users"), 303)
    db.session.commit()
    flash(_("User %(email)s created.", email=user.email))
    return redirect(url_for(".user", user_id=user.id), 303)


@blueprint.get("/users/<int:user_id>")
@guard("user.list")
def user(user_id):
    found = service.user_by_id(user_id)
    tokens = db.session.scalars(select(ApiToken).where(ApiToken.user_id == found.id)
                                .order_by(ApiToken.id.desc())).all()  # fmt: skip
    return render_template("web/user.html", user=found, tokens=tokens, plain=None,
                           names=_organisation_names(), now=service.now())  # fmt: skip


@blueprint.post("/users/<int:user_id>/tokens")
@guard("token.create")
def create_token(user_id):
    found = service.user_by_id(user_id)
    days = request.form.get("days", type=int) or current_app.config["TOKEN_DAYS"]
    token, plain = service.create_token(
        found, current_actor(), name=request.form.get("name") or "web", days=days
    )
    db.session.commit()
    tokens = db.session.scalars(select(ApiToken).where(ApiToken.user_id == found.id)
                                .order_by(ApiToken.id.desc())).all()  # fmt: skip
    # Rendered, not redirected: the plain value exists only in this answer.
    response = render_template("web/user.html", user=found, tokens=tokens, plain=plain,
                               names=_organisation_names(), now=service.now())  # fmt: skip
    return response, 201, {"Cache-Control": "no-store"}


@blueprint.post("/tokens/<int:token_id>/revoke")
@guard("token.revoke")
def revoke_token(token_id):
    token = service.token_by_id(token_id)
    service.revoke_token(token, current_actor())
    db.session.commit()
    flash(_("Token %(prefix)s revoked.", prefix=token.prefix))
    return redirect(url_for(".user", user_id=token.user_id), 303)


@blueprint.post("/users/<int:user_id>/password")
@guard("user.set_password")
def set_password(user_id):
    found = service.user_by_id(user_id)
    try:
        service.set_password(found, request.form.get("password", ""), current_actor())
    except ServiceError as error:
        db.session.rollback()
        flash(_problems(error), "error")
        return redirect(url_for(".user", user_id=found.id), 303)
    db.session.commit()
    flash(_("The password of %(email)s is set.", email=found.email))
    return redirect(url_for(".user", user_id=found.id), 303)


def _problems(error: ServiceError) -> str:
    details = "; ".join(f"{e['path'].removeprefix('$.')}: {e['message']}" for e in error.errors)
    return f"{error.detail} {details}".strip()


def _organisations() -> list[Organisation]:
    return db.session.scalars(select(Organisation).order_by(Organisation.name)).all()


def _organisation_names() -> dict[int, str]:
    return {o.id: o.name for o in _organisations()}
