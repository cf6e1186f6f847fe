"""The business day: the demo may move it, production may not."""

import pytest

from config import ProductionConfig


def test_production_refuses_a_moved_business_day(monkeypatch):
    monkeypatch.setenv("SIB_TODAY", "2031-06-30")
    with pytest.raises(RuntimeError, match="SIB_TODAY is set"):
        ProductionConfig.check()
