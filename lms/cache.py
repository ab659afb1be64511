"""The shared cache (Redis) as a cache, never a dependency: when Redis is down, requests go on without it.

`TolerantRedisCache` is Django's `RedisCache` with short socket timeouts that *fails open*: while Redis cannot be
reached a read is a miss (`get` → default, `get_many` → {}, `has_key` → False), a write is skipped
(`set_many` returns every key as not stored, as Django's API allows; `add` → False; `incr` → ValueError, the
"missing key" of the API) and nothing is raised into the request. A circuit breaker (one per process and Redis
address) keeps each request from waiting for a timeout again and again: after a failure the cache is not asked
for `CIRCUIT_SECONDS` (5 s); then one call tries again, and closes the breaker when it works. Opening and closing
are logged once each (warning / info), not once per call.

What leans on the cache and how it copes while Redis is down:

* sessions (`cached_db`): read from and written to the database, so logins and the exam room keep working;
  every key written while Redis was down (a logout, a new session, a bumped version) is remembered by the process
  and deleted when Redis answers again — by the first call after the pause, before it reads anything, or by a
  background thread of the process within CIRCUIT_SECONDS if no call comes — so what Redis kept from before the
  outage is not read back (a Redis that restarted empty has nothing stale anyway);
* rate limits (`lms.http.rate_limit_hit`): not counted (fail open; logged when the breaker opens);
* the competency counts: computed on every request (slower, never wrong); a write whose cache version could not
  be bumped starts a new database epoch (`epoch_bump`), so the counts cached before the outage are never served
  after Redis comes back (people.competency).

Settings: `CACHE_URL=redis://…` selects this backend (lms/settings/base.py); OPTIONS `socket_connect_timeout`,
`socket_timeout` (seconds, default 0.5 and 1) and `CIRCUIT_SECONDS` can be given as query parameters.
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

DEFAULT_OPTIONS = {"socket_connect_timeout": 0.5, "socket_timeout": 1.0}
#: Keys remembered per process while Redis is down (their writes were lost); beyond this, no more are remembered.
MAX_LOST_KEYS = 100_000


class CircuitBreaker:
    """Closed (call the cache) or open until `open_until` (do not). Shared by the threads of a process."""

    def __init__(self, name: str, seconds: float):
        self.name = name
        self.seconds = seconds
        self.open_until = 0.0
        self.failures = 0  # calls that failed or were skipped since the breaker opened
        self.lost: set[str] = set()  # keys (as stored in Redis) whose write failed or was skipped meanwhile
        self.dropped = 0  # of those, deleted from Redis on its return
        self.sweeper: threading.Thread | None = None  # drops the lost keys as soon as Redis answers (below)
        self._lock = threading.Lock()

    @property
    def is_open(self) -> bool:
        return time.monotonic() < self.open_until

    def allow(self) -> bool:
        if not self.is_open:
            return True
        with self._lock:
            self.failures += 1
        return False

    def failed(self, exc: BaseException) -> None:
        with self._lock:
            first = self.open_until == 0.0
            self.open_until = time.monotonic() + self.seconds
            self.failures += 1
        if first:
            logger.warning("Redis cache %s unreachable (%s: %s): working without the cache, next try in %g s",
                           self.name, type(exc).__name__, exc, self.seconds)

    def lose(self, keys) -> None:
        with self._lock:
            if len(self.lost) < MAX_LOST_KEYS:
                self.lost.update(keys)

    def succeeded(self) -> None:
        if self.open_until == 0.0:
            return
        with self._lock:
            if self.open_until == 0.0:
                return
            skipped, dropped, self.failures, self.dropped, self.open_until = self.failures, self.dropped, 0, 0, 0.0
        logger.info("Redis cache %s is back (%d calls went without it; %d keys written meanwhile dropped)",
                    self.name, skipped, dropped)


_breakers: dict[str, CircuitBreaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(name: str, seconds: float) -> CircuitBreaker:
    with _breakers_lock:
        if name not in _breakers:
            _breakers[name] = CircuitBreaker(name, seconds)
        return _breakers[name]


class TolerantRedisCache(RedisCache):
    """RedisCache that fails open while Redis is unreachable (see the module docstring)."""

    def __init__(self, server, params):
        params = dict(params)
        options = dict(params.get("OPTIONS") or {})
        seconds = float(options.pop("CIRCUIT_SECONDS", options.pop("circuit_seconds", 5)))
        for key, value in DEFAULT_OPTIONS.items():
            options[key] = float(options.get(key, value))
        params["OPTIONS"] = options
        super().__init__(server, params)
        self.breaker = breaker_for(",".join(self._servers), seconds)

    def _call(self, default, method, *args, lost=(), **kwargs):
        """`method(*args)`, or `default` when Redis is unreachable; `lost`: the keys a write touches, remembered
        when it fails and deleted once Redis is back — before anything is read from it again — so a value written
        before the outage (a session since logged out, a version since bumped) is not read back: the reader falls
        back to the database."""
        if not self.breaker.allow():
            if lost:
                self._lose(lost)
            return default
        try:
            if self.breaker.open_until:  # the first call after the pause: drop the stale keys first
                self._recover()
            result = method(*args, **kwargs)
        except RedisError as exc:
            self.breaker.failed(exc)
            if lost:
                self._lose(lost)
            return default
        self.breaker.succeeded()
        return result

    def _recover(self) -> None:
        with self.breaker._lock:
            stale, self.breaker.lost = self.breaker.lost, set()
        try:
            if stale:
                self._cache.delete_many(list(stale))
            else:
                self._cache.get_client(write=True).ping()
        except RedisError:
            self.breaker.lose(stale)
            raise
        self.breaker.dropped += len(stale)

    def _lose(self, keys) -> None:
        """Remember keys whose write was lost, and make sure a background thread of this process drops them from
        Redis as soon as it answers, even if this process serves no request then (an idle gunicorn worker)."""
        self.breaker.lose(self._made(keys))
        with self.breaker._lock:
            if self.breaker.sweeper is not None and self.breaker.sweeper.is_alive():
                return
            self.breaker.sweeper = threading.Thread(target=self._sweep_lost, name="lms-cache-recovery", daemon=True)
            self.breaker.sweeper.start()

    def _sweep_lost(self) -> None:
        while True:
            time.sleep(max(0.01, self.breaker.seconds))
            if _breakers.get(self.breaker.name) is not self.breaker:
                return  # forgotten (tests reset the breakers)
            if not self.breaker.open_until:
                return  # a request already found Redis back and dropped the keys
            if self.breaker.is_open:
                continue
            try:
                self._recover()
            except RedisError as exc:
                self.breaker.failed(exc)
                continue
            self.breaker.succeeded()
            return

    def _made(self, keys) -> list[str]:
        return [self.make_and_validate_key(key, version=version) for key, version in keys]

    @property
    def available(self) -> bool:
        """False while the breaker is open (the last call failed less than CIRCUIT_SECONDS ago)."""
        return not self.breaker.is_open

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(False, super().add, key, value, timeout, version, lost=[(key, version)])

    def get(self, key, default=None, version=None):
        return self._call(default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._call(None, super().set, key, value, timeout, version, lost=[(key, version)])

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call(False, super().touch, key, timeout, version, lost=[(key, version)])

    def delete(self, key, version=None):
        return self._call(False, super().delete, key, version, lost=[(key, version)])

    def get_many(self, keys, version=None):
        return self._call({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._call(False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        missing = object()
        result = self._call(missing, super().incr, key, delta, version, lost=[(key, version)])
        if result is missing:
            raise ValueError(f"Key '{key}' not found (the cache is unreachable)")
        return result

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        keys = list(data)
        return self._call(keys, super().set_many, data, timeout, version, lost=[(k, version) for k in keys])

    def delete_many(self, keys, version=None):
        self._call(None, super().delete_many, keys, version, lost=[(k, version) for k in keys])

    def clear(self):
        return self._call(False, super().clear)


def cache_write_failed(result) -> bool:
    """Whether a `set_many` result says the keys were not stored (any backend: a non-empty list)."""
    return bool(result)


# --- Epochs: a version in the database for what must not be served stale after an outage ----------------------

def epoch(name: str) -> int:
    """The current epoch of `name` (0 before the first bump). One primary-key query."""
    from .models import CacheEpoch

    value = CacheEpoch.objects.filter(pk=name).values_list("value", flat=True).first()
    return value or 0


def epoch_bump(name: str) -> None:
    """Start a new epoch of `name`: every cache key built with the old one is never asked for again."""
    from django.db.models import F

    from .models import CacheEpoch

    if not CacheEpoch.objects.filter(pk=name).update(value=F("value") + 1):
        from django.db import IntegrityError, transaction

        try:
            with transaction.atomic():
                CacheEpoch.objects.create(name=name, value=1)
        except IntegrityError:
            CacheEpoch.objects.filter(pk=name).update(value=F("value") + 1)
    logger.warning("Cache epoch %s bumped: a cache write was lost while the cache was unreachable", name)
