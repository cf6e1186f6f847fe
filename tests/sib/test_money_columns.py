"""Amounts survive a round trip through the database to the last digit, on SQLite and PostgreSQL."""

from decimal import Decimal

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, insert, select

from sib.dbtypes import ExactDecimal, Money
from sib.extensions import db


@pytest.fixture
def amounts_table(app):
    metadata = MetaData()
    table = Table(
        "amounts_round_trip",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("amount", Money()),
        Column("ratio", ExactDecimal(38, 18)),
    )
    with app.app_context():
        metadata.create_all(db.engine)
        yield table
        metadata.drop_all(db.engine)


@pytest.mark.parametrize(
    "amount",
    [
        Decimal("1234567890123456.78"),  # a float would give back ...456.75
        Decimal("0.01"),
        Decimal("-9999999999999999.99"),
        Decimal("0"),
        Decimal("4800000.125"),  # KWD has three decimals
    ],
)
def test_amount_comes_back_exactly(app, amounts_table, amount):
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(insert(amounts_table).values(amount=amount, ratio=Decimal("0.1")))
        stored = connection.execute(select(amounts_table.c.amount, amounts_table.c.ratio)).one()
    assert stored.amount == amount
    assert isinstance(stored.amount, Decimal)
    assert stored.ratio == Decimal("0.1")


def test_a_float_is_refused_at_the_column(app, amounts_table):
    with (
        app.app_context(),
        db.engine.begin() as connection,
        pytest.raises(Exception, match="Decimal"),
    ):
        connection.execute(insert(amounts_table).values(amount=0.1))
