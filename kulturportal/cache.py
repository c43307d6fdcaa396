"""The shared Redis cache, failing open when Redis is unreachable.

Rate limits (allauth), public pages and the page generation live in this cache. A Redis
outage must not stop people logging in, so every operation that cannot reach Redis logs
a warning and answers as a cache miss: reads find nothing, writes are dropped, `add`
succeeds. While Redis is down the rate limits are therefore not applied. We chose that
over a database-backed limit: an outage is short and visible (/healthz names the broker
as down, and these warnings are logged), whereas a second limit store would cost a
database write on every login for ever and split the limit's history in two.
"""

import logging
import time
from functools import wraps

import redis
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)
CACHE_ERRORS = (redis.RedisError, OSError)
WARN_EVERY_SECONDS = 30.0
_last_warning = {"at": 0.0}


def _fail_open(default):
    def decorate(method):
        @wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except CACHE_ERRORS as error:
                _warn(method.__name__, error)
                return default() if callable(default) else default

        return wrapper

    return decorate


def _warn(operation: str, error: Exception) -> None:
    # Once every WARN_EVERY_SECONDS per process: an outage must not flood the log.
    now = time.monotonic()
    if now - _last_warning["at"] >= WARN_EVERY_SECONDS:
        _last_warning["at"] = now
        logger.warning(
            "Cache unreachable (%s: %s); failing open: rate limits are not applied",
            operation,
            error,
        )


class ResilientRedisCache(RedisCache):
    @_fail_open(True)
    def add(self, key, value, timeout=None, version=None):
        return super().add(key, value, timeout, version)

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except CACHE_ERRORS as error:
            _warn("get", error)
            return default

    @_fail_open(None)
    def set(self, key, value, timeout=None, version=None):
        return super().set(key, value, timeout, version)

    @_fail_open(False)
    def touch(self, key, timeout=None, version=None):
        return super().touch(key, timeout, version)

    @_fail_open(False)
    def delete(self, key, version=None):
        return super().delete(key, version)

    @_fail_open(dict)
    def get_many(self, keys, version=None):
        return super().get_many(keys, version)

    @_fail_open(False)
    def has_key(self, key, version=None):
        return super().has_key(key, version)

    @_fail_open(list)
    def set_many(self, data, timeout=None, version=None):
        return super().set_many(data, timeout, version)

    @_fail_open(None)
    def delete_many(self, keys, version=None):
        return super().delete_many(keys, version)

    @_fail_open(None)
    def clear(self):
        return super().clear()

    def incr(self, key, delta=1, version=None):
        # A counter that cannot be read must not pretend to a value: callers decide.
        return super().incr(key, delta, version)
