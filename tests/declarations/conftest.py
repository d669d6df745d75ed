import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.factories.declarations import PDF_BYTES, category_with_indicators


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded texts go to a temporary directory, never into .local/media."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    return tmp_path / "media"


@pytest.fixture
def category(db):
    return category_with_indicators(code="C-RICE", name="电饭锅")


@pytest.fixture
def pdf():
    def make(name="标准文本.pdf", content=PDF_BYTES):
        return SimpleUploadedFile(name, content, content_type="application/pdf")

    return make


@pytest.fixture
def enterprise(enterprise_user):
    return enterprise_user.membership.enterprise


@pytest.fixture(autouse=True)
def fresh_search_statistics():
    """Each test reads the search's statistics afresh (the process keeps them for minutes)."""
    from apps.declarations.search_stats import forget

    forget()
    yield
    forget()
