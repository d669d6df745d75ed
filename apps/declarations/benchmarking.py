"""Benchmarking (tasks 3 and 10): each declared value against the national and international
values of its indicator, respecting the indicator's direction."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from apps.catalog.enums import Direction

STRICTER, EQUAL, BELOW = "stricter", "equal", "below"
LABELS = {
    "national": {
        STRICTER: _("严于国家标准"),
        EQUAL: _("等于国家标准"),
        BELOW: _("低于国家标准"),
    },
    "international": {
        STRICTER: _("严于国际标准"),
        EQUAL: _("等于国际标准"),
        BELOW: _("低于国际标准"),
    },
}


def compare(value: Decimal, reference: Decimal | None, direction: str) -> str | None:
    """`stricter`, `equal` or `below` the reference; None when there is no reference."""
    if reference is None or value is None:
        return None
    if value == reference:
        return EQUAL
    better = value > reference if direction == Direction.HIGHER else value < reference
    return STRICTER if better else BELOW


@dataclass(frozen=True)
class Row:
    indicator: object  # apps.catalog.models.Indicator
    value: Decimal | None
    national: str | None
    international: str | None

    @property
    def national_label(self):
        return LABELS["national"].get(self.national)

    @property
    def international_label(self):
        return LABELS["international"].get(self.international)

    @property
    def violates_mandatory(self) -> bool:
        return bool(self.indicator.national_mandatory and self.national == BELOW)


@dataclass(frozen=True)
class Report:
    rows: list[Row]

    @property
    def complete(self) -> bool:
        return bool(self.rows) and all(row.value is not None for row in self.rows)

    @property
    def stricter_than_national(self) -> bool:
        """The badge: every indicator has a value strictly better than its national value."""
        return self.complete and all(row.national == STRICTER for row in self.rows)

    @property
    def mandatory_violations(self) -> list[Row]:
        return [row for row in self.rows if row.violates_mandatory]


def benchmark(indicators, values: dict[int, Decimal]) -> Report:
    """`indicators`: the category's indicators in display order; `values`: indicator id ->
    declared value (missing ids are undeclared)."""
    rows = []
    for indicator in indicators:
        value = values.get(indicator.pk)
        rows.append(
            Row(
                indicator=indicator,
                value=value,
                national=compare(value, indicator.national_value, indicator.direction),
                international=compare(value, indicator.international_value, indicator.direction),
            )
        )
    return Report(rows=rows)
