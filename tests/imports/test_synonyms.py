# ruff: noqa: E501  (exact user-facing messages read best unbroken)
"""The `synonyms` kind (CONTRACT.md §2, 2026-12): key (term, canonical), the term compared
case-insensitively, all or nothing; from the command, the admin's import pages and the
admin's own form; exported like every kind."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from apps.core.models import AuditEntry, ImportRun
from apps.declarations.models import Synonym

pytestmark = pytest.mark.django_db


def pairs():
    return sorted(Synonym.objects.values_list("term", "canonical"))


def test_import_creates_then_changes_nothing(run_import):
    content = "term,canonical\n空调,空气调节器\n空调,冷水机组\n电饭煲,电饭锅\n"
    outcome = run_import("synonyms", content)
    assert (outcome.code, outcome.out) == (0, "synonyms: created 3, updated 0, unchanged 0")
    assert pairs() == [("电饭煲", "电饭锅"), ("空调", "冷水机组"), ("空调", "空气调节器")]
    outcome = run_import("synonyms", content)
    assert (outcome.code, outcome.out) == (0, "synonyms: created 0, updated 0, unchanged 3")


def test_chinese_headers_trimming_and_case(run_import):
    content = "检索词*,规范用词\n  CNC ,数控机床\nAC,空气调节器\n"
    outcome = run_import("synonyms", content.encode("gb18030"), name="同义词.csv")
    assert (outcome.code, outcome.out) == (0, "synonyms: created 2, updated 0, unchanged 0")
    assert pairs() == [("ac", "空气调节器"), ("cnc", "数控机床")]
    # The same term in another case is the same key: nothing new.
    outcome = run_import("synonyms", "term,canonical\nCnc,数控机床\nac ,空气调节器\n")
    assert (outcome.code, outcome.out) == (0, "synonyms: created 0, updated 0, unchanged 2")


def test_duplicates_in_the_file_are_refused_and_nothing_is_written(run_import):
    content = "term,canonical\n空调,空气调节器\n电饭煲,电饭锅\nAC,空气调节器\n 空调 ,空气调节器\nac,空气调节器\n"
    outcome = run_import("synonyms", content)
    assert outcome.code == 1
    assert outcome.lines == [
        "row 5, column term: 与第 2 行重复：空调 / 空气调节器 在同一文件中只能出现一次",
        "row 6, column term: 与第 4 行重复：ac / 空气调节器 在同一文件中只能出现一次",
    ]
    assert pairs() == []


def test_missing_and_unknown_columns(run_import):
    outcome = run_import("synonyms", "term\n空调\n")
    assert outcome.code == 1
    assert outcome.lines == ["row 1, column canonical: 缺少必填列 canonical（规范用词）"]
    outcome = run_import("synonyms", "term,canonical,note\n空调,空气调节器,x\n")
    assert outcome.lines == [
        "row 1, column note: 未知的列“note”；此类数据可用的列：term [检索词], canonical [规范用词]"
    ]
    assert pairs() == []


def test_one_bad_row_writes_nothing(run_import):
    long = "词" * 101
    content = f"term,canonical\n空调,空气调节器\n,电饭锅\n电饭煲,\n{long},数控机床\n"
    outcome = run_import("synonyms", content)
    assert outcome.code == 1
    assert outcome.lines == [
        "row 3, column term: 必填，不能为空",
        "row 4, column canonical: 必填，不能为空",
        "row 5, column term: 长度为 101 个字符，超过上限 100",
    ]
    assert pairs() == []
    assert ImportRun.objects.get().status == "invalid"


def test_dry_run_writes_nothing(run_import):
    outcome = run_import("synonyms", "term,canonical\n空调,空气调节器\n", dry_run=True)
    assert outcome.code == 0
    assert outcome.out.splitlines() == [
        "synonyms: created 1, updated 0, unchanged 0",
        "dry run: nothing written",
    ]
    assert pairs() == []


def test_export_round_trips(run_import, tmp_path):
    run_import("synonyms", "term,canonical\n空调,空气调节器\n=cmd,电饭锅\nAC,空气调节器\n")
    path = tmp_path / "out.csv"
    call_command("export_csv", "synonyms", str(path), stdout=io.StringIO())
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    assert rows == [
        ["term", "canonical"],
        ["'=cmd", "电饭锅"],
        ["ac", "空气调节器"],
        ["空调", "空气调节器"],
    ]
    outcome = run_import("synonyms", path)
    assert (outcome.code, outcome.out) == (0, "synonyms: created 0, updated 0, unchanged 3")


def test_admin_import_page_preview_and_confirm(client_for, bureau_user):
    client = client_for(bureau_user)
    page = client.get(reverse("admin:declarations_synonym_changelist")).content.decode()
    assert reverse("admin:declarations_synonym_import") in page
    content = "检索词,规范用词\n空调,空气调节器\n电饭煲,电饭锅\n".encode()
    response = client.post(
        reverse("admin:declarations_synonym_import"),
        {"format": "0", "import_file": SimpleUploadedFile("同义词.csv", content)},
    )
    assert "共 2 行：新增 2，更新 0，不变 0" in response.content.decode()
    assert pairs() == []
    confirm = response.context["confirm_form"]
    data = {name: confirm[name].value() for name in confirm.fields}
    response = client.post(reverse("admin:declarations_synonym_process_import"), data)
    assert response.status_code == 302
    assert pairs() == [("电饭煲", "电饭锅"), ("空调", "空气调节器")]


def test_admin_form_adds_a_synonym_normalised_and_audited(client_for, bureau_user):
    client = client_for(bureau_user)
    url = reverse("admin:declarations_synonym_add")
    form = client.get(url).context["adminform"].form
    assert list(form.fields) == ["term", "canonical"]
    response = client.post(url, {"term": "  Air Con ", "canonical": " 空气调节器 ", "_save": "1"})
    assert response.status_code == 302
    synonym = Synonym.objects.get()
    assert (synonym.term, synonym.canonical) == ("air con", "空气调节器")
    entry = AuditEntry.objects.get(action="admin.create")
    assert entry.changes["term"] == [None, "air con"]
    # The same pair again, in another case, is refused with a message, not an error page.
    response = client.post(url, {"term": "AIR CON", "canonical": "空气调节器", "_save": "1"})
    assert response.status_code == 200
    assert "包含 检索词 和 规范用词 的 检索同义词 已经存在。" in response.content.decode()
    assert Synonym.objects.count() == 1


def test_enterprise_users_cannot_reach_the_synonym_admin(client_for, enterprise_user):
    response = client_for(enterprise_user).get(reverse("admin:declarations_synonym_changelist"))
    assert response.status_code == 302
