from datetime import date
from decimal import Decimal

import factory

from apps.catalog.models import Category
from apps.declarations.models import IndicatorValue, Standard, StandardVersion, Synonym
from tests.factories.catalog import CategoryFactory, IndicatorFactory
from tests.factories.enterprises import EnterpriseFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def category_with_indicators(**kwargs) -> Category:
    """A category with three indicators: EFF (higher, national 80, mandatory), NOISE (lower,
    national 42, international 38), STANDBY (lower, national 1.0)."""
    category = CategoryFactory(**kwargs)
    IndicatorFactory(
        category=category,
        code="EFF",
        name="热效率",
        unit="%",
        direction="higher",
        national_value=Decimal("80"),
        national_mandatory=True,
    )
    IndicatorFactory(
        category=category,
        code="NOISE",
        name="噪声",
        unit="dB(A)",
        direction="lower",
        national_value=Decimal("42"),
        international_value=Decimal("38"),
    )
    IndicatorFactory(
        category=category,
        code="STANDBY",
        name="待机功率",
        unit="W",
        direction="lower",
        national_value=Decimal("1.0"),
    )
    return category


class StandardFactory(factory.django.DjangoModelFactory):
    """A public standard written directly (as an import would), without versions. The one
    factory of the model; other areas' factories specialise it (other numbers, dates)."""

    class Meta:
        model = Standard

    enterprise = factory.SubFactory(EnterpriseFactory)
    standard_no = factory.Sequence(lambda n: f"Q/BJT {n:04d}-2024")
    name = factory.Sequence(lambda n: f"测试产品企业标准{n}")
    category = factory.SubFactory(CategoryFactory)
    products = "测试产品"
    status = "public"
    published_on = factory.LazyFunction(lambda: date(2025, 3, 1))


class IndicatorValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IndicatorValue

    standard = factory.SubFactory(StandardFactory)
    indicator = factory.SubFactory(IndicatorFactory)
    value = Decimal("12.5")


class StandardVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StandardVersion

    standard = factory.SubFactory(StandardFactory)
    number = 1
    status = "published"
    name = factory.SelfAttribute("standard.name")
    category = factory.SelfAttribute("standard.category")
    values = factory.Dict({})


class SynonymFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Synonym

    term = factory.Sequence(lambda n: f"俗称{n}")
    canonical = factory.Sequence(lambda n: f"规范用词{n}")
