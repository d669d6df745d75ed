"""What people read never speaks the database's language (issue 18): no page a role can open,
no CSV export and no mail of a typical year shows a raw enumeration value where its label
belongs, a Python repr, a decimal with trailing zeros, an audit action key, a model's field
name, a database id as data, or a string nobody translated.

The pages are every GET row of the permission matrix (tests/security/test_permission_matrix.py)
that answers 200 to a role, Django's admin included (its index, every model's list, one
object's page, its history and delete pages, the add pages: for the bureau staff, the three
administrators and the emergency superuser), requested as that role with Django's test client
in Chinese and in English. In Chinese an English word that is a choice value or a field name
can only be a raw value, and a word in Latin letters that is not in the data nor a name
written alike in both languages (Excel, Python) is an untranslated string; in English a run
of Chinese characters that is not in the data is one. The world is the matrix's
(tests/factories/world.py) plus what else a year brings: a spot-check result with findings, a
revoked title, a decided incentive application and a decided name change; the mails are those
the year's events sent (both outboxes, sent as the workers send them).

Not scanned, on purpose: the JSON API and the partners' CSV feed under api/ (machine-readable,
they speak codes by contract: docs/CONTRACT.md), file downloads (PDF, standard texts), and the
import templates, exports and error files (machine formats that are read back in)."""

from __future__ import annotations

import csv
import io
import json
import re
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.db import models, transaction
from django.test import Client, override_settings

from apps.core import inbox
from apps.core.models import AuditEntry
from apps.enterprises import services as enterprises
from apps.incentives import services as incentives
from apps.leaders import notifications as leader_notifications
from apps.leaders.services import titles as leaders
from apps.supervision import services as supervision
from tests.factories.world import ROLES, build_world
from tests.security.test_permission_matrix import ADMIN, TABLE, _kwargs, admin_rows, path_of

pytestmark = pytest.mark.django_db

# Routes whose answers are for machines, not people (see the module docstring).
MACHINE_ROUTES = re.compile(
    r"^(api/|healthz|i18n/|admin/jsi18n/|admin/autocomplete/"
    r"|admin/core/importrun/(template|export)/|admin/core/importrun/<int:run_id>/errors\.csv"
    r"|workspace/evaluator/schemes/<int:pk>/scores/template\.csv)"
)

# ---------------------------------------------------------------- what people see


class _Visible(HTMLParser):
    """The text a person sees or hears: text nodes (not scripts or styles) and the attributes
    a browser or screen reader shows (title, alt, placeholder, aria-label, button values).
    Text marked as code (<code>, <kbd>, <samp>) is left out: pages show identifiers there on
    purpose (a scheme code, the column names of an import format in docs/CONTRACT.md §2)."""

    HIDDEN = {"script", "style", "template", "code", "kbd", "samp"}
    SHOWN = {"title", "alt", "placeholder", "aria-label"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self._hidden += 1
            return
        attrs = dict(attrs)
        for name in self.SHOWN:
            if attrs.get(name):
                self.chunks.append(attrs[name])
        if tag == "input" and attrs.get("type") in {"submit", "button"} and attrs.get("value"):
            self.chunks.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.chunks.append(data.strip())


def visible_text(html: str) -> list[str]:
    parser = _Visible()
    parser.feed(html)
    return parser.chunks


def csv_cells(content: bytes) -> list[str]:
    text = content.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text)) for cell in row if cell.strip()]


# ---------------------------------------------------------------- what must not be there


def _choice_values() -> set[str]:
    """Every text value of the project's choices whose label differs from it: TextChoices
    classes of our apps and the choices of our models' fields (array fields included)."""
    values = set()

    def add(choices):
        for value, label in choices:
            if isinstance(value, str) and value != str(label):
                values.add(value)

    def walk(cls):
        for sub in cls.__subclasses__():
            if sub.__module__.startswith("apps."):
                add(sub.choices)
            walk(sub)

    walk(models.TextChoices)
    for model in apps.get_models():
        if not model.__module__.startswith("apps."):
            continue
        for field in model._meta.get_fields():
            for each in (field, getattr(field, "base_field", None)):
                if getattr(each, "choices", None):
                    add(each.flatchoices)
    return values


