"""Every form a role can reach gets oversize, wrong-type and hostile input and answers with
a page (a message or a redirect), never a 5xx.

The forms are found, not listed: for each demo role the test visits every page without URL
parameters that the URL resolver knows, follows the links on those pages (same site, bounded),
and collects every `<form method="post">`. Each form is then posted with junk in every field
but its hidden ones."""

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = [pytest.mark.django_db, pytest.mark.crawl]

JUNK = [
    "x" * 20_000,  # oversize
    "-1e309",  # wrong type: not a finite number, not a date, not an id
    "2026-02-30",
    "<script>alert(1)</script>\"'><img src=x onerror=alert(1)>",
    "' OR '1'='1'; DROP TABLE core_auditentry; --",
    "=cmd|' /C calc'!A0",  # spreadsheet formula
    "\u202e\ufeff\u200b全角１２３",
]
SKIP_PREFIXES = ("/admin/", "/api/", "/static/", "/i18n/", "/accounts/logout/", "/healthz")
MAX_PAGES = 70


def _plain_paths() -> list[str]:
    """Every URL pattern without parameters (outside the admin and the API)."""
    paths = []

    def walk(patterns, prefix):
        for pattern in patterns:
            route = str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + route)
            elif isinstance(pattern, URLPattern) and "<" not in route and "(" not in route:
                path = "/" + (prefix + route).lstrip("^").rstrip("$")
                if not path.startswith(SKIP_PREFIXES):
                    paths.append(path)

    walk(get_resolver().url_patterns, "")
    return sorted(set(paths))


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links, self.forms = [], []
        self._form = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form":
            if (attrs.get("method") or "get").lower() == "post":
                self._form = {"action": attrs.get("action") or "", "fields": []}
        elif self._form is not None and tag in {"input", "textarea", "select", "button"}:
            name = attrs.get("name")
            if name:
                kind = attrs.get("type", tag).lower()
                self._form["fields"].append((name, kind, attrs.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


def _crawl(client, start):
    seen, queue, forms = set(), deque(start), {}
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft()
        shape = re.sub(r"\d+", "N", path)  # one page of each kind is enough
        if shape in seen:
            continue
        seen.add(shape)
        response = client.get(path)
        assert response.status_code < 500, f"GET {path} -> {response.status_code}"
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        page = _Page()
        page.feed(response.content.decode())
        for form in page.forms:
            action = urlsplit(urljoin(path, form["action"])).path or path
            names = tuple(sorted(name for name, _kind, _value in form["fields"]))
            shape = (re.sub(r"\d+", "N", action), names)
            forms.setdefault(shape, (action, form["fields"]))
        for href in page.links:
            parts = urlsplit(urljoin(path, href))
            if parts.netloc or not parts.path.startswith("/"):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if not parts.path.startswith(SKIP_PREFIXES):
                queue.append(target)
    return forms


def _junk_data(fields, junk):
    data = {}
    for name, kind, value in fields:
        if kind in {"hidden", "submit", "button"}:
            data[name] = value
        elif kind == "file":
            data[name] = SimpleUploadedFile("junk.pdf", junk.encode("utf-8", "replace")[:4096])
        else:
            data[name] = junk
    return data


def test_junk_in_every_reachable_form_never_gets_a_server_error(client, settings):
    # Limits would answer 429 before the forms see the junk; they have tests of their own.
    settings.RATELIMIT_ENABLED = False
    settings.AXES_ENABLED = False
    call_command("seed_demo", enterprises=4, stdout=None)
    users = get_user_model().objects.filter(email__endswith="@demo.leaders.cn")
    start = _plain_paths()
    failures, posted, reached = [], 0, set()
    for user in [None, *users.order_by("email")]:
        client.logout()
        if user is not None:
            client.force_login(user)
        forms = _crawl(client, start)
        reached.update(re.sub(r"\d+", "N", action) for action, _fields in forms.values())
        for action, fields in forms.values():
            for junk in JUNK:
                response = client.post(action, _junk_data(fields, junk))
                posted += 1
                if response.status_code >= 500:
                    who = user.email if user else "anonymous"
                    failures.append(f"{who} POST {action} {junk[:20]!r} -> 500")
            if user is not None and not client.session.get("_auth_user_id"):
                client.force_login(user)  # a form signed the user out; carry on
    print(f"{posted} junk posts to {len(reached)} forms: {sorted(reached)}")
    assert posted > 100  # the crawl found the forms (registration, login, workspaces ...)
    assert failures == []
