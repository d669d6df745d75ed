import pytest
from django.db import connection

from apps.core.uscc import uscc_problem
from apps.declarations.models import IndicatorValue, Standard
from apps.declarations.search import search_standards
from apps.declarations.validators import infer_standard_type
from apps.enterprises.models import Enterprise
from bench.scale_data import ScaleDataError, generate

pytestmark = pytest.mark.django_db

SCALE = 0.0002  # 94 enterprises, 634 standards


def fingerprint():
    return (
        list(Enterprise.objects.order_by("uscc").values_list("uscc", "name", "district")),
        list(
            Standard.objects.order_by("enterprise__uscc", "standard_no").values_list(
                "enterprise__uscc", "standard_no", "name", "products", "status", "published_on"
            )
        ),
        sorted(
            IndicatorValue.objects.values_list(
                "standard__enterprise__uscc", "standard__standard_no", "indicator__code", "value"
            )
        ),
    )


def constraint_names():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid IN "
            "('declarations_standard'::regclass, 'declarations_indicatorvalue'::regclass)"
        )
        names = {row[0] for row in cursor.fetchall()}
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename IN "
            "('declarations_standard', 'declarations_indicatorvalue')"
        )
        return names | {row[0] for row in cursor.fetchall()}


def test_generates_valid_searchable_deterministic_data():
    before = constraint_names()
    generate(scale=SCALE, seed=5)
    assert Enterprise.objects.count() == 94
    assert Standard.objects.count() == 634
    assert constraint_names() == before  # indexes and constraints rebuilt as migrated
    assert all(uscc_problem(u) is None for u in Enterprise.objects.values_list("uscc", flat=True))
    for standard in Standard.objects.select_related("category")[:200]:
        assert infer_standard_type(standard.standard_no) == standard.standard_type
    # Every standard has one value per indicator of its category.
    assert IndicatorValue.objects.count() == sum(
        s.category.indicators.count() for s in Standard.objects.select_related("category")
    )
    # The set-based document and text equal what the trigger computes for the same row.
    assert not Standard.objects.filter(search_text__isnull=True).exists()
    standard = Standard.objects.order_by("id").last()
    generated = (standard.search_document, standard.search_text)
    Standard.objects.filter(pk=standard.pk).update(search_document=None, search_text=None)
    standard.refresh_from_db()
    assert (standard.search_document, standard.search_text) == generated
    for word in (standard.enterprise.name[2:4], standard.enterprise.name[1:5]):
        assert standard in search_standards(Standard.objects.all(), word)

    first = fingerprint()
    with pytest.raises(ScaleDataError, match="--replace"):
        generate(scale=SCALE, seed=5)
    generate(scale=SCALE, seed=5, replace=True)
    assert fingerprint() == first
