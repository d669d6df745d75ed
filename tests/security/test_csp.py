"""Content Security Policy: the header, no inline script in any template or page, and the API
docs working under it."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
TEMPLATE_DIRS = [ROOT / "templates", *sorted(ROOT.glob("apps/*/templates"))]
# <script> tags whose content is data, not code (json_script writes application/json).
DATA_TYPES = {"application/json", "application/ld+json", "text/template"}
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
HANDLER = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.IGNORECASE)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.IGNORECASE)
TYPE = re.compile(r"""type\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


def _templates():
    for folder in TEMPLATE_DIRS:
        yield from sorted(p for p in folder.rglob("*") if p.suffix in {".html", ".txt", ".js"})


def inline_script_problems(text: str) -> list[str]:
    problems = []
    for attributes, body in SCRIPT.findall(text):
        kind = TYPE.search(attributes)
        if kind and kind.group(1).strip().lower() in DATA_TYPES:
            continue
        if "src=" in attributes.replace(" ", "").lower():
            if body.strip():
                problems.append("<script src> with a body")
            continue
        problems.append(f"inline <script>: {body.strip()[:60]!r}")
    problems += [f"inline event handler {m.group(0).strip()!r}" for m in HANDLER.finditer(text)]
    problems += [f"javascript: URL in {m.group(1)}" for m in JS_URL.finditer(text)]
    return problems


def test_the_scanner_catches_what_it_must():
    assert inline_script_problems("<script>alert(1)</script>")
    assert inline_script_problems('<SCRIPT type="module">import x</SCRIPT >')
    assert inline_script_problems('<button onclick="go()">')
    assert inline_script_problems('<a href="javascript:go()">')
    assert not inline_script_problems('<script src="/static/js/a.js"></script>')
    assert not inline_script_problems('<script id="d" type="application/json">{}</script>')
    assert not inline_script_problems('<button data-once="x" hx-post="/a">')


@pytest.mark.parametrize("path", list(_templates()), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_has_inline_script(path):
    assert inline_script_problems(path.read_text(encoding="utf-8")) == []


class _Scripts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inline = []
        self._open = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and "src" not in attrs:
            self._open = attrs.get("type", "")

    def handle_data(self, data):
        if self._open is not None and self._open not in DATA_TYPES and data.strip():
            self.inline.append(data.strip()[:60])

    def handle_endtag(self, tag):
        if tag == "script":
            self._open = None


def _inline_scripts(html: str) -> list[str]:
    parser = _Scripts()
    parser.feed(html)
    return parser.inline


@pytest.mark.parametrize("path", ["/", "/standards/", "/rankings/", "/accounts/login/"])
def test_pages_send_the_policy_and_run_no_inline_script(client, path):
    response = client.get(path)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy
    assert _inline_scripts(response.content.decode()) == []


def test_admin_pages_run_no_inline_script(client, admin_user):
    client.force_login(admin_user)
    for path in ["/admin/", "/admin/accounts/user/", "/admin/accounts/user/add/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert _inline_scripts(response.content.decode()) == [], path


def test_api_docs_load_their_script_from_a_url(client):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert _inline_scripts(html) == []
    assert "/api/docs/?script=" in html
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()
    assert "/api/schema/" in script.content.decode()
