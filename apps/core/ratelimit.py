"""Rate limits for views that anyone can post to (registration, password reset, login,
objections), kept in the cache.

Use the decorator on a view:

    from apps.core.ratelimit import rate_limit

    @rate_limit(scope="register", rate="5/h")                 # per client address
    def register(request): ...

    @rate_limit(scope="objection", rate="10/d", key="user")   # per signed-in user
    def objection_new(request, pk): ...

`rate` is "N/period" with period `s`, `m`, `h` or `d`, optionally with a count ("5/10m").
Only the listed `methods` count (POST by default: looking at a form is free). Past the limit
the view is not called; the client gets 429 with a page saying when to try again and a
`Retry-After` header. `key` is "ip", "user" (the user's id, or the address when anonymous) or
a function `request -> str`. Call `hit(...)` directly for limits inside a view (e.g. wrong
one-time codes).

Windows are fixed (a counter per scope, key and window start). If the cache is down the
counters read as fresh (`apps.core.cache`): the limit fails open rather than locking
everybody out. `RATELIMIT_ENABLED = False` turns every limit off.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

_RATE = re.compile(r"^(\d+)/(\d*)([smhd])$")
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    limit: int
    period: int  # seconds

    @classmethod
    def parse(cls, text: str) -> Rate:
        match = _RATE.match(text.strip())
        if not match:
            raise ValueError(f"rate must look like '5/h' or '20/10m', not {text!r}")
        count, multiple, unit = match.groups()
        return cls(limit=int(count), period=int(multiple or 1) * _UNIT[unit])


def _address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's address (None if there is none, e.g. a request made in code). Directly
    exposed: REMOTE_ADDR. Behind `TRUSTED_PROXY_COUNT` reverse proxies (each appending to
    X-Forwarded-For): the address the outermost trusted proxy saw, the N-th entry from the
    right; entries further left are client-supplied and never trusted. Also the address
    django-axes locks on (AXES_CLIENT_IP_CALLABLE)."""
    meta = getattr(request, "META", None) or {}
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies:
        chain = [part for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(chain) >= proxies and (address := _address(chain[-proxies])):
            return address
    return _address(meta.get("REMOTE_ADDR", ""))


def _identity(request, key: str | Callable) -> str:
    if callable(key):
        return str(key(request))
    if key == "user":
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return f"user:{user.pk}"
        return f"ip:{client_ip(request) or 'unknown'}"
    if key == "ip":
        return f"ip:{client_ip(request) or 'unknown'}"
    raise ValueError(f"unknown rate-limit key {key!r}")


@dataclass(frozen=True)
class Outcome:
    limited: bool
    count: int
    retry_after: int  # seconds until the window ends


def hit(*, scope: str, rate: str | Rate, identity: str, increment: bool = True) -> Outcome:
    """Count one attempt of `identity` in `scope` and tell whether it is over the limit."""
    rate = Rate.parse(rate) if isinstance(rate, str) else rate
    now = time.time()
    window = int(now // rate.period)
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    cache_key = f"ratelimit:{scope}:{digest}:{window}"
    retry_after = max(1, math.ceil((window + 1) * rate.period - now))
    if not getattr(settings, "RATELIMIT_ENABLED", True):
        return Outcome(limited=False, count=0, retry_after=retry_after)
    if increment:
        cache.add(cache_key, 0, timeout=rate.period + 1)
        try:
            count = cache.incr(cache_key)
        except ValueError:  # expired between add and incr
            cache.set(cache_key, 1, timeout=rate.period + 1)
            count = 1
    else:
        count = cache.get(cache_key, 0)
    return Outcome(limited=count > rate.limit, count=count, retry_after=retry_after)


def reset(*, scope: str, rate: str | Rate, identity: str) -> None:
    rate = Rate.parse(rate) if isinstance(rate, str) else rate
    window = int(time.time() // rate.period)
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    cache.delete(f"ratelimit:{scope}:{digest}:{window}")


def too_many_requests(request, retry_after: int):
    minutes = max(1, math.ceil(retry_after / 60))
    response = render(request, "429.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def rate_limit(
    *,
    scope: str,
    rate: str,
    key: str | Callable = "ip",
    methods: Iterable[str] = ("POST",),
):
    parsed = Rate.parse(rate)  # fail at import time on a malformed rate
    counted = {method.upper() for method in methods}

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in counted:
                outcome = hit(scope=scope, rate=parsed, identity=_identity(request, key))
                if outcome.limited:
                    return too_many_requests(request, outcome.retry_after)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
