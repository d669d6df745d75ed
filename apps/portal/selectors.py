from apps.catalog.models import Category
from apps.enterprises.models import Enterprise


def home_figures() -> dict[str, int]:
    """Headline numbers for the home page."""
    return {
        "enterprises": Enterprise.objects.count(),
        "categories": Category.objects.count(),
    }
