"""Authentication of every request and the one decorator that guards each view.

The API authenticates by bearer token only (so it needs no CSRF defence); pages by a session
cookie, with CSRF checked on every unsafe page request. What a role may do is `sib.policy`'s.
"""

import functools
import logging
from collections.abc import Callable
from datetime import timedelta

from flask import Flask, current_app, g, redirect, request, session, url_for
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import InstrumentedAttribute
from werkzeug.exceptions import Forbidden

from sib import policy
from sib.actor import Actor
from sib.auth import service
from sib.auth.models import User
from sib.extensions import api, db
from sib.problems import NotFoundError, ServiceError, problem_response

logger = logging.getLogger(__name__)
csrf = CSRFProtect()
#: blueprints under the API prefix that answer without authentication (the OpenAPI document,
#: the docs page and its assets)
PUBLIC_BLUEPRINTS = frozenset({"api-docs", "docs_assets"})
#: last_used_at is written at most this often per token, so reads do not each cost a write
LAST_USED_GRANULARITY = timedelta(minutes=1)


def init_app(app: Flask) -> None:
    """Authenticate every request; check CSRF on unsafe page requests (never on the API)."""
    # flask-wtf's own hook would check the API too, where bearer tokens make CSRF moot.
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    csrf.init_app(app)
    app.before_request(_authenticate)
    # The docs page offers "Authorize" for a token, and the document says every call needs one.
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "description": "An API token: sib_..."}
    )
    api.spec.options["security"] = [{"bearerAuth": []}]


def _is_api() -> bool:
    return request.path.startswith(current_app.config["OPENAPI_URL_PREFIX"] + "/") or (
        request.path == current_app.config["OPENAPI_URL_PREFIX"]
    )


def _authenticate():
    # A request may share an app context with an earlier one (tests, CLI): start from nobody.
    g.pop("actor", None)
    g.pop("sib_action", None)
    if not _is_api():
        _load_session_actor()
        if current_app.config.get("WTF_CSRF_ENABLED", True):
            csrf.protect()
        return None
    if request.blueprint in PUBLIC_BLUEPRINTS:
        return None
    actor = _bearer_actor()
    if actor is None:
        return _unauthorised()
    g.actor = actor
    if request.endpoint and not _has_rule():
        logger.error("view %s has no @guard; refusing it", request.endpoint)
        return problem_response(403, "This endpoint has no access rule yet.")
    return None


def _bearer_actor() -> Actor | None:
    scheme, _, plain = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not plain.strip():
        return None
    at = service.now()
    token = service.token_for(plain.strip(), at)
    if token is None:
        return None
    actor = actor_for(token.user)
    last = token.last_used_at
    if last is None or at - last >= LAST_USED_GRANULARITY:
        token.last_used_at = at
        # Its own commit, before the view: a view that fails still leaves the use recorded.
        # Best effort: on SQLite another worker may hold the write lock; the request goes on.
        try:
            db.session.commit()
        except OperationalError:
            db.session.rollback()
    return actor


def _unauthorised():
    detail = "Send a valid API token: Authorization: Bearer <token>."
    challenge = 'Bearer realm="sib"'
    if request.headers.get("Authorization"):
        detail = "The token is malformed, unknown, expired or revoked."
        challenge += ', error="invalid_token"'
    return problem_response(401, detail, headers={"WWW-Authenticate": challenge})


def _has_rule() -> bool:
    view = current_app.view_functions.get(request.endpoint)
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        method = "get" if request.method == "HEAD" else request.method.lower()
        view = getattr(view_class, method, None)
    return view is None or hasattr(view, "sib_action")


def _load_session_actor() -> None:
    user_id = session.get("user_id")
    if user_id is None:
        return
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        session.clear()
        return
    g.actor = actor_for(user)


def actor_for(user: User) -> Actor:
    """The actor a user acts as."""
    return Actor(
        label=f"user:{user.email}",
        user_id=user.id,
        organisation_id=user.organisation_id,
        roles=user.roles,
    )


#: URL variables naming something whose access the guard checks before the view runs (and so
#: before its arguments are parsed): variable -> check(value, action), raising 404 or 403.
#: The app factory registers them, e.g. "reference" -> contracts.access.visible_contract.
_SCOPES: dict[str, Callable[[str, str], object]] = {}


def register_scope(variable: str, check: Callable[[str, str], object]) -> None:
    """Have every guarded view with this URL variable checked by `check(value, action)`."""
    _SCOPES[variable] = check


#: actions that check another organisation's work (policy.CHECKS) -> (URL variable, the column
#: holding the organisation that made the record it names): the guard refuses that organisation.
_MAKERS: dict[str, tuple[str, InstrumentedAttribute]] = {}


def register_maker(action: str, variable: str, column: InstrumentedAttribute) -> None:
    """Refuse `action` on the record named by URL `variable` to the organisation in `column`.

    `column` is a mapped attribute of the record's model (whose primary key is `id`), e.g.
    `Submission.uploaded_by_organisation_id` for "submission.verify" and "submission_id".
    """
    _MAKERS[action] = (variable, column)


def _check_maker(actor: Actor, action: str, kwargs: dict) -> None:
    variable, column = _MAKERS.get(action, (None, None))
    if variable not in kwargs:
        return
    maker = db.session.scalar(select(column).where(column.class_.id == kwargs[variable]))
    if policy.ALL not in policy.reaches(actor, action) and policy.is_own_work(actor, action, maker):
        _forbid(f"Your organisation made this record, so another must do {action} (maker-checker).")


def guard(action: str):
    """Guard a view with an action of the policy matrix (an unknown action fails at import)."""
    policy.check_action(action)

    def decorate(view):
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            actor = g.get("actor")
            if actor is None:
                return redirect(url_for("auth_pages.login_form", next=request.full_path))
            if not policy.may_attempt(actor, action):
                _forbid(f"Your role may not do {action}.")
            g.sib_action = action
            for variable, check in _SCOPES.items():
                if variable in kwargs:
                    check(kwargs[variable], action)
            _check_maker(actor, action, kwargs)
            return view(*args, **kwargs)

        guarded.sib_action = action
        return guarded

    return decorate


def _forbid(detail: str):
    if _is_api():
        raise ServiceError(detail, status=403)
    raise Forbidden(detail)


def require(
    action: str,
    standing: policy.Standing | None = None,
    organisation_id: int | None = None,
    *,
    not_found: str = "Not found.",
) -> None:
    """Raise 404 or 403 unless the current actor may do the action there (see policy.decide).

    Give `not_found` the same words a missing record gets, so the two cannot be told apart.
    """
    outcome = policy.decide(current_actor(), action, standing, organisation_id)
    if outcome == 404:
        raise NotFoundError(not_found)
    if outcome == 403:
        _forbid(f"Your organisation's standing does not allow {action} here.")


def current_action(default: str) -> str:
    """The action of the guarded view being served, else the default."""
    return g.get("sib_action", default)


def current_actor() -> Actor:
    """The actor of the current request (a user); outside a user's request, an error."""
    actor = g.get("actor")
    if actor is None:
        raise ServiceError("Authentication required.", status=401)
    return actor
