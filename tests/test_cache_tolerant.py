"""Redis is down: the cache fails open behind a circuit breaker (lms/cache.py), pages, logins and the competency
counts keep working, and no count cached before the outage is served after it (people.competency epochs).

No Redis is needed: "down" is a closed port (connection refused) or a stand-in client that raises like redis-py.
bench/load/faults/redis_down.py stops a real Redis under load.
"""

import datetime as dt
import logging
import socket
import time

import pytest
from django.core.cache import cache
from django.urls import reverse

from lms import cache as tolerant
from lms.models import CacheEpoch
from people import competency as engine
from people.models import Attainment, RoleAssignment
from tests.people.factories import (
    CompetencyFactory,
    DeskRoleFactory,
    OfficerFactory,
    RoleRequirementFactory,
    UnitFactory,
)

D = dt.date(2026, 6, 15)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the socket is: connection refused


@pytest.fixture(autouse=True)
def _fresh_breakers():
    tolerant._breakers.clear()
    yield
    tolerant._breakers.clear()


def unreachable(circuit_seconds=5) -> tolerant.TolerantRedisCache:
    return tolerant.TolerantRedisCache(f"redis://127.0.0.1:{closed_port()}/0",
                                       {"OPTIONS": {"circuit_seconds": circuit_seconds}})


def hold_open(seconds: float) -> None:
    """Keep the default cache's breaker open for `seconds` more (negative: its pause is over), instead of racing
    its 50 ms pause on a slow machine."""
    cache.breaker.open_until = time.monotonic() + seconds


def test_redis_urls_use_the_tolerant_backend():
    import environ

    from lms.settings import base

    assert base.CACHES["default"]["BACKEND"] in ("lms.cache.TolerantRedisCache",
                                                 "django.core.cache.backends.locmem.LocMemCache")
    config = environ.Env.cache_url_config("redis://127.0.0.1:6379/4?socket_timeout=0.2")
    backend = tolerant.TolerantRedisCache(config["LOCATION"], {"OPTIONS": config["OPTIONS"]})
    assert backend._options == {"socket_timeout": 0.2, "socket_connect_timeout": 0.5}


def test_an_unreachable_redis_is_a_miss_and_writes_are_skipped(caplog):
    c = unreachable()
    caplog.set_level(logging.WARNING, logger="lms.cache")
    started = time.monotonic()
    assert c.get("k") is None
    assert c.get("k", "default") == "default"
    c.set("k", 1)
    assert c.add("k", 1) is False
    assert c.get_many(["a", "b"]) == {}
    assert c.set_many({"a": 1, "b": 2}) == ["a", "b"]  # nothing stored: Django's "keys that failed"
    assert c.has_key("a") is False
    c.delete("a")
    c.delete_many(["a", "b"])
    with pytest.raises(ValueError):
        c.incr("counter")
    assert time.monotonic() - started < 2
    assert c.available is False
    warnings = [r for r in caplog.records if r.name == "lms.cache"]
    assert len(warnings) == 1 and "unreachable" in warnings[0].getMessage()  # once, not once per call


def test_the_breaker_stops_asking_then_closes_when_redis_is_back(redis_cache, caplog):
    caplog.set_level(logging.INFO, logger="lms.cache")
    cache.set("k", "v")
    redis_cache.down = True
    assert cache.get("k") is None
    calls = redis_cache.calls
    hold_open(60)  # however slow this machine is, the 50 calls below fall in the pause
    for _ in range(50):
        assert cache.get("k") is None
    assert redis_cache.calls == calls  # open: Redis is not asked, nobody waits for a timeout
    hold_open(-1)  # the pause is over
    assert cache.get("k") is None  # half-open: one try, still down, open again
    assert redis_cache.calls == calls + 1
    redis_cache.down = False
    time.sleep(0.06)
    assert cache.get("k") == "v"
    assert cache.get("k") == "v"
    messages = [r.getMessage() for r in caplog.records if r.name == "lms.cache"]
    assert len(messages) == 2 and "is back" in messages[1] and "52 calls" in messages[1]  # 1 + 50 skipped + 1


def test_rate_limits_fail_open(redis_cache):
    from lms.http import rate_limit_hit

    redis_cache.down = True
    assert not any(rate_limit_hit("verify:1.2.3.4", limit=2, window=60) for _ in range(5))


@pytest.fixture
def world(db):
    city = UnitFactory(code="TP")
    ward = UnitFactory(code="PX", parent=city)
    role, competency = DeskRoleFactory(code="TN"), CompetencyFactory(code="NV04")
    RoleRequirementFactory(role=role, competency=competency, level=2, validity_months=0)
    officer = OfficerFactory(employee_code="CB001", unit=ward)
    RoleAssignment.objects.create(officer=officer, role=role, unit=ward, start_date=D - dt.timedelta(days=30))
    return {"city": city, "ward": ward, "competency": competency, "officer": officer}