def _field_names() -> set[str]:
    """Our models' field names that are not also plain words of a label (status, name …
    appear in no Chinese label, so any of them on a Chinese page is a raw key)."""
    names = set()
    for model in apps.get_models():
        if model.__module__.startswith("apps."):
            names |= {field.name for field in model._meta.concrete_fields}
            names |= {field.attname for field in model._meta.concrete_fields}
    return names


def _action_keys() -> set[str]:
    """The audit log's action keys: those written in the code and those of the world."""
    keys = set(AuditEntry.objects.values_list("action", flat=True))
    for path in (Path(settings.BASE_DIR) / "apps").rglob("*.py"):
        keys |= set(re.findall(r'action=\s*"([a-z_]+\.[a-z_.]+)"', path.read_text()))
    return keys


REPRS = [
    (re.compile(r"object at 0x|<\w+(?:\.\w+)*: [^>]*>"), "a Python object's repr"),
    (re.compile(r"\bQuerySet\b"), "a QuerySet"),
    (re.compile(r"\{'|\['|'\}|'\]"), "a Python dict or list"),
    (re.compile(r"\b(?:None|True|False)\b"), "None, True or False"),
    (re.compile(r"\b(?:Decimal|datetime\.date|datetime\.datetime)\("), "a Python value's repr"),
    (re.compile(r"(?<![\d.])\d+\.\d*0(?![\d.])"), "a decimal with trailing zeros"),
    (re.compile(r"(?<![\w.])(?:id|pk|ID|Id)\s*[:：=#]?\s*\d+\b"), "a database id"),
]
# A word in Latin letters, as a token: not part of a longer word, code, address or file name.
WORD = r"(?<![\w\-/@.&=?]){}(?![\w\-/@]|\.\w)"


def _data_text() -> str:
    """Every text the database holds (names, titles, reasons, emails, codes …), one blob: a
    page may show them in any language, since data stays as its author wrote it."""
    texts = []
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField, models.JSONField))
            or getattr(getattr(f, "base_field", None), "max_length", None)
        ]
        if model._meta.managed and fields:
            for row in model._base_manager.values_list(*fields):
                texts += [json.dumps(v, ensure_ascii=False) for v in row if v]
    return "\n".join(texts)


# Text in the other language: a word in Latin letters on a Chinese page (not a file name's
# extension, .xlsx, nor part of a code, Q1, or of a masked secret, rA*****), a run of Chinese
# characters on an English page. It may come from the data; otherwise it is a string nobody
# translated (a third-party app's label or help text, a msgid missing from a catalogue, a
# sentence glued together in code).
# An e-mail address is an address in either language, not an English word.
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
LATIN = re.compile(r"(?<![.\w*])[A-Za-z][A-Za-z’']*(?![\w*])", re.ASCII)
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
# Names, abbreviations and keys that a page writes the same in both languages.
BOTH_LANGUAGES = {
    "zh-hans": re.compile(
        r"^(?:[A-Z]{1,6}s?|[a-z]{1,2}|English|Excel|Python|Unix|Mac|Control|Command"
        r"|Microsoft|Google|Authenticator|FreeOTP|Android|iPhone|Atom)$"
    ),
    # The language switcher names Chinese in Chinese; the pilot-tag search box's example
    # is part of the demo's Chinese enterprise name, what a reader types in any language.
    "en": re.compile(r"^(?:简体中文|中文|领跑示范)$"),
}


