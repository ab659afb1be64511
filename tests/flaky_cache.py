"""A Redis cache that can be "down" on demand, without a Redis: Django's RedisCacheClient interface over a dict
that raises redis-py's ConnectionError while `down`, behind lms.cache.TolerantRedisCache (fixture `redis_cache`
in tests/conftest.py: `redis_cache.down = True`)."""

from redis.exceptions import ConnectionError as RedisConnectionError

from lms import cache as tolerant


class FakeClient:
    """Django's RedisCacheClient interface over a dict; raises redis-py's ConnectionError while `down`."""

    def __init__(self):
        self.data, self.down, self.calls = {}, False, 0

    def _check(self):
        self.calls += 1
        if self.down:
            raise RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    def get_client(self, key=None, *, write=False):
        return self

    def ping(self):
        self._check()
        return True

    def add(self, key, value, timeout):
        self._check()
        return self.data.setdefault(key, value) is value

    def get(self, key, default):
        self._check()
        return self.data.get(key, default)

    def set(self, key, value, timeout):
        self._check()
        self.data[key] = value

    def touch(self, key, timeout):
        self._check()
        return key in self.data

    def delete(self, key):
        self._check()
        return self.data.pop(key, None) is not None

    def get_many(self, keys):
        self._check()
        return {k: self.data[k] for k in keys if k in self.data}

    def has_key(self, key):
        self._check()
        return key in self.data

    def incr(self, key, delta):
        self._check()
        if key not in self.data:
            raise ValueError(key)
        self.data[key] += delta
        return self.data[key]

    def set_many(self, data, timeout):
        self._check()
        self.data.update(data)
        return []

    def delete_many(self, keys):
        self._check()
        for k in keys:
            self.data.pop(k, None)

    def clear(self):
        self._check()
        self.data.clear()
        return True


client = FakeClient()


class FlakyRedisCache(tolerant.TolerantRedisCache):
    """TolerantRedisCache over FakeClient (module-level, so every thread's instance shares it)."""

    @property
    def _cache(self):
        return client
