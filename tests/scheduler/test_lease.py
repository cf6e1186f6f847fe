"""One scheduler is active however many run: the database lease, its heartbeat and takeover."""

from sib.extensions import db
from sib.scheduler import lease


def held(holder, clock, seconds=60):
    answer = lease.acquire(holder, clock.now(), seconds)
    db.session.commit()
    return answer


def test_the_first_instance_takes_the_lease_and_the_second_waits(app, clock):
    assert held("one", clock)
    assert not held("two", clock)
    assert lease.holder_of(clock.now()) == "one"


def test_a_heartbeat_keeps_the_lease_past_its_first_expiry(app, clock):
    held("one", clock)
    clock.advance(seconds=40)
    assert held("one", clock)
    clock.advance(seconds=40)
    assert not held("two", clock)


def test_an_expired_lease_is_taken_over(app, clock):
    held("one", clock)
    clock.advance(seconds=61)
    assert held("two", clock)
    assert not held("one", clock)


def test_a_released_lease_is_free_at_once(app, clock):
    held("one", clock)
    lease.release("one", clock.now())
    db.session.commit()
    assert held("two", clock)


def test_a_takeover_starts_a_new_tenure_and_a_renewal_keeps_it(app, clock):
    held("one", clock)
    first = lease.tenure_of("one")
    clock.advance(seconds=30)
    held("one", clock)
    assert lease.tenure_of("one") == first
    clock.advance(seconds=61)
    held("two", clock)
    assert (lease.tenure_of("one"), lease.tenure_of("two")) == (None, clock.now())