class Scanner:
    def __init__(self, language: str = "zh-hans"):
        self.language = language
        self.choices = _choice_values()
        self.fields = _field_names()
        self.actions = _action_keys()
        self._data: str | None = None
        self._read_for = ""
        words = sorted(self.choices | self.fields, key=len, reverse=True)
        self.word = re.compile(WORD.format("(" + "|".join(map(re.escape, words)) + ")"))
        self.action = re.compile(
            WORD.format("(" + "|".join(map(re.escape, sorted(self.actions))) + ")")
        )
        self.reprs = [
            (pattern, what)
            for pattern, what in REPRS
            # An English page may say "None" (nothing); the Chinese scan, of the same
            # templates and data, catches Python's None, True and False.
            if language != "en" or what != "None, True or False"
        ]
        self.problems: list[str] = []

    def _foreign(self, chunk: str, data: str, data_words: set[str]) -> list[str]:
        if self.language == "en":
            runs = (m.group(0) for m in HAN.finditer(chunk))
            return [run for run in runs if run not in data and not BOTH_LANGUAGES["en"].match(run)]
        words = (m.group(0) for m in LATIN.finditer(EMAIL.sub(" ", chunk)))
        return [w for w in words if w not in data_words and not BOTH_LANGUAGES["zh-hans"].match(w)]

    def _other_language(self, where: str, chunk: str) -> list[str]:
        if self._data is None:
            self._refresh(where)
        found = self._foreign(chunk, self._data, self._data_words)
        if found and self._read_for != where:
            # Opening the page may have added data (a device, an audit entry): read again.
            self._refresh(where)
            found = self._foreign(chunk, self._data, self._data_words)
        what = "Chinese" if self.language == "en" else "English"
        return [f"untranslated {what} {text!r}" for text in found]

    def _refresh(self, where: str) -> None:
        self._read_for = where
        self._data = _data_text()
        self._data_words = {m.group(0) for m in re.finditer(r"[A-Za-z][A-Za-z’']*", self._data)}

    def scan(self, where: str, chunks: list[str]) -> None:
        for chunk in chunks:
            found = []
            # In English a choice value or a field name may be a plain word of a sentence.
            for match in self.word.finditer(chunk) if self.language != "en" else ():
                word = match.group(1)
                what = "a choice value" if word in self.choices else "a field name"
                found.append(f"{what} {word!r}")
            found += [f"an audit action key {m.group(1)!r}" for m in self.action.finditer(chunk)]
            for pattern, what in self.reprs:
                found += [f"{what} {m.group(0)!r}" for m in pattern.finditer(chunk)]
            found += self._other_language(where, chunk)
            for problem in found:
                if not allowed(where, chunk, problem):
                    self.problems.append(f"{where}: {problem} in {chunk[:160]!r}")


# What may look like a raw value but is not one, each with its reason: (where, words).
ALLOWED = [
    # docs/CONTRACT.md §4 and §5: the public spot-check export is the file `export_csv
    # spotcheck` writes, `uscc,standard_no,reason,inspector_1,inspector_2`, reasons `leader`
    # and `random`, which auditors re-derive from the published seed.
    (
        re.compile(r"^/spotchecks/\d+/export\.csv "),
        {"uscc", "standard_no", "reason", "inspector_1", "inspector_2", "leader", "random"},
    ),
]


def allowed(where: str, chunk: str, problem: str) -> bool:
    word = re.search(r"'([^']*)'$", problem)
    return any(place.match(where) and word and word.group(1) in words for place, words in ALLOWED)


# ---------------------------------------------------------------- the world and its year


def _a_year(world) -> None:
    """What else a year brings, beyond the matrix's world."""
    o, bureau = world.objects, world.users["bureau"]
    incentives.application_change_status(
        application=o["application_x"],
        target="approved",
        actor=world.users["partner"],
        reason="材料齐全，同意贷款",
    )
    # A failed spot check of a leader's standard also revokes that title.
    item = o["plan_approved"].items.first()
    supervision.item_record_result(
        item=item,
        passed=False,
        findings=["inconsistent"],
        notes="抽查样品能效比低于声明值",
        actor=bureau,
    )
    leader = o["leader_published"]
    leader.refresh_from_db()
    if leader.status != "revoked":
        leaders.leader_revoke(leader=leader, reason="企业申请撤销", actor=bureau)
    change = o["enterprise_a"].name_changes.first()
    enterprises.name_change_decide(change=change, approve=True, actor=bureau)


