"""The scheduler's clock: the system's in production, a fake one that tests move by hand."""

from datetime import UTC, datetime, timedelta


class SystemClock:
    """The real time, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FakeClock:
    """A clock that stands still until a test moves it: deadlines without real sleeps."""

    def __init__(self, start: datetime):
        self._now = start if start.tzinfo else start.replace(tzinfo=UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, **delta: float) -> datetime:
        """Move the clock forward, e.g. advance(seconds=61) or advance(days=1)."""
        self._now += timedelta(**delta)
        return self._now
