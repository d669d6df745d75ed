import datetime
from decimal import Decimal

import factory

from apps.accounts.enums import Role
from apps.catalog.enums import Direction
from apps.catalog.models import Indicator
from apps.declarations.models import IndicatorValue
from apps.evaluators.models import (
    Agency,
    AgencyMembership,
    KeyAreaApplication,
    Scheme,
    SchemeCriterion,
)
from tests.factories import declarations
from tests.factories.accounts import UserFactory
from tests.factories.catalog import CategoryFactory, IndicatorFactory, KeyAreaFactory
from tests.factories.uscc import make_uscc


class StandardFactory(declarations.StandardFactory):
    """A public declared standard of the evaluation tests' year."""

    standard_no = factory.Sequence(lambda n: f"Q/TEST {n:03d}-2026")
    products = ""
    published_on = datetime.date(2026, 3, 1)


def indicator_values(standard, **values):
    for code, value in values.items():
        IndicatorValue.objects.create(
            standard=standard,
            indicator=Indicator.objects.get(category=standard.category, code=code),
            value=Decimal(str(value)),
        )


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    uscc = factory.Sequence(lambda n: make_uscc(80000 + n, division="110102"))
    name = factory.Sequence(lambda n: f"北京标准化评估中心{n}")
    kind = "standardization_body"


class EvaluatorMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgencyMembership

    user = factory.SubFactory(UserFactory, role=Role.EVALUATOR)
    agency = factory.SubFactory(AgencyFactory)


def evaluator_user(agency=None):
    return EvaluatorMembershipFactory(**({"agency": agency} if agency else {})).user


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyAreaApplication
        django_get_or_create = ["agency", "key_area"]

    agency = factory.SubFactory(AgencyFactory)
    key_area = factory.SubFactory(KeyAreaFactory)
    qualifications = "具备标准化评估能力"
    status = "approved"


def category_with_indicators(code=None):
    """A category with three indicators: EFF (higher, national 80), NOISE (lower, national 60)
    and STANDBY (lower, no national value)."""
    category = CategoryFactory(**({"code": code} if code else {}))
    IndicatorFactory(category=category, code="EFF", direction=Direction.HIGHER, national_value=80)
    IndicatorFactory(category=category, code="NOISE", direction=Direction.LOWER, national_value=60)
    IndicatorFactory(
        category=category, code="STANDBY", direction=Direction.LOWER, national_value=None
    )
    return category


def approved_scheme(*, agency=None, category=None, year=2026, status="approved", code=None):
    """A valid scheme: three core criteria (60) and two qualitative ones (40)."""
    category = category or category_with_indicators()
    agency = agency or AgencyFactory()
    ApplicationFactory(agency=agency, key_area=KeyAreaFactory(year=year, category=category))
    scheme = Scheme.objects.create(
        scheme_code=code or f"S-{category.code}-{year}",
        year=year,
        category=category,
        agency=agency,
        status=status,
        cutoff_date=datetime.date(year, 12, 31),
    )
    indicators = {i.code: i for i in category.indicators.all()}
    rows = [
        ("EFF", "core", 20, ("85", "90", "95")),
        ("NOISE", "core", 20, ("55", "50", "45")),
        ("STANDBY", "core", 20, ("1.0", "0.8", "0.5")),
        ("Q1", "qualitative", 20, None),
        ("Q2", "qualitative", 20, None),
    ]
    for position, (code_, kind, weight, thresholds) in enumerate(rows):
        SchemeCriterion.objects.create(
            scheme=scheme,
            criterion_code=code_,
            kind=kind,
            indicator=indicators.get(code_) if kind == "core" else None,
            name={"Q1": "指标全面性", "Q2": "编写规范性"}.get(code_, code_),
            weight=Decimal(weight),
            baseline=Decimal(thresholds[0]) if thresholds else None,
            advanced=Decimal(thresholds[1]) if thresholds else None,
            leading=Decimal(thresholds[2]) if thresholds else None,
            position=position,
        )
    return scheme
