import pytest
from django.db import connection
from django.db.models import Count

from apps.catalog.models import Category, Indicator, KeyArea
from bench.scale_data import (
    CATEGORIES,
    generate,
    generated_standard_count,
)

# The generator runs VACUUM, which PostgreSQL refuses inside a transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def _fingerprint() -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT md5(string_agg(e.uscc || s.standard_no || s.name || c.code || v.value::text,"
            " ',' ORDER BY e.uscc, s.standard_no, c.code, v.indicator_id)), count(*) "
            "FROM declarations_standard s JOIN enterprises_enterprise e ON e.id = s.enterprise_id "
            "JOIN catalog_category c ON c.id = s.category_id "
            "JOIN declarations_indicatorvalue v ON v.standard_id = s.id"
        )
        return cursor.fetchone()


def test_national_catalogue_skewed_and_deterministic():
    generate(scale=0.0005, seed=7, out=None)
    assert Category.objects.count() == CATEGORIES
    assert KeyArea.objects.values("category").distinct().count() == CATEGORIES
    assert not Category.objects.filter(indicators__isnull=True).exists()
    assert generated_standard_count() == round(3_170_000 * 0.0005)
    sizes = sorted(
        (c.n for c in Category.objects.annotate(n=Count("standards"))),
        reverse=True,
    )
    assert sizes[0] > 20 * max(sizes[-1], 1)  # a few large categories, many small ones
    first = _fingerprint()
    assert first[1] > 4 * generated_standard_count()  # about five values per standard
    indicators = Indicator.objects.count()

    generate(scale=0.0005, seed=7, replace=True, out=None)
    assert _fingerprint() == first
    assert Indicator.objects.count() == indicators  # the catalogue is kept, not duplicated

    generate(scale=0.0005, seed=8, replace=True, out=None)
    assert _fingerprint() != first
