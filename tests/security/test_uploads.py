"""Uploads: content checked by magic bytes, size-limited, markup refused, stored under random
names, served only as permission-checked attachments with nosniff (apps.core.uploads)."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from apps.core.models import ImportRun
from apps.core.uploads import CSV, PDF, XLSX, check_upload, random_name, safe_filename
from tests.declarations.helpers import declare
from tests.factories.declarations import PDF_BYTES, category_with_indicators

pytestmark = pytest.mark.django_db

SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
)
HTML = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    return tmp_path / "media"


def _file(name, content):
    return SimpleUploadedFile(name, content)


# ---- names -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("标准文本.pdf", "标准文本.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\张三\\企业标准.pdf", "企业标准.pdf"),
        ('evil"; filename="x.html', "evil__ filename=_x.html"),
        ("a\r\nContent-Type: text-html.pdf", "a__Content-Type_ text-html.pdf"),
        ("....pdf", "pdf"),
        ("", "file"),
        ("///", "file"),
        ("x" * 300 + ".pdf", "x" * 116 + ".pdf"),
    ],
)
def test_safe_filename(name, expected):
    assert safe_filename(name) == expected


@given(st.text(max_size=400))
def test_safe_filename_never_leaves_a_path_or_a_header_breaker(name):
    clean = safe_filename(name)
    assert clean
    assert len(clean) <= 120
    assert not clean.startswith((".", " "))
    assert not any(char in clean for char in '/\\"\r\n\x00;<>')


def test_random_names_keep_only_the_extension():
    first, second = random_name("imports", ".CSV"), random_name("imports", ".csv")
    assert first != second
    assert first.startswith("imports/") and first.endswith(".csv")
    assert len(first) == len("imports/") + 32 + 4
    with pytest.raises(ValueError):
        random_name("imports", ".csv/../../x")


# ---- content checks ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "kinds", "code"),
    [
        ("standard.pdf", b"GIF89a not a pdf", (PDF,), "file_content"),
        ("standard.pdf", HTML, (PDF,), "file_content"),
        ("image.svg", SVG, (PDF,), "file_type"),
        ("page.html", HTML, (CSV, XLSX), "file_type"),
        ("data.csv", SVG, (CSV, XLSX), "file_markup"),
        ("data.csv", b"\xef\xbb\xbf  <html><body>x</body></html>", (CSV, XLSX), "file_markup"),
        ("data.xlsx", b"uscc,name\n", (CSV, XLSX), "file_content"),
        ("data.csv", b"", (CSV, XLSX), "file_empty"),
        ("data.exe", b"MZ\x90\x00", (CSV, XLSX), "file_type"),
        ("noextension", b"uscc\n", (CSV, XLSX), "file_type"),
    ],
)
def test_check_upload_refuses_with_a_message(name, content, kinds, code):
    with pytest.raises(ValidationError) as error:
        check_upload(_file(name, content), kinds=kinds, max_bytes=1024)
    assert error.value.code == code
    assert error.value.messages[0]


def test_check_upload_limits_the_size():
    with pytest.raises(ValidationError) as error:
        check_upload(_file("a.pdf", PDF_BYTES + b"0" * 2048), kinds=(PDF,), max_bytes=1024)
    assert error.value.code == "file_size"
    assert "不能超过" in error.value.messages[0]


def test_check_upload_accepts_real_files():
    assert check_upload(_file("标准.PDF", PDF_BYTES), kinds=(PDF,), max_bytes=2**20) is PDF
    assert check_upload(_file("d.csv", "代码,名称\n".encode()), kinds=(CSV,), max_bytes=99) is CSV
    assert check_upload(_file("d.xlsx", b"PK\x03\x04rest"), kinds=(XLSX,), max_bytes=99) is XLSX


# ---- imports -----------------------------------------------------------------------------


def _admin_upload(client, name, content, kind="categories"):
    return client.post(
        reverse("admin:core_importrun_upload"), {"kind": kind, "file": _file(name, content)}
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("cats.csv", SVG, "网页或图形标记"),
        ("cats.xlsx", b"code,name\n", "文件头不符"),
        ("cats.svg", SVG, "请上传 .csv 或 .xlsx 文件"),
    ],
)
def test_import_upload_refuses_markup_and_fakes(client_for, bureau_user, name, content, message):
    response = _admin_upload(client_for(bureau_user), name, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportRun.objects.exists()


def test_import_upload_size_limit(client_for, bureau_user, settings):
    settings.IMPORT_MAX_BYTES = 100
    response = _admin_upload(client_for(bureau_user), "cats.csv", b"code,name,sector\n" * 10)
    assert "不能超过" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_import_file_is_stored_under_a_random_name(client_for, bureau_user, media_root):
    content = b"code,name,sector\nC-AC,Air,consumer_goods\n"
    _admin_upload(client_for(bureau_user), "../../<script>cats.csv", content)
    run = ImportRun.objects.get()
    assert run.file_name == "_script_cats.csv"
    assert run.file.name.startswith("imports/") and run.file.name.endswith(".csv")
    assert "cats" not in run.file.name and "script" not in run.file.name
    assert (media_root / run.file.name).read_bytes() == content


def test_library_import_button_refuses_markup(client_for, admin_user):
    client = client_for(admin_user)
    response = client.post(
        reverse("admin:catalog_category_import"),
        {"format": "0", "import_file": _file("cats.csv", HTML)},
        follow=True,
    )
    assert "网页或图形标记" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_import_files_have_no_public_url(client, client_for, bureau_user, media_root):
    _admin_upload(client_for(bureau_user), "cats.csv", b"code,name,sector\n")
    run = ImportRun.objects.get()
    client.logout()
    for url in [f"/media/{run.file.name}", f"/static/../.local/media/{run.file.name}"]:
        assert client.get(url).status_code == 404


# ---- declaration texts -------------------------------------------------------------------


@pytest.fixture
def published(enterprise_user):
    category = category_with_indicators(code="C-RICE", name="电饭锅")
    upload = SimpleUploadedFile('C:\\docs\\"标准"\r\n.pdf', PDF_BYTES)
    return declare(user=enterprise_user, category=category, pdf=upload)


def test_standard_text_is_an_attachment_with_a_clean_name(client, published):
    response = client.get(reverse("declarations:text", args=[published.pk, 1]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "\r" not in disposition and "\n" not in disposition
    assert "filename*=utf-8''_%E6%A0%87%E5%87%86___.pdf" in disposition
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_draft_text_is_only_for_its_enterprise(client_for, enterprise_user, other_enterprise_user):
    category = category_with_indicators(code="C-RICE", name="电饭锅")
    draft = declare(
        user=enterprise_user,
        category=category,
        pdf=SimpleUploadedFile("d.pdf", PDF_BYTES),
        publish=False,
    )
    url = reverse("declarations:text", args=[draft.pk, 1])
    assert client_for(None).get(url).status_code == 404
    assert client_for(other_enterprise_user).get(url).status_code == 404
    assert client_for(enterprise_user).get(url).status_code == 200


def test_a_fake_pdf_is_refused_by_the_declaration_form(client_for, enterprise_user):
    category = category_with_indicators(code="C-RICE", name="电饭锅")
    draft = declare(user=enterprise_user, category=category, publish=False)
    from apps.declarations import services

    with pytest.raises(ValidationError) as error:
        services.version_attach_text(
            standard=draft, upload=_file("x.pdf", SVG), actor=enterprise_user
        )
    assert "不是PDF文件" in " ".join(error.value.messages)


# ---- objection attachments and incentive documents ---------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_objection_attachment_is_checked_and_served_as_an_attachment(client_for, bureau_user):
    from apps.leaders.services.objections import objection_file
    from tests.factories.lifecycle import list_in_notice, ranked_scheme

    candidate = list_in_notice(ranked_scheme(entrants=3), bureau_user).candidates.first()
    with pytest.raises(ValidationError):
        objection_file(
            consented=True,
            candidate=candidate, name="李四", contact="li@example.cn", grounds="指标虚报",
            attachment=_file("evidence.pdf", SVG),
        )  # fmt: skip
    objection = objection_file(
        consented=True,
        candidate=candidate, name="李四", contact="li@example.cn", grounds="指标虚报",
        attachment=_file("../../证据.pdf", PDF_BYTES),
    )  # fmt: skip
    assert objection.attachment.name.startswith("objections/")
    assert "证据" not in objection.attachment.name
    response = client_for(bureau_user).get(
        reverse("leaders:objection_attachment", args=[objection.pk])
    )
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_incentive_documents_are_attachments_even_when_images(client_for):
    from apps.incentives import services as incentive_services
    from tests.factories.incentives import ProgrammeFactory, leader_enterprise_user, partner_user

    programme = ProgrammeFactory(code="bank-credit")
    applicant, partner = leader_enterprise_user(), partner_user(programme.provider)
    with pytest.raises(ValidationError):
        incentive_services.application_submit(
            programme=programme,
            enterprise=applicant.membership.enterprise,
            documents={"营业执照": _file("a.png", SVG), "贷款申请书": _file("b.pdf", PDF_BYTES)},
            actor=applicant,
        )
    application = incentive_services.application_submit(
        programme=programme,
        enterprise=applicant.membership.enterprise,
        documents={
            "营业执照": _file('C:\\scan\\"执照"\r\n.png', PNG),
            "贷款申请书": _file("申请书.pdf", PDF_BYTES),
        },
        actor=applicant,
    )
    image = application.documents.get(name="营业执照")
    assert image.original_filename == "_执照___.png"
    assert image.file.name.endswith(".png") and "执照" not in image.file.name
    response = client_for(partner).get(f"/incentives/documents/{image.pk}/")
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


# ---- names follow the sniffed type ----------------------------------------------------------


def test_a_pdf_named_html_is_kept_and_served_as_a_pdf(client_for, enterprise_user):
    category = category_with_indicators(code="C-RICE", name="电饭锅")
    draft = declare(
        user=enterprise_user,
        category=category,
        pdf=SimpleUploadedFile("evil.html", PDF_BYTES),
        publish=False,
    )
    version = draft.versions.get(number=1)
    assert version.text_filename == "evil.pdf"
    assert version.text_file.name.endswith(".pdf")
    response = client_for(enterprise_user).get(reverse("declarations:text", args=[draft.pk, 1]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="evil.pdf"'


def test_an_image_named_html_is_an_image_in_incentive_documents(client_for):
    from apps.incentives import services as incentive_services
    from tests.factories.incentives import ProgrammeFactory, leader_enterprise_user, partner_user

    programme = ProgrammeFactory(code="bank-credit")
    applicant, partner = leader_enterprise_user(), partner_user(programme.provider)
    application = incentive_services.application_submit(
        programme=programme,
        enterprise=applicant.membership.enterprise,
        documents={"营业执照": _file("evil.html", PNG), "贷款申请书": _file("x.htm", PDF_BYTES)},
        actor=applicant,
    )
    image = application.documents.get(name="营业执照")
    assert image.original_filename == "evil.png"
    assert application.documents.get(name="贷款申请书").original_filename == "x.pdf"
    response = client_for(partner).get(f"/incentives/documents/{image.pk}/")
    assert response["Content-Type"] == "image/png"
    assert ".html" not in response["Content-Disposition"]


def test_a_download_name_always_carries_the_served_type():
    import io

    from apps.core.uploads import attachment_response

    response = attachment_response(
        io.BytesIO(b"%PDF-1.4"), filename="report.html", content_type="application/pdf"
    )
    assert response["Content-Disposition"] == 'attachment; filename="report.pdf"'


# ---- oversized uploads are refused by Content-Length -----------------------------------------


def test_an_oversized_standard_text_is_refused_before_the_body_is_read(client_for, enterprise_user):
    category = category_with_indicators(code="C-RICE", name="电饭锅")
    draft = declare(user=enterprise_user, category=category, publish=False)
    client = client_for(enterprise_user)
    url = reverse("declarations:values", args=[draft.pk])
    # The announced length is 200 MB; the body sent is small and never read.
    response = client.post(
        url, {"text_file": _file("big.pdf", PDF_BYTES)}, CONTENT_LENGTH=str(200 * 2**20)
    )
    assert response.status_code == 413
    page = response.content.decode()
    assert "上传的内容过大（200 MB）：此页面最多接受 21 MB" in page
    assert response["Connection"] == "close"


def test_forms_with_several_documents_have_their_own_limit(client_for, settings):
    from apps.incentives.models import Application
    from tests.factories.incentives import ProgrammeFactory, leader_enterprise_user

    settings.UPLOAD_MAX_REQUEST_BYTES = 4096
    programme = ProgrammeFactory(code="bank-credit")
    applicant = leader_enterprise_user()
    client = client_for(applicant)
    url = f"/incentives/{programme.code}/apply/"
    big = _file("b.pdf", PDF_BYTES + b"\x00" * 8000)
    response = client.post(url, {"document_0": _file("a.png", PNG), "document_1": big})
    assert response.status_code == 413
    assert not Application.objects.exists()
    # Small requests and pages that are not uploads are unaffected.
    assert client.get(url).status_code == 200