def met(unit) -> int:
    return sum(numbers[0] for numbers in engine.unit_subtree_tally(unit, D).pairs.values())


@pytest.mark.django_db(transaction=True)
def test_counts_cached_before_an_outage_are_not_served_after_it(world, redis_cache):
    assert met(world["city"]) == 0  # cached now
    redis_cache.down = True
    Attainment.objects.create(officer=world["officer"], competency=world["competency"], level=2,
                              achieved_on=D - dt.timedelta(days=10), kind=Attainment.Kind.PRIOR_LEARNING,
                              evidence_reference="QĐ 1")  # its unit's version bump is lost
    assert CacheEpoch.objects.get(pk="competency").value == 1  # ... so a new epoch starts
    assert met(world["city"]) == 1  # down: computed, not cached
    redis_cache.down = False
    time.sleep(0.06)
    assert met(world["city"]) == 1  # Redis is back with the old part and the old unit version: not served
    assert met(world["ward"]) == 1


@pytest.mark.django_db(transaction=True)
def test_a_lost_global_bump_starts_a_new_epoch_too(world, redis_cache):
    assert met(world["city"]) == 0
    redis_cache.down = True
    engine.bump_data_version()
    assert CacheEpoch.objects.get(pk="competency").value == 1
    redis_cache.down = False
    hold_open(60)
    engine.bump_data_version()  # the breaker is still open: skipped, so lost as well
    hold_open(-1)
    assert CacheEpoch.objects.get(pk="competency").value == 2
    time.sleep(0.06)
    engine.bump_data_version()
    assert CacheEpoch.objects.get(pk="competency").value == 2  # a bump that reached Redis needs no epoch


@pytest.mark.django_db(transaction=True)
def test_login_and_pages_work_while_redis_is_down(redis_cache, officer):
    from django.test import Client

    officer.user.set_password("Mật-khẩu-2026")
    officer.user.save()
    redis_cache.down = True
    client = Client(HTTP_ACCEPT_LANGUAGE="vi")
    response = client.post(reverse("login"), {"username": officer.user.username, "password": "Mật-khẩu-2026"})
    assert response.status_code == 302
    for _ in range(3):  # the session is read from the database (cached_db) on every request
        assert client.get(reverse("courses:my-learning")).status_code == 200
    redis_cache.down = False
    time.sleep(0.06)
    assert client.get(reverse("courses:my-learning")).status_code == 200  # and after Redis is back


@pytest.mark.django_db(transaction=True)
def test_a_logout_while_redis_is_down_stays_a_logout_when_it_is_back(redis_cache, officer):
    """Redis kept the session (a partition, or a restart with persistence): the delete the logout could not make
    is made when Redis answers again, so the old session is not read back from it."""
    from django.test import Client

    officer.user.set_password("Mật-khẩu-2026")
    officer.user.save()
    client = Client(HTTP_ACCEPT_LANGUAGE="vi")
    client.post(reverse("login"), {"username": officer.user.username, "password": "Mật-khẩu-2026"})
    assert client.get(reverse("courses:my-learning")).status_code == 200
    session_keys = [k for k in redis_cache.data if "sessions" in k]
    assert session_keys  # cached while Redis was up
    redis_cache.down = True
    cookie = client.cookies["sessionid"].value
    assert client.post(reverse("logout")).status_code == 302
    redis_cache.down = False
    time.sleep(0.06)
    client.cookies["sessionid"] = cookie  # the old cookie, kept by an attacker or a second tab
    assert client.get(reverse("courses:my-learning")).status_code == 302  # logged out: the login page
    assert not [k for k in redis_cache.data if cookie in k]


def test_an_idle_process_drops_its_lost_keys_as_soon_as_redis_is_back(redis_cache):
    """No request needs to come: a background thread of the process deletes the keys whose writes were lost."""
    cache.set("session-of-someone", "before the outage")
    redis_cache.down = True
    cache.delete("session-of-someone")  # a logout while Redis is down: the delete is lost
    assert any(k.endswith("session-of-someone") for k in redis_cache.data)
    redis_cache.down = False
    deadline = time.monotonic() + 30
    while any(k.endswith("session-of-someone") for k in redis_cache.data):  # a condition, no request made
        assert time.monotonic() < deadline, "the lost key was never dropped"
        time.sleep(0.01)
    assert cache.breaker.open_until == 0.0  # and the breaker closed
