"""Production refuses keys that are default, short, repeated, predictable or shared."""

import pytest

from config import ProductionConfig
from sib import create_app

GOOD = {
    "SECRET_KEY": "q8Vd1-Zr4tWm9LxB2nKc7HsPjE3yGaUf",
    "PSEUDONYM_KEY": "Tz6hN0wR5eXb8JmQ3vLs1KdY9pCgA4uF",
    "AUDIT_KEY": "Lm2Qx7Rb9Wc4Nv1Ze8Ht5Jk3Pf6Ys0Gd",
    "AUDIT_SIGNING_KEY": "Xk9-3dQ0vN7rYbT2hLp5WmE8sCj1uGa4Zf6RoKxHy_c",
}


def production(**keys) -> type[ProductionConfig]:
    return type("Configured", (ProductionConfig,), {**GOOD, **keys})


def refusal(**keys) -> str:
    with pytest.raises(RuntimeError) as refused:
        create_app(production(**keys))
    return str(refused.value)


def test_random_distinct_keys_are_accepted():
    production().check()  # no exception


@pytest.mark.parametrize(
    ("keys",                                                          "name",          "reason"),
    [
        ({"PSEUDONYM_KEY": GOOD["SECRET_KEY"]},                        "PSEUDONYM_KEY", "same as SECRET_KEY"),  # noqa: E501
        ({"AUDIT_KEY": GOOD["PSEUDONYM_KEY"]},                         "AUDIT_KEY",     "same as PSEUDONYM_KEY"),  # noqa: E501
        ({"SECRET_KEY": "a" * 64},                                     "SECRET_KEY",    "repeats the same 1"),  # noqa: E501
        ({"PSEUDONYM_KEY": "0" * 40},                                  "PSEUDONYM_KEY", "repeats the same 1"),  # noqa: E501
        ({"SECRET_KEY": "abc" * 12},                                   "SECRET_KEY",    "repeats the same 3"),  # noqa: E501
        ({"SECRET_KEY": "ab" * 20 + "c"},                              "SECRET_KEY",    "too predictable"),  # noqa: E501
        ({"SECRET_KEY": "a" * 31 + "b" * 9},                           "SECRET_KEY",    "too predictable"),  # noqa: E501
        ({"SECRET_KEY": "short-but-random-Xy7"},                       "SECRET_KEY",    "fewer than 32"),  # noqa: E501
        ({"SECRET_KEY": ""},                                           "SECRET_KEY",    "is not set"),  # noqa: E501
        ({"SECRET_KEY": "dev-only-secret-change-me"},                  "SECRET_KEY",    "development default"),  # noqa: E501
    ],
)  # fmt: skip
def test_production_refuses_a_weak_or_shared_key_at_startup(keys, name, reason):
    message = refusal(**keys)
    assert message.startswith(name)
    assert reason in message
    assert "secrets.token_urlsafe" in message  # says how to make a good one


def test_the_refusal_never_shows_the_key():
    key = "abc" * 12
    assert key not in refusal(SECRET_KEY=key)
