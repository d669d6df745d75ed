from decimal import Decimal

import pytest

from apps.declarations.benchmarking import BELOW, EQUAL, STRICTER, benchmark, compare
from apps.declarations.selectors import standard_benchmark
from tests.factories.declarations import IndicatorValueFactory, StandardFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("value", "reference", "direction", "expected"),
    [
        ("85", "80", "higher", STRICTER),
        ("80", "80", "higher", EQUAL),
        ("79.99", "80", "higher", BELOW),
        ("40", "42", "lower", STRICTER),
        ("42.0", "42", "lower", EQUAL),
        ("43", "42", "lower", BELOW),
        ("1", None, "lower", None),
    ],
)
def test_compare_respects_direction(value, reference, direction, expected):
    ref = Decimal(reference) if reference is not None else None
    assert compare(Decimal(value), ref, direction) == expected


def _report(category, values):
    standard = StandardFactory(category=category)
    for code, value in values.items():
        IndicatorValueFactory(
            standard=standard, indicator=category.indicators.get(code=code), value=Decimal(value)
        )
    return standard_benchmark(standard)


def test_badge_only_when_stricter_on_every_indicator(category):
    report = _report(category, {"EFF": "85", "NOISE": "40", "STANDBY": "0.8"})
    assert [(r.indicator.code, r.national, r.international) for r in report.rows] == [
        ("EFF", STRICTER, None),
        ("NOISE", STRICTER, BELOW),
        ("STANDBY", STRICTER, None),
    ]
    assert report.stricter_than_national
    assert not _report(
        category, {"EFF": "80", "NOISE": "40", "STANDBY": "0.8"}
    ).stricter_than_national
    assert not _report(category, {"EFF": "85", "NOISE": "40"}).stricter_than_national


def test_mandatory_violation_only_for_mandatory_indicators(category):
    report = _report(category, {"EFF": "79", "NOISE": "50", "STANDBY": "0.8"})
    assert [row.indicator.code for row in report.mandatory_violations] == ["EFF"]
    assert benchmark([], {}).stricter_than_national is False
