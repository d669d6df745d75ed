"""Every form a role can reach can be submitted as a browser would submit it.

907 tests once passed while two forms a person needs were unusable: a group of checkboxes was
rendered as one checkbox without a value, so the browser sent "on" and the server answered
"on 不在可用的选项中". This test finds the forms the way `test_forms_junk` does (each demo role
crawls the pages it can reach), then fills each one only with what the rendered page offers:
the values of its options, checkboxes and radios, its hidden fields, and plausible text of
the input's type; a checkbox or radio without a `value` sends "on", as browsers do. No
answer may be a server error, and no answer may refuse a value the page itself offered.
"""

import datetime
import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from tests.factories.world import build_world
from tests.security.test_forms_junk import SKIP_PREFIXES, _plain_paths

pytestmark = [pytest.mark.django_db, pytest.mark.crawl]

# Django's messages for a submitted value that is not among the field's choices.
REFUSED_OFFERED_VALUE = [
    "不在可用的选项中",
    "不是可用的选项",
    "选择一个有效的选项",
    "is not one of the available choices",
    "Select a valid choice",
]
MAX_PAGES = 130
TEXT_BY_TYPE = {
    "email": "person@example.cn",
    "number": "1",
    "date": datetime.date.today().isoformat(),
    "datetime-local": datetime.datetime.now().strftime("%Y-%m-%dT%H:%M"),
    "url": "https://example.cn/",
    "tel": "13800000000",
    "password": "An0ther-Passw0rd-2026",
    "search": "标准",
    "text": "测试",
    "textarea": "测试说明",
}


class _Forms(HTMLParser):
    """Post forms with their fields as a browser sees them; links to follow."""

    def __init__(self):
        super().__init__()
        self.links, self.forms = [], []
        self._form = self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form" and (attrs.get("method") or "get").lower() == "post":
            self._form = {"action": attrs.get("action") or "", "fields": []}
        elif self._form is None:
            return
        elif tag == "input" and attrs.get("name") and "disabled" not in attrs:
            self._form["fields"].append(
                {
                    "name": attrs["name"],
                    "type": (attrs.get("type") or "text").lower(),
                    "value": attrs.get("value"),
                    "checked": "checked" in attrs,
                    "required": "required" in attrs,
                }
            )
        elif tag == "select" and attrs.get("name") and "disabled" not in attrs:
            self._select = {
                "name": attrs["name"],
                "type": "select",
                "options": [],
                "multiple": "multiple" in attrs,
            }
            self._form["fields"].append(self._select)
        elif tag == "option" and self._select is not None:
            self._select["options"].append((attrs.get("value"), "selected" in attrs))
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = {"name": attrs["name"], "type": "textarea", "value": ""}
            self._form["fields"].append(self._textarea)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["value"] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


def _crawl(client, start):
    seen, queue, forms = set(), list(start), {}
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        shape = re.sub(r"\d+", "N", path)
        if shape in seen:
            continue
        seen.add(shape)
        response = client.get(path)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        page = _Forms()
        page.feed(response.content.decode())
        for form in page.forms:
            action = urlsplit(urljoin(path, form["action"])).path or path
            names = tuple(sorted(field["name"] for field in form["fields"]))
            forms.setdefault((re.sub(r"\d+", "N", action), names), (action, form["fields"]))
        for href in page.links:
            parts = urlsplit(urljoin(path, href))
            if parts.netloc or not parts.path.startswith("/"):
                continue
            if not parts.path.startswith(SKIP_PREFIXES):
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return forms


def _as_a_browser(fields) -> dict:
    """What a person filling every field, ticking the first choice of each group and
    choosing the first real option of each list, would send."""
    data, groups = {}, {}
    for field in fields:
        name, kind = field["name"], field["type"]
        if kind in {"submit", "button", "image", "reset"}:
            continue
        if kind in {"checkbox", "radio"}:
            groups.setdefault(name, []).append(field)
        elif kind == "select":
            values = [value if value is not None else "" for value, _ in field["options"]]
            chosen = [
                v for (v, selected), v in zip(field["options"], values, strict=True) if selected
            ]
            real = [value for value in values if value != ""]
            data[name] = chosen or real[:1] or values[:1]
        elif kind == "file":
            data[name] = SimpleUploadedFile("text.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
        elif kind == "hidden" or field.get("value"):
            data[name] = field.get("value") or ""
        else:
            data[name] = TEXT_BY_TYPE.get(kind, TEXT_BY_TYPE["text"])
    for name, boxes in groups.items():
        # A browser sends "on" for a box without a value: that is how the broken group failed.
        ticked = [box for box in boxes if box["checked"]] or boxes[:1]
        data[name] = [box["value"] if box["value"] is not None else "on" for box in ticked]
    return data


def test_every_reachable_form_accepts_what_its_page_offers(client, settings):
    settings.RATELIMIT_ENABLED = False
    settings.AXES_ENABLED = False
    # The demo (what a person following the README meets) and the permission matrix's world
    # (every object state: reviews waiting for experts, objections, applications ...).
    call_command("seed_demo", enterprises=4, stdout=None)
    demo = get_user_model().objects.filter(email__endswith="@demo.leaders.cn").order_by("email")
    world = build_world()
    users = [None, *demo, *(user for user in world.users.values() if user is not None)]
    start = _plain_paths()
    failures, kinds, posted = [], set(), []
    for user in users:
        client.logout()
        if user is not None:
            client.force_login(user)
        for action, fields in _crawl(client, start).values():
            if action.startswith(("/accounts/logout", "/i18n/")):
                continue
            kinds.update(field["type"] for field in fields)
            kinds.update(
                "checkbox group"
                for f in fields
                if f["type"] == "checkbox" and sum(g["name"] == f["name"] for g in fields) > 1
            )
            response = client.post(action, _as_a_browser(fields))
            who = user.email if user else "anonymous"
            posted.append(f"{who} {action}")
            if response.status_code >= 500:
                failures.append(f"{who} POST {action} -> {response.status_code}")
            body = response.content.decode(errors="replace")
            refused = [text for text in REFUSED_OFFERED_VALUE if text in body]
            if refused:
                failures.append(f"{who} POST {action}: refused an offered value ({refused[0]})")
            if user is not None and not client.session.get("_auth_user_id"):
                client.force_login(user)
    assert len(posted) > 30, posted
    # Forms reached only through a role's workspace are among them, e.g. the evaluators'
    # score upload (scoring page -> 上传评分文件).
    assert any(re.search(r"/workspace/evaluator/schemes/\d+/scores/upload/$", p) for p in posted)
    # The field types the portal's forms use are all exercised here.
    assert {"text", "select", "checkbox", "checkbox group", "radio", "file", "textarea"} <= kinds
    assert failures == []
