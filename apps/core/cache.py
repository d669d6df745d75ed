"""A Redis cache that treats an unreachable Redis as an empty cache.

The cache only ever speeds pages up; the broker's outage is reported by `/healthz`. When Redis
does not answer, every read is a miss, every write is dropped, a warning is logged (at most
once per `RETRY_AFTER` seconds) and for `RETRY_AFTER` seconds Redis is not asked again, so a
page pays the short connect timeout at most once in that window rather than on every call.
"""

from __future__ import annotations

import logging
import threading
import time

import redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

# Errors that mean "Redis is not there" (not a bug in how we call it).
UNAVAILABLE = (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError, OSError)
DEFAULT_OPTIONS = {"socket_connect_timeout": 0.25, "socket_timeout": 0.5}


class ResilientRedisCache(RedisCache):
    RETRY_AFTER = 5.0

    def __init__(self, server, params):
        options = params.setdefault("OPTIONS", {})
        for name, value in DEFAULT_OPTIONS.items():
            options.setdefault(name, value)
        super().__init__(server, params)
        self._down_until = 0.0
        self._lock = threading.Lock()

    def _call(self, name: str, default, *args, **kwargs):
        if time.monotonic() < self._down_until:
            return default
        try:
            return getattr(super(), name)(*args, **kwargs)
        except UNAVAILABLE as error:
            with self._lock:
                already_down = time.monotonic() < self._down_until
                self._down_until = time.monotonic() + self.RETRY_AFTER
            if not already_down:
                logger.warning(
                    "cache unavailable, bypassing it for %ss: %s", self.RETRY_AFTER, error
                )
            return default

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", None, key, value, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", False, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", list(data), data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, keys, version)

    def incr(self, key, delta=1, version=None):
        # With Redis gone a counter reads as freshly started: rate limits fail open rather
        # than locking everybody out.
        return self._call("incr", delta, key, delta, version)

    def clear(self):
        return self._call("clear", False)

    @property
    def available(self) -> bool:
        """False while the cache is being bypassed after a failure."""
        return time.monotonic() >= self._down_until
