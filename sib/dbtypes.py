"""Column types that keep decimals exact on SQLite as well as PostgreSQL."""

from datetime import UTC
from decimal import Decimal

from sqlalchemy import DateTime, Numeric, String
from sqlalchemy.types import TypeDecorator


class ExactDecimal(TypeDecorator):
    """A decimal stored as NUMERIC on PostgreSQL and as canonical text on SQLite.

    SQLite's NUMERIC affinity converts to a double and loses digits
    (1234567890123456.78 comes back as ...456.75), so there the value is text.
    Arithmetic happens in Python, never in SQL, so text ordering does not matter.
    """

    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int = 38, scale: int | None = None):
        super().__init__()
        self.precision = precision
        self.scale = scale

    def __repr__(self) -> str:
        # Alembic writes this into migrations, so it must rebuild the same type.
        return f"ExactDecimal({self.precision}, {self.scale})"

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(self.precision + 2))
        return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=True))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if not isinstance(value, Decimal):
            raise TypeError(f"ExactDecimal takes a Decimal, not {type(value).__name__}")
        if dialect.name == "sqlite":
            return format(value, "f")
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return plain(value if isinstance(value, Decimal) else Decimal(value))


def plain(value: Decimal) -> Decimal:
    """The same number without trailing zeros or exponent, so both databases answer alike."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def Money() -> ExactDecimal:  # noqa: N802 - reads as a column type
    """An amount in a currency's major unit, exact to 6 decimals (minor units are at most 3)."""
    return ExactDecimal(28, 6)


def compare_type(context, inspected_column, metadata_column, inspected_type, metadata_type):
    """Alembic's type comparison, told that ExactDecimal is text on SQLite and NUMERIC elsewhere.

    Returns False (no change) when the database holds what ExactDecimal asks of that dialect,
    None to let Alembic compare every other type itself.
    """
    if isinstance(metadata_type, UtcDateTime):
        return not isinstance(inspected_type, DateTime)
    if not isinstance(metadata_type, ExactDecimal):
        return None
    expected = metadata_type.load_dialect_impl(context.dialect)
    if context.dialect.name == "sqlite":
        return not isinstance(inspected_type, String)
    same_scale = getattr(inspected_type, "scale", None) == getattr(expected, "scale", None)
    return not (isinstance(inspected_type, Numeric) and same_scale)


class UtcDateTime(TypeDecorator):
    """A moment in UTC that comes back time-zone aware from SQLite too (it stores naive text)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value
