"""Fixed-window rate limits: in memory for one process, in Redis when shared."""

import threading
import time

from flask import Flask, current_app

from wanted.errors import RateLimited


class MemoryRateLimiter:
    """Count hits per key in this process only (the embedded default)."""

    def __init__(self) -> None:
        self._hits: dict[str, tuple[int, int]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, limit: int, window: int) -> bool:
        """Count a hit; return False once the key is over its limit in this window."""
        slot = int(time.time() // window)
        with self._lock:
            seen_slot, count = self._hits.get(key, (slot, 0))
            count = count + 1 if seen_slot == slot else 1
            self._hits[key] = (slot, count)
        return count <= limit

    def reset(self, key: str) -> None:
        """Forget the hits of a key."""
        with self._lock:
            self._hits.pop(key, None)


class RedisRateLimiter:
    """Count hits per key in Redis, shared by every web process."""

    def __init__(self, url: str, prefix: str = "wanted:rl:") -> None:
        import redis

        self._redis = redis.Redis.from_url(url)
        self._prefix = prefix

    def hit(self, key: str, limit: int, window: int) -> bool:
        """Count a hit; return False once the key is over its limit in this window."""
        name = f"{self._prefix}{key}:{int(time.time() // window)}"
        pipe = self._redis.pipeline()
        pipe.incr(name)
        pipe.expire(name, window)
        count, _ = pipe.execute()
        return int(count) <= limit

    def reset(self, key: str) -> None:
        """Forget the hits of a key in every window."""
        for name in self._redis.scan_iter(f"{self._prefix}{key}:*"):
            self._redis.delete(name)


def init_rate_limiter(app: Flask) -> None:
    """Choose the limiter: Redis when REDIS_URL is set, memory otherwise."""
    url = app.config.get("REDIS_URL")
    app.extensions["rate_limiter"] = (RedisRateLimiter(url, app.config["RATE_LIMIT_PREFIX"])
                                      if url else MemoryRateLimiter())


def rate_limiter() -> MemoryRateLimiter | RedisRateLimiter:
    """Return the app's limiter."""
    return current_app.extensions["rate_limiter"]


def require_within(key: str, setting: str, message: str, audit: dict) -> None:
    """Count a hit against the limit named by `setting`; raise RateLimited (audited) beyond it."""
    limit, window = current_app.config[setting]
    if not rate_limiter().hit(key, limit, window):
        raise RateLimited(message, audit={**audit, "details": {"limit": limit,
                                                               "window": window}})
