"""Versions in the shared cache: a key whose value changes whenever what a family of cached entries was computed
from changes; the entries are stored under the current value, so a new value retires them all at once.

Used by the page tree (lms.routing.pages_version) and the question bank (assessments.services); people.competency
keeps its own, with a database epoch for the counts leaders rely on.
"""

import time

from django.core.cache import cache
from django.db import transaction


def cache_version(key: str) -> str:
    """The current version under `key`; a cache that lost it (restart, eviction) starts one no earlier entry was
    stored under, and a cache that cannot keep it (unreachable) gets a value nobody else uses."""
    version = cache.get(key)
    if version is None:
        cache.add(key, str(time.time_ns()), None)
        version = cache.get(key)
        if version is None:
            version = f"x{time.time_ns()}"
    return version


def cache_version_bump(key: str) -> None:
    """A new version now, and again when the current transaction commits: an entry computed from the old data in
    between would otherwise be stored under the new version."""

    def bump():
        cache.set(key, str(time.time_ns()), None)

    bump()
    transaction.on_commit(bump)
