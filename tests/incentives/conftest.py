import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories.incentives import PDF_BYTES


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded documents go to a temporary directory, never into .local/media."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    return tmp_path / "media"


@pytest.fixture
def upload():
    def make(name="材料.pdf", content=PDF_BYTES, content_type="application/pdf"):
        return SimpleUploadedFile(name, content, content_type=content_type)

    return make
