# ruff: noqa: E501  (exact user-facing messages read best unbroken)
"""The admin flow: upload -> review (preview, every problem) -> confirm; templates, error
reports, exports, background jobs with progress; staff only."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from apps.catalog.models import Category
from apps.core.imports.engine import run_import
from apps.core.imports.spec import get_import_kind
from apps.core.models import ImportRun
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

GOOD = "code,name,sector\nC-AC,房间空气调节器,consumer_goods\nC-NEW,新类别,emerging\n"
BAD = "code,name,sector\nC-AC,房间空气调节器,家电\nC-AC,重复,emerging\n"


def upload(client, content, kind="categories", name="cats.csv"):
    return client.post(
        reverse("admin:core_importrun_upload"),
        {"kind": kind, "file": SimpleUploadedFile(name, content.encode("utf-8"))},
    )


def test_upload_preview_confirm_writes_the_file(client_for, bureau_user):
    client = client_for(bureau_user)
    Category.objects.create(code="C-AC", name="房间空气调节器", sector="consumer_goods")
    response = upload(client, GOOD)
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("admin:core_importrun_review", args=[run.pk])
    assert (run.status, run.dry_run, run.created, run.unchanged, run.actor) == (
        "validated",
        True,
        1,
        1,
        bureau_user,
    )
    assert run.preview == [
        {"row": 2, "action": "unchanged", "key": ["C-AC"]},
        {"row": 3, "action": "new", "key": ["C-NEW"]},
    ]
    page = client.get(response.url).content.decode()
    assert "确认导入" in page and "新增" in page and "不变" in page
    assert not Category.objects.filter(code="C-NEW").exists()

    response = client.post(reverse("admin:core_importrun_confirm", args=[run.pk]))
    run.refresh_from_db()
    assert (run.status, run.dry_run, run.created) == ("succeeded", False, 1)
    assert Category.objects.get(code="C-NEW").sector == "emerging"
    page = client.get(response.url).content.decode()
    assert "categories: created 1, updated 0, unchanged 1" in page
    # A second confirm of the same run does nothing.
    client.post(reverse("admin:core_importrun_confirm", args=[run.pk]))
    assert Category.objects.count() == 2


def test_invalid_upload_shows_every_problem_and_an_error_report(client_for, bureau_user):
    client = client_for(bureau_user)
    response = upload(client, BAD)
    run = ImportRun.objects.get()
    assert (run.status, run.error_count) == ("invalid", 2)
    page = client.get(response.url).content.decode()
    assert "row 2, column sector: “家电” 不是允许的值" in page
    assert "row 3, column code: 与第 2 行重复：C-AC 在同一文件中只能出现一次" in page
    assert "确认导入" not in page
    report = client.get(reverse("admin:core_importrun_errors", args=[run.pk]))
    text = b"".join(report.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(text.lstrip("\ufeff")))) == [
        ["row", "column", "message"],
        [
            "2",
            "sector",
            "“家电” 不是允许的值，可选：consumer_goods（主要消费品）、equipment（装备制造）、emerging（新兴产业）、services（服务）",
        ],
        ["3", "code", "与第 2 行重复：C-AC 在同一文件中只能出现一次"],
    ]
    response = client.post(reverse("admin:core_importrun_confirm", args=[run.pk]), follow=True)
    assert "只有校验通过且尚未确认的导入可以确认写入" in response.content.decode()
    assert not Category.objects.exists()


def test_upload_form_rejects_other_file_types(client_for, bureau_user):
    response = upload(client_for(bureau_user), "x", name="cats.txt")
    assert response.status_code == 200
    assert "请上传 .csv 或 .xlsx 文件" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_large_upload_runs_in_the_background_with_progress(
    client_for, bureau_user, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_BACKGROUND_THRESHOLD = 10
    client = client_for(bureau_user)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = upload(client, GOOD)
    assert len(callbacks) == 1
    run = ImportRun.objects.get()
    assert (run.background, run.status) == (True, "validated")
    progress_url = reverse("admin:core_importrun_progress", args=[run.pk])
    assert client.get(progress_url).json() == {
        "status": "validated",
        "stage": "validated",
        "percent": 100,
    }
    assert client.get(progress_url, headers={"HX-Request": "true"})["HX-Refresh"] == "true"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:core_importrun_confirm", args=[run.pk]))
    run.refresh_from_db()
    assert (run.status, run.created) == ("succeeded", 2)
    assert response.status_code == 302


def test_review_page_polls_progress_while_a_job_is_queued(client_for, bureau_user, settings):
    settings.IMPORT_BACKGROUND_THRESHOLD = 10
    client = client_for(bureau_user)
    upload(client, GOOD)  # on_commit never fires inside the test transaction: still queued
    run = ImportRun.objects.get()
    assert run.status == "queued"
    page = client.get(reverse("admin:core_importrun_review", args=[run.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page and "<progress" in page
    partial = client.get(
        reverse("admin:core_importrun_progress", args=[run.pk]), headers={"HX-Request": "true"}
    )
    assert "<progress" in partial.content.decode()


def test_engine_reports_progress_while_reading(tmp_path):
    kind = get_import_kind("categories")
    content = "code,name,sector\n" + "".join(f"C-{n},类别{n},emerging\n" for n in range(45_000))
    reports = []
    run_import(
        kind,
        io.BytesIO(content.encode()),
        "big.csv",
        size=len(content.encode()),
        dry_run=True,
        progress=lambda stage, fraction: reports.append((stage, fraction)),
    )
    reading = [fraction for stage, fraction in reports if stage == "reading"]
    assert len(reading) == 2 and 0 < reading[0] < reading[1] <= 1
    assert reports[-1] == ("validating", 1.0)
    assert not Category.objects.exists()


def test_templates_have_chinese_or_english_headers(client_for, bureau_user):
    client = client_for(bureau_user)
    url = reverse("admin:core_importrun_template", args=["indicators", "csv"])
    assert client.get(url + "?lang=zh").content.decode("utf-8") == (
        "\ufeff类别代码,指标代码,指标名称,单位,方向,国家标准值,国际标准值\r\n"
    )
    assert (
        client.get(url + "?lang=en")
        .content.decode("utf-8")
        .startswith("\ufeffcategory_code,code,name,unit,direction")
    )
    response = client.get(
        reverse("admin:core_importrun_template", args=["standards", "xlsx"]) + "?lang=zh"
    )
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    assert list(next(workbook.worksheets[0].iter_rows(values_only=True))) == [
        "统一社会信用代码",
        "标准编号",
        "标准名称",
        "类别代码",
        "公开日期",
        "状态",
        "产品",
    ]
    notes = [list(row) for row in workbook.worksheets[1].iter_rows(values_only=True)]
    assert notes[6] == ["status", "状态", "否", "public（公开）、abolished（废止）"]
    assert (
        client.get(reverse("admin:core_importrun_template", args=["nope", "csv"])).status_code
        == 404
    )


def test_an_uploaded_template_is_a_header_only_file(client_for, bureau_user):
    client = client_for(bureau_user)
    template = client.get(
        reverse("admin:core_importrun_template", args=["enterprises", "xlsx"]) + "?lang=zh"
    )
    client.post(
        reverse("admin:core_importrun_upload"),
        {"kind": "enterprises", "file": SimpleUploadedFile("t.xlsx", template.content)},
    )
    assert ImportRun.objects.get().errors == "row 2, column -: 文件只有表头，没有数据行"


def test_admin_export_and_export_selected_action(client_for, admin_user):
    client = client_for(admin_user)
    first = Category.objects.create(code="C-1", name="=HYPERLINK()", sector="emerging")
    Category.objects.create(code="C-2", name="二", sector="emerging")
    response = client.get(reverse("admin:core_importrun_export", args=["categories"]))
    assert b"".join(response.streaming_content).decode("utf-8") == (
        "\ufeffcode,name,sector,kind\r\nC-1,'=HYPERLINK(),emerging,product\r\nC-2,二,emerging,product\r\n"
    )
    response = client.post(
        reverse("admin:catalog_category_changelist"),
        {"action": "export_selected", "_selected_action": [first.pk]},
    )
    assert b"".join(response.streaming_content).decode("utf-8").splitlines()[1:] == [
        "C-1,'=HYPERLINK(),emerging,product"
    ]
    page = client.get(reverse("admin:catalog_category_changelist")).content.decode()
    assert reverse("admin:catalog_category_import") in page
    assert reverse("admin:core_importrun_export", args=["categories"]) + "?format=xlsx" in page


ROLE_EXPECTATIONS = {
    "anonymous": 302,
    "enterprise": 302,
    "evaluator": 302,
    "expert": 302,
    "partner": 302,
    "bureau": 200,
    "administrator": 200,
}


@pytest.mark.parametrize("role", ROLE_EXPECTATIONS)
def test_import_pages_are_staff_only(client_for, users_by_role, role):
    client = client_for(users_by_role[role])
    run = ImportRun.objects.create(
        kind="categories", file_name="x.csv", sha256="0" * 64, status="invalid", source="admin"
    )
    urls = [
        reverse("admin:core_importrun_upload"),
        reverse("admin:core_importrun_review", args=[run.pk]),
        reverse("admin:core_importrun_progress", args=[run.pk]),
        reverse("admin:core_importrun_errors", args=[run.pk]),
        reverse("admin:core_importrun_template", args=["categories", "csv"]),
        reverse("admin:core_importrun_export", args=["categories"]),
        reverse("admin:core_importrun_changelist"),
        reverse("admin:core_importrun_change", args=[run.pk]),
    ]
    assert {url: client.get(url).status_code for url in urls} == {
        url: ROLE_EXPECTATIONS[role] for url in urls
    }


def test_staff_flag_without_a_staff_role_is_refused(client_for):
    user = UserFactory(role="enterprise", is_staff=True)
    client = client_for(user)
    assert client.get(reverse("admin:core_importrun_upload")).status_code == 403
    response = upload(client, GOOD)
    assert response.status_code == 403
    assert not ImportRun.objects.exists()


@pytest.mark.parametrize("count", [1, 30])
def test_import_run_changelist_query_count(
    client_for, bureau_user, django_assert_max_num_queries, count
):
    for n in range(count):
        ImportRun.objects.create(
            kind="categories",
            file_name=f"{n}.csv",
            sha256="0" * 64,
            status="succeeded",
            source="command",
            actor=bureau_user,
        )
    client = client_for(bureau_user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("admin:core_importrun_changelist"))
    assert response.status_code == 200
    assert response.content.decode().count("查看") >= count


def test_many_problems_are_capped_on_pages_and_complete_in_the_report(client_for, bureau_user):
    client = client_for(bureau_user)
    content = "code,name,sector\n" + "".join(f"C-{n},类别{n},nowhere\n" for n in range(600))
    upload(client, content)
    run = ImportRun.objects.get()
    assert run.error_count == 600
    page = client.get(reverse("admin:core_importrun_review", args=[run.pk])).content.decode()
    assert "row 501, column sector" in page and "row 502, column sector" not in page
    assert "另有 100 个问题，见错误报告。" in page
    change = client.get(reverse("admin:core_importrun_change", args=[run.pk])).content.decode()
    assert "row 201, column sector" in change and "row 202, column sector" not in change
    report = client.get(reverse("admin:core_importrun_errors", args=[run.pk]))
    assert len(b"".join(report.streaming_content).decode().splitlines()) == 601


def test_admin_export_xlsx_with_filter_and_bad_filter(client_for, bureau_user):
    from apps.catalog.models import KeyArea

    category = Category.objects.create(code="C-1", name="一", sector="emerging")
    KeyArea.objects.create(year=2025, category=category)
    KeyArea.objects.create(year=2026, category=category)
    client = client_for(bureau_user)
    url = reverse("admin:core_importrun_export", args=["key_areas"])
    response = client.get(url + "?format=xlsx&lang=zh&year=2026")
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [
        ["年度", "类别代码"],
        ["2026", "C-1"],
    ]
    assert client.get(url + "?year=twenty").status_code == 400
    assert client.get(reverse("admin:core_importrun_export", args=["nope"])).status_code == 404


def test_confirm_refuses_a_file_changed_after_validation(client_for, bureau_user):
    client = client_for(bureau_user)
    upload(client, "code,name,sector\nC-1,一,emerging\n")
    run = ImportRun.objects.get()
    with run.file.open("wb") as handle:
        handle.write("code,name,sector\nC-1,二,emerging\n".encode())
    client.post(reverse("admin:core_importrun_confirm", args=[run.pk]))
    run.refresh_from_db()
    assert (run.status, run.errors) == ("failed", "上传的文件在校验后被改动，请重新上传")
    assert not Category.objects.exists()
