"""The model pages' import button: django-import-export's upload -> preview -> confirm flow,
driven by the framework (its reading, rules, messages, all-or-nothing writes)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.catalog.models import Category
from apps.core.models import ImportRun

pytestmark = pytest.mark.django_db

IMPORT_URL = "admin:catalog_category_import"
PROCESS_URL = "admin:catalog_category_process_import"


def post_file(client, content: bytes, name="cats.csv"):
    return client.post(
        reverse(IMPORT_URL),
        {"format": "0", "import_file": SimpleUploadedFile(name, content)},
    )


def test_import_button_preview_and_confirm(client_for, admin_user):
    client = client_for(admin_user)
    Category.objects.create(code="C-AC", name="房间空气调节器", sector="consumer_goods")
    page = client.get(reverse("admin:catalog_category_changelist")).content.decode()
    assert reverse(IMPORT_URL) in page
    assert client.get(reverse(IMPORT_URL)).status_code == 200

    content = "类别代码,类别名称,领域\nC-AC,房间空气调节器,主要消费品\nC-CNC,数控机床,装备制造\n"
    response = post_file(client, content.encode("gbk"))
    result = response.context["result"]
    assert [(row.import_type, row.diff) for row in result.rows] == [
        ("skip", [2, "C-AC"]),
        ("new", [3, "C-CNC"]),
    ]
    assert "共 2 行：新增 1，更新 0，不变 1" in response.content.decode()
    assert not Category.objects.filter(code="C-CNC").exists()
    preview_run = ImportRun.objects.get()
    assert (preview_run.source, preview_run.dry_run, preview_run.status) == (
        "admin",
        True,
        "validated",
    )

    confirm = response.context["confirm_form"]
    data = {name: confirm[name].value() for name in confirm.fields}
    response = client.post(reverse(PROCESS_URL), data)
    assert response.status_code == 302
    assert Category.objects.get(code="C-CNC").sector == "equipment"
    applied = ImportRun.objects.latest("id")
    assert (applied.status, applied.created, applied.unchanged, applied.actor) == (
        "succeeded",
        1,
        1,
        admin_user,
    )


def test_import_button_shows_the_contract_messages(client_for, admin_user):
    client = client_for(admin_user)
    response = post_file(client, b"code,name,sector\nC-1,,services\n\xff\xfe\n")
    page = response.content.decode()
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    assert "row 1, column -: 无法识别文件编码：既不是 UTF-8 也不是 GB18030/GBK 文本" in page
    response = post_file(client, b"code,name,sector\nC-1,,services\nC-1,x,nowhere\n")
    errors = [str(error.error) for error in response.context["result"].base_errors]
    assert errors == [
        "row 2, column name: 必填，不能为空",
        "row 3, column code: 与第 2 行重复：C-1 在同一文件中只能出现一次",
        "row 3, column sector: “nowhere” 不是允许的值，可选：consumer_goods（主要消费品）、"
        "equipment（装备制造）、emerging（新兴产业）、services（服务）",
    ]
    assert "下载错误报告" in response.content.decode()
    assert not Category.objects.exists()


def test_empty_or_header_only_uploads_get_specific_messages(client_for, admin_user):
    client = client_for(admin_user)
    # An empty upload is refused by the upload form itself.
    assert "提交的是空文件。" in post_file(client, b"").content.decode()
    response = post_file(client, b"code,name,sector\n")
    errors = [str(error.error) for error in response.context["result"].base_errors]
    assert errors == ["row 2, column -: 文件只有表头，没有数据行"]


def test_large_upload_from_the_import_button_goes_to_the_background_flow(
    client_for, admin_user, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_BACKGROUND_THRESHOLD = 10
    client = client_for(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_file(client, "code,name,sector\nC-BIG,大,emerging\n".encode())
    run = ImportRun.objects.get()
    assert response.url == reverse("admin:core_importrun_review", args=[run.pk])
    assert (run.background, run.status, run.created) == (True, "validated", 1)


def test_confirm_after_the_data_changed_writes_nothing(client_for, admin_user):
    client = client_for(admin_user)
    response = post_file(client, b"code,name,sector\nC-1,one,services\n")
    confirm = response.context["confirm_form"]
    data = {name: confirm[name].value() for name in confirm.fields}
    # Meanwhile the file's row became a duplicate of nothing but the category's sector
    # column is gone from the enumeration: simulate with a file changed on disk instead.
    from django.core.files.storage import default_storage

    default_storage.delete(f"django-import-export/{data['import_file_name']}")
    default_storage.save(
        f"django-import-export/{data['import_file_name']}",
        SimpleUploadedFile("x", b"code,name,sector\nC-1,one,moon\n"),
    )
    response = client.post(reverse(PROCESS_URL), data, follow=True)
    assert "导入未写入" in response.content.decode()
    assert not Category.objects.exists()
