"""Whole-page cache of hot public pages for anonymous visitors, in Django's cache (Redis).

Django's own `cache_page` cannot serve these pages: every page carries a CSRF token (the
language switch, htmx headers), so the first response to a visitor sets the CSRF cookie, and
Django rightly never caches a response that sets a cookie for a cookie-less request. Here the
page is rendered once per language with a placeholder instead of the token, stored, and each
visitor gets the stored page with a fresh masked token of their own (`get_token`, which also
has CsrfViewMiddleware set the cookie), so the cached HTML holds nothing personal.

Served from the cache: GET/HEAD of anonymous visitors without a session or messages cookie
(anyone logged in, or with a pending message, gets a rendered page). The key is the language,
the path and the values of the query parameters the page declares it reads
(`@public_page(params=("year", "page"))`), in a fixed order: a request with any other
parameter, a repeated one or an overlong value is rendered but neither served from nor
stored in the cache, so junk query strings cannot fill Redis (nor have their junk echoed into
pagination links served to others). Each stored page carries the generation it was
rendered under, and `invalidate()` bumps the generation (on publication, compile, news; see
apps/portal/receivers.py), so every page is fresh after a change; old entries expire by TTL.
"""

from __future__ import annotations

import functools
import hashlib
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import translation

from apps.core import replicas

GENERATION_KEY = "pagecache:generation"
TIMEOUT = 300  # seconds: bounds the staleness of figures with no invalidating event
PLACEHOLDER = "__pagecache_csrf_token__"
_PLACEHOLDER_BYTES = PLACEHOLDER.encode()
LOCAL_SECONDS = 1.0  # how long a process trusts its own copy of the generation
LOCAL_PAGES = 200  # pages kept per process (a few MB)


def _new_generation() -> int:
    # Time-based, so pages stored under a generation that was lost (evicted) never match.
    value = time.time_ns() // 1000
    cache.add(GENERATION_KEY, value, timeout=None)
    return int(cache.get(GENERATION_KEY) or value)


def invalidate() -> None:
    """Make every cached page stale (new generation)."""
    _local.clear()
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # no generation stored: pages stored under an old one never match
        _new_generation()


def cacheable(request) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if request.user.is_authenticated:
        return False
    cookies = request.COOKIES
    # A browser pinned to the primary after its own write (apps/core/replicas.py) must see it.
    return (
        settings.SESSION_COOKIE_NAME not in cookies
        and "messages" not in cookies
        and replicas.PIN_COOKIE not in cookies
    )


MAX_PARAM_LENGTH = 64  # longer values are nobody's page: rendered, not cached


def page_key(request, params: tuple[str, ...] = ()) -> str | None:
    """The cache key, or None when the query string holds anything the page does not read."""
    query = request.GET
    if set(query) - set(params):
        return None
    values = []
    for name in params:
        given = query.getlist(name)
        if len(given) > 1 or any(len(value) > MAX_PARAM_LENGTH for value in given):
            return None
        values.append(f"{name}={given[0] if given else ''}")
    language = translation.get_language() or settings.LANGUAGE_CODE
    canonical = request.path + "?" + "&".join(values)
    digest = hashlib.md5(canonical.encode(), usedforsecurity=False).hexdigest()
    return f"pagecache:{language}:{digest}"


class _LocalPages:
    """A small per-process copy of the hottest pages and of the generation, trusted for
    LOCAL_SECONDS: most hits then cost no round trip at all. A change is seen by every process
    within LOCAL_SECONDS (at once by the process that made it: `invalidate` clears it)."""

    def __init__(self, size: int = LOCAL_PAGES):
        self.size = size
        self.lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        self.generation = None
        self.checked = 0.0
        self.pages: OrderedDict[str, tuple] = OrderedDict()

    def get(self, key: str):
        with self.lock:
            if self.generation is None or time.monotonic() - self.checked > LOCAL_SECONDS:
                return None
            stored = self.pages.get(key)
            if stored is None or stored[0] != self.generation:
                return None
            self.pages.move_to_end(key)
            return stored

    def put(self, key: str, generation: int, stored: tuple | None) -> None:
        with self.lock:
            if generation != self.generation:
                self.pages.clear()
            self.generation, self.checked = generation, time.monotonic()
            if stored is not None and stored[0] == generation:
                self.pages[key] = stored
                self.pages.move_to_end(key)
                while len(self.pages) > self.size:
                    self.pages.popitem(last=False)


_local = _LocalPages()


def clear_local() -> None:
    """Forget this process's copies (tests do, with the shared cache, between tests)."""
    _local.clear()


def public_page(view=None, *, params: tuple[str, ...] = ()):
    """Decorate a public page view: serve anonymous visitors from the page cache.

    `params` names the query parameters the view reads (none by default). At most one round
    trip per page served (MGET of the generation and the page), none when the process's local
    copy is fresh: a stored page is (generation, content, content type) and counts only under
    the current generation."""
    if view is None:
        return functools.partial(public_page, params=tuple(params))

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not cacheable(request):
            return view(request, *args, **kwargs)
        key = page_key(request, params)
        if key is None:
            return view(request, *args, **kwargs)
        stored = _local.get(key)
        state = "hit"
        if stored is None:
            found = cache.get_many([GENERATION_KEY, key])
            generation = found.get(GENERATION_KEY)
            if generation is None:
                generation = _new_generation()
            stored = found.get(key)
            if stored is None or stored[0] != generation:
                state = "miss"
                request.pagecache_csrf_placeholder = PLACEHOLDER
                response = view(request, *args, **kwargs)
                if response.status_code != 200 or response.streaming or response.cookies:
                    _local.put(key, generation, None)
                    return _personalise(request, response)
                stored = (generation, response.content, response["Content-Type"])
                cache.set(key, stored, timeout=TIMEOUT)
            _local.put(key, generation, stored)
        _generation, content, content_type = stored
        response = HttpResponse(content, content_type=content_type)
        response["X-Page-Cache"] = state
        return _personalise(request, response)

    return wrapper


def _personalise(request, response):
    if not response.streaming and _PLACEHOLDER_BYTES in response.content:
        response.content = response.content.replace(_PLACEHOLDER_BYTES, get_token(request).encode())
    return response


def csrf_placeholder(request) -> dict:
    """Context processor: while a page is rendered for the cache, `csrf_token` is the
    placeholder (replaced per visitor when served)."""
    placeholder = getattr(request, "pagecache_csrf_placeholder", None)
    return {"csrf_token": placeholder} if placeholder else {}
