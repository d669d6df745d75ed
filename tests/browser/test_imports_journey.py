"""Bureau staff import a spreadsheet in the admin: upload, preview, confirm; and a bad file
gives every problem and a downloadable error report."""

import pytest

from apps.catalog.models import Category
from apps.core.models import ImportRun

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
    }


def _upload(page, kind, name, content: bytes):
    page.goto("/admin/core/importrun/upload/")
    page.select_option("#id_kind", kind)
    page.set_input_files("#id_file", {"name": name, "mimeType": "text/csv", "buffer": content})
    page.click("input[type=submit][value='上传并校验']")


def test_upload_preview_confirm(page, login, bureau_user):
    Category.objects.create(code="C-AC", name="房间空气调节器", sector="consumer_goods")
    login(bureau_user)
    content = (
        "类别代码,类别名称,领域,类型\n"
        "C-AC,房间空气调节器,主要消费品,产品\n"
        "C-CNC,数控机床,装备制造,产品\n"
    )
    _upload(page, "categories", "类别.csv", content.encode("gbk"))
    page.wait_for_selector("#import-preview")
    assert page.locator("#import-status").get_attribute("data-status") == "validated"
    assert page.locator("#import-preview tbody tr").count() == 2
    assert page.locator("tr.import-new td").nth(2).inner_text() == "C-CNC"
    assert page.locator("tr.import-unchanged td").nth(2).inner_text() == "C-AC"
    assert not Category.objects.filter(code="C-CNC").exists()

    page.click("input[type=submit][value='确认导入']")
    page.wait_for_selector("#import-status[data-status=succeeded]")
    assert "categories: created 1, updated 0, unchanged 1" in page.inner_text("#content-main")
    assert Category.objects.get(code="C-CNC").sector == "equipment"
    assert ImportRun.objects.get().actor == bureau_user


def test_bad_file_lists_problems_and_offers_error_report(page, login, bureau_user):
    login(bureau_user)
    _upload(page, "categories", "bad.csv", b"code,name,sector\nC-1,,services\nC-1,x,nowhere\n")
    page.wait_for_selector("#import-errors")
    assert page.inner_text("#import-errors").splitlines() == [
        "row 2, column name: 必填，不能为空",
        "row 3, column code: 与第 2 行重复：C-1 在同一文件中只能出现一次",
        "row 3, column sector: “nowhere” 不是允许的值，可选：consumer_goods（主要消费品）、"
        "equipment（装备制造）、emerging（新兴产业）、services（服务）",
    ]
    assert page.locator("#import-confirm-form").count() == 0
    with page.expect_download() as download_info:
        page.click("#import-error-report")
    report = download_info.value.path().read_text(encoding="utf-8-sig")
    assert report.splitlines()[0] == "row,column,message"
    assert len(report.splitlines()) == 4
    assert not Category.objects.exists()


def test_background_import_shows_progress_then_result(page, login, bureau_user, settings):
    """A file above the threshold is queued for a Celery worker; the review page polls its
    progress and shows the result when the job is done (the job runs here, as the worker)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from apps.core.imports import services
    from apps.core.models import ImportRun

    settings.IMPORT_BACKGROUND_THRESHOLD = 10
    run = services.import_upload(
        kind="categories",
        upload=SimpleUploadedFile(
            "big.csv", "code,name,sector\nC-BIG,大文件类别,emerging\n".encode()
        ),
        actor=bureau_user,
    )
    assert run.background
    login(bureau_user)
    page.goto(f"/admin/core/importrun/{run.pk}/review/")
    page.wait_for_selector("#import-progress progress")
    assert page.locator("#import-status").get_attribute("data-status") == "queued"

    services.import_run_validate(run=run)  # what the worker's job does
    page.wait_for_selector("#import-status[data-status=validated]", timeout=5_000)
    page.click("input[type=submit][value='确认导入']")
    # Celery runs eagerly in tests: the write job has finished when the page comes back.
    page.wait_for_selector("#import-status[data-status=succeeded]")
    assert ImportRun.objects.get(pk=run.pk).created == 1


def test_model_page_import_button_preview_confirm(page, login, admin_user):
    """The category list's import button: django-import-export's pages, our engine."""
    login(admin_user)
    page.goto("/admin/catalog/category/")
    page.click("a.import_link")
    page.set_input_files(
        "#id_import_file",
        {
            "name": "categories.csv",
            "mimeType": "text/csv",
            "buffer": "code,name,sector\nC-EV,电动汽车,emerging\n".encode(),
        },
    )
    page.click("input[type=submit]")
    page.wait_for_selector("table.import-preview")
    assert page.inner_text("#import-summary") == "共 1 行：新增 1，更新 0，不变 0"
    assert not Category.objects.exists()
    page.click("input[name=confirm]")
    page.wait_for_selector("ul.messagelist li.success")
    assert Category.objects.get().code == "C-EV"