@pytest.fixture(scope="module")
def year(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world and its year, built once in a transaction rolled back at the end; the mails
    they sent, sent as the workers send them."""
    media = tmp_path_factory.mktemp("readable-media")
    storages = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(media)},
        },
    }
    with django_db_blocker.unblock(), override_settings(STORAGES=storages):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            mail.outbox = []
            world = build_world()
            _a_year(world)
            while inbox.send_pending() or leader_notifications.notifications_send():
                pass
            world.mails = list(mail.outbox)
            yield world
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# ---------------------------------------------------------------- the tests


def _pages_of(world, role):
    column = ROLES.index(role)
    for method, route, target, expected in TABLE + admin_rows():
        if method != "GET" or expected[column] != 200 or MACHINE_ROUTES.match(route):
            continue
        if target and "json" in target:
            continue
        yield route, path_of(route, _kwargs(world, route, target))


# The admin's model pages each role must have read: the list, one object's page and the
# add page, wherever the permission matrix lets the role open them.
ADMIN_PAGES = {"": "v", "<path:object_id>/change/": "v", "add/": "a"}


ADMIN_COLUMNS = ("bureau", "admin", "sysadm", "secadm", "audadm")  # those of ADMIN's table


def _admin_pages_expected(role) -> set[str]:
    if role not in ADMIN_COLUMNS:
        return set()
    column = ADMIN_COLUMNS.index(role)
    expected = {"admin/"}
    for model, letters in ADMIN.items():
        for suffix, letter in ADMIN_PAGES.items():
            if letter in letters[column]:
                expected.add(f"admin/{model.replace('.', '/')}/{suffix}")
    return expected


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("role", ROLES)
def test_pages_and_exports_speak_in_labels(year, role, language, settings):
    settings.RATELIMIT_ENABLED = False
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if year.users[role] is not None:
        client.force_login(year.users[role])
    scanner = Scanner(language)
    seen, read = 0, set()
    for route, path in _pages_of(year, role):
        response = client.get(path)
        if response.status_code == 302:  # the year moved on (an application decided …)
            continue
        assert response.status_code == 200, f"{path} as {role}: {response.status_code}"
        kind = response.get("Content-Type", "")
        if kind.startswith("text/html"):
            scanner.scan(f"{path} as {role}", visible_text(response.content.decode()))
        elif kind.startswith("text/csv"):
            scanner.scan(f"{path} as {role}", csv_cells(b"".join(response)))
        else:
            continue
        seen += 1
        read.add(route)
    assert seen >= 30  # every role opens dozens of pages
    assert not _admin_pages_expected(role) - read, "admin pages not read"
    assert not scanner.problems, "\n".join(scanner.problems)


def test_mails_of_a_year_speak_in_labels(year):
    assert len(year.mails) >= 5
    scanner = Scanner()
    for message in year.mails:
        scanner.scan(f"mail {message.subject!r}", [message.subject, message.body])
    assert not scanner.problems, "\n".join(scanner.problems)


def test_the_scan_catches_what_it_should(year):
    """The scanner itself, on the shapes issue 18 saw."""
    scanner = Scanner()
    page = (
        "<main><p>发现问题：inconsistent</p><td>standard.create</td><td>category: — → 2</td>"
        "<td>district: chaoyang</td><td>{'EER': '4.4'}</td><td>4.400000</td><td>None</td>"
        "<script>var status = 'draft';</script></main>"
    )
    scanner.scan("sample", visible_text(page))
    found = "\n".join(scanner.problems)
    for expected in (
        "a choice value 'inconsistent'",
        "an audit action key 'standard.create'",
        "a field name 'category'",
        "a choice value 'chaoyang'",
        "a Python dict or list",
        "a decimal with trailing zeros '4.400000'",
        "None, True or False 'None'",
    ):
        assert expected in found, expected
    assert "'draft'" not in found  # scripts are not read
    clean = Scanner()
    clean.scan("clean", visible_text("<p>能效比 4.4，得分 93.33，2026-05-01，Q/LP 001-2025</p>"))
    assert not clean.problems
    # A string nobody translated: English on a Chinese page, Chinese on an English one;
    # the data (an enterprise's name) may be in either.
    untranslated = Scanner("zh-hans")
    untranslated.scan("zh", visible_text('<th>Model name</th><img alt="Search"><p>上传 .xlsx</p>'))
    found = "\n".join(untranslated.problems)
    assert "untranslated English 'Model'" in found and "'Search'" in found
    assert "xlsx" not in found
    english = Scanner("en")
    name = year.objects["enterprise_a"].name
    english.scan("en", visible_text(f"<p>Change history of {name}</p><p>管理后台</p>"))
    assert [p.split(": ", 1)[1] for p in english.problems] == [
        "untranslated Chinese '管理后台' in '管理后台'"
    ]
    assert Decimal("4.400000")  # the shape the formatter turns into 4.4
