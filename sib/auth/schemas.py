"""Marshmallow schemas of the users and tokens API."""

from marshmallow import Schema, fields, validate

from sib.policy import ROLES


class UserSchema(Schema):
    id = fields.Integer(dump_only=True)
    email = fields.String()
    name = fields.String()
    organisation_id = fields.Integer()
    roles = fields.Method("role_list")
    active = fields.Boolean()
    created_at = fields.DateTime()

    def role_list(self, user):
        return sorted(user.roles)


class NewUserSchema(Schema):
    email = fields.Email(required=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    organisation = fields.String(
        required=True, metadata={"description": "The organisation's slug, e.g. botkyrka"}
    )
    roles = fields.List(
        fields.String(validate=validate.OneOf(ROLES)),
        required=True,
        validate=validate.Length(min=1),
    )
    password = fields.String(
        load_only=True, metadata={"description": "For the web pages; API users need none"}
    )


class NewPasswordSchema(Schema):
    password = fields.String(
        required=True,
        load_only=True,
        metadata={"description": "The user's new password for the web pages (12+ characters)"},
    )


class TokenSchema(Schema):
    id = fields.Integer()
    user_id = fields.Integer()
    name = fields.String()
    prefix = fields.String()
    created_at = fields.DateTime()
    expires_at = fields.DateTime()
    revoked_at = fields.DateTime(allow_none=True)
    last_used_at = fields.DateTime(allow_none=True)


class NewTokenSchema(Schema):
    name = fields.String(
        load_default="api",
        validate=validate.Length(min=1, max=200),
        metadata={"example": "payment-export"},
    )
    days = fields.Integer(
        validate=validate.Range(min=1, max=3650),
        metadata={
            "description": "Days the token lives; the service default when left out",
            "example": 90,
        },
    )


class IssuedTokenSchema(TokenSchema):
    token = fields.String(
        metadata={"description": "The token itself: shown this once, never stored or shown again"}
    )


class MeSchema(Schema):
    user = fields.Nested(UserSchema)
    organisation_id = fields.Integer()
    roles = fields.List(fields.String())
