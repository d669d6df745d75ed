"""Every upload and download goes through Django's storage API, never a path on disk, so the
media can live in shared object storage (MEDIA_STORAGE=s3, docs/scaling.md): each upload
path runs here against Django's InMemoryStorage, which has no paths at all (its `path()`
raises), and nothing is written to the file system's media folder."""

import pytest
from django.core.files.storage import InMemoryStorage, default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from apps.core.models import ImportRun
from apps.declarations.models import StandardVersion
from config.storage import media_storage
from tests.declarations.helpers import GOOD_VALUES, declare
from tests.factories.declarations import PDF_BYTES, category_with_indicators

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def in_memory_media(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    assert isinstance(storages["default"], InMemoryStorage)


def stored(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def downloaded(response) -> bytes:
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_standard_texts_are_uploaded_served_and_deleted_through_the_storage(
    client_for, enterprise_user, django_capture_on_commit_callbacks
):
    category = category_with_indicators(code="C-RICE", name="电饭锅")
    draft = declare(user=enterprise_user, category=category, publish=False)
    client = client_for(enterprise_user)
    client.post(
        reverse("declarations:values", args=[draft.pk]),
        {
            **{f"value_{code}": value for code, value in GOOD_VALUES.items()},
            "text_file": SimpleUploadedFile("标准.pdf", PDF_BYTES),
        },
    )
    name = StandardVersion.objects.get(standard=draft).text_file.name
    assert default_storage.exists(name) and stored(name) == PDF_BYTES
    published = client.post(reverse("declarations:publish", args=[draft.pk]), {"commitment": "on"})
    assert published.status_code == 302, published.content.decode()[-3000:]
    text = Client().get(reverse("declarations:text", args=[draft.pk, 1]))  # anyone
    assert downloaded(text) == PDF_BYTES

    # A revision with its own text, then discarded: its file goes, the published one stays.
    client.post(reverse("declarations:revise", args=[draft.pk]))
    client.post(
        reverse("declarations:values", args=[draft.pk]),
        {
            **{f"value_{code}": value for code, value in GOOD_VALUES.items()},
            "text_file": SimpleUploadedFile("修订.pdf", PDF_BYTES + b"%revised"),
        },
    )
    revision = StandardVersion.objects.get(standard=draft, number=2).text_file.name
    assert revision != name and stored(revision).endswith(b"%revised")
    with django_capture_on_commit_callbacks(execute=True):  # files go once the row has gone
        client.post(reverse("declarations:discard", args=[draft.pk]))
    assert not default_storage.exists(revision)
    assert default_storage.exists(name)


def test_objection_evidence_is_stored_and_served_through_the_storage(client_for, bureau_user):
    from apps.leaders.services import objections as leader_services
    from tests.factories.lifecycle import list_in_notice, ranked_scheme

    candidate = list_in_notice(ranked_scheme(entrants=3), bureau_user).candidates.first()
    objection = leader_services.objection_file(
        consented=True,
        candidate=candidate, name="李四", contact="li@example.cn", grounds="指标虚报",
        attachment=SimpleUploadedFile("证据.pdf", PDF_BYTES),
    )  # fmt: skip
    assert stored(objection.attachment.name) == PDF_BYTES
    response = client_for(bureau_user).get(
        reverse("leaders:objection_attachment", args=[objection.pk])
    )
    assert downloaded(response) == PDF_BYTES


def test_incentive_documents_are_stored_and_served_through_the_storage(client_for):
    from tests.factories.incentives import bank_credit_application

    application, partner = bank_credit_application(
        {
            "营业执照": SimpleUploadedFile("执照.png", PNG),
            "贷款申请书": SimpleUploadedFile("申请书.pdf", PDF_BYTES),
        }
    )
    image = application.documents.get(name="营业执照")
    assert stored(image.file.name) == PNG
    response = client_for(partner).get(reverse("incentives:document_download", args=[image.pk]))
    assert downloaded(response) == PNG


def test_imports_are_uploaded_validated_and_applied_through_the_storage(client_for, bureau_user):
    from apps.catalog.models import Category

    client = client_for(bureau_user)
    content = "code,name,sector\nC-NEW,新类别,emerging\n".encode()
    client.post(
        reverse("admin:core_importrun_upload"),
        {"kind": "categories", "file": SimpleUploadedFile("cats.csv", content)},
    )
    run = ImportRun.objects.get()
    assert run.status == "validated"
    assert stored(run.file.name) == content
    client.post(reverse("admin:core_importrun_confirm", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == "succeeded"
    assert Category.objects.filter(code="C-NEW").exists()


def test_the_media_storage_is_chosen_by_the_environment():
    assert media_storage({"MEDIA_ROOT": "/srv/media"}) == {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": "/srv/media"},
    }
    s3 = media_storage(
        {
            "MEDIA_STORAGE": "s3",
            "AWS_STORAGE_BUCKET_NAME": "portal-media",
            "AWS_S3_ENDPOINT_URL": "https://minio.internal:9000",
            "AWS_ACCESS_KEY_ID": "id",
            "AWS_SECRET_ACCESS_KEY": "secret",
        }
    )
    assert s3["BACKEND"] == "storages.backends.s3.S3Storage"
    assert s3["OPTIONS"]["bucket_name"] == "portal-media"
    assert s3["OPTIONS"]["endpoint_url"] == "https://minio.internal:9000"
    assert s3["OPTIONS"]["default_acl"] == "private"
    assert s3["OPTIONS"]["querystring_auth"] is True
    # The options are the backend's own (it would refuse an unknown one); no connection yet.
    from storages.backends.s3 import S3Storage

    storage = S3Storage(**s3["OPTIONS"])
    assert storage.bucket_name == "portal-media"
    assert storage.location == "media"
    with pytest.raises(ValueError, match="AWS_STORAGE_BUCKET_NAME"):
        media_storage({"MEDIA_STORAGE": "s3"})
    with pytest.raises(ValueError, match="MEDIA_STORAGE"):
        media_storage({"MEDIA_STORAGE": "ftp"})


def test_the_backup_check_looks_for_named_files_in_object_storage():
    from django.core.files.base import ContentFile

    from scripts.backup_restore_check import _portal_defaults, missing_in_storage

    kept = default_storage.save("standards/kept.pdf", ContentFile(PDF_BYTES))
    assert missing_in_storage([kept, "standards/lost.pdf"]) == ["standards/lost.pdf"]
    assert _portal_defaults()[1] is None  # no folder to archive
