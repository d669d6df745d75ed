from decimal import Decimal

import factory

from apps.catalog.models import Category, Indicator, KeyArea


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"T-CAT{n}")
    name = factory.Sequence(lambda n: f"测试类别{n}")
    sector = "consumer_goods"


class IndicatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Indicator

    category = factory.SubFactory(CategoryFactory)
    code = factory.Sequence(lambda n: f"IND{n}")
    name = factory.Sequence(lambda n: f"指标{n}")
    unit = "W"
    direction = "higher"
    national_value = Decimal("10")
    international_value = None


class KeyAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyArea
        django_get_or_create = ["year", "category"]

    year = 2026
    category = factory.SubFactory(CategoryFactory)
