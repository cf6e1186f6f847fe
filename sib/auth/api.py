"""The users and tokens API: who am I; for admins, users and their tokens."""

from flask import current_app
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import func, select

from sib.access import current_actor, guard
from sib.auth import service
from sib.auth.models import ApiToken, User
from sib.auth.schemas import (
    IssuedTokenSchema,
    MeSchema,
    NewPasswordSchema,
    NewTokenSchema,
    NewUserSchema,
    TokenSchema,
    UserSchema,
)
from sib.extensions import db

blp = Blueprint("auth", __name__, url_prefix="/api/v1", description="Users and API tokens")


@blp.route("/me")
class Me(MethodView):
    @guard("me.read")
    @blp.response(200, MeSchema)
    def get(self):
        """Who the token belongs to: the user, the organisation and the roles."""
        actor = current_actor()
        return {
            "user": service.user_by_id(actor.user_id),
            "organisation_id": actor.organisation_id,
            "roles": sorted(actor.roles),
        }


@blp.route("/users")
class Users(MethodView):
    @guard("user.list")
    @blp.response(200, UserSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters):
        """List users (admins)."""
        pagination_parameters.item_count = db.session.scalar(select(func.count(User.id)))
        return db.session.scalars(
            select(User)
            .order_by(User.id)
            .limit(pagination_parameters.page_size)
            .offset(pagination_parameters.first_item)
        ).all()

    @guard("user.create")
    @blp.arguments(NewUserSchema)
    @blp.response(201, UserSchema)
    def post(self, args):
        """Create a user of an organisation (admins)."""
        user = service.create_user(
            args["email"],
            args["name"],
            service.organisation_id_for(args["organisation"]),
            args["roles"],
            current_actor(),
            password=args.get("password"),
        )
        db.session.commit()
        return user


@blp.route("/users/<int:user_id>/password")
class UserPassword(MethodView):
    @guard("user.set_password")
    @blp.arguments(NewPasswordSchema)
    @blp.response(204)
    def put(self, args, user_id):
        """Set or reset a user's password for the web pages (admins); audited, never shown."""
        service.set_password(service.user_by_id(user_id), args["password"], current_actor())
        db.session.commit()


@blp.route("/users/<int:user_id>/tokens")
class UserTokens(MethodView):
    @guard("token.list")
    @blp.response(200, TokenSchema(many=True))
    def get(self, user_id):
        """List a user's tokens, without their values (admins)."""
        service.user_by_id(user_id)
        return db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id)
        ).all()

    @guard("token.create")
    @blp.arguments(NewTokenSchema)
    @blp.response(201, IssuedTokenSchema)
    def post(self, args, user_id):
        """Issue a token for a user (admins); its value is in this answer only."""
        days = args.get("days") or current_app.config["TOKEN_DAYS"]
        token, plain = service.create_token(
            service.user_by_id(user_id), current_actor(), name=args["name"], days=days
        )
        db.session.commit()
        return {"token": plain, **{name: getattr(token, name) for name in TokenSchema().fields}}


@blp.route("/tokens/<int:token_id>/revoke")
class RevokeToken(MethodView):
    @guard("token.revoke")
    @blp.response(200, TokenSchema)
    def post(self, token_id):
        """Revoke a token at once (admins); revoking it again changes nothing."""
        token = service.revoke_token(service.token_by_id(token_id), current_actor())
        db.session.commit()
        return token
