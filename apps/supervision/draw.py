"""CONTRACT.md §4: the spot-check draw, as a pure function of the data, the year, the seed and
the rate. `plan_draw` writes nothing; the service stores what it returns.

Anyone can re-derive a published plan with this module's logic: the population and pools are
sorted with Python's plain string order, and one `random.Random(seed)` draws the sample and
then every item's two inspectors, in plan order. An item's pool leaves out the inspectors of
the enterprise itself and those who declared a conflict of interest with it (the experts app's
one definition, `conflicts_by_uscc`, loaded once for the whole draw).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.utils.translation import gettext as _

from apps.core.uscc import BEIJING_DIVISION
from apps.experts.selectors import conflicts_by_uscc

BEIJING = f"substr(e.uscc, 3, 2) = '{BEIJING_DIVISION}'"

LEADER_PART = f"""
SELECT st.id, e.uscc, st.standard_no
FROM leaders_leader l
JOIN declarations_standard st ON st.id = l.standard_id
JOIN enterprises_enterprise e ON e.id = st.enterprise_id
WHERE l.year = %(previous_year)s AND l.status = 'active' AND st.status = 'public' AND {BEIJING}
"""

POPULATION = f"""
SELECT st.id, e.uscc, st.standard_no
FROM declarations_standard st
JOIN enterprises_enterprise e ON e.id = st.enterprise_id
WHERE st.status = 'public' AND {BEIJING}
  AND NOT (st.id = ANY(%(leader_ids)s))
  AND NOT EXISTS (
      SELECT 1
      FROM supervision_spotcheckitem i
      JOIN supervision_spotcheckplan p ON p.id = i.plan_id
      JOIN declarations_standard checked ON checked.id = i.standard_id
      WHERE p.year BETWEEN %(first_year)s AND %(previous_year)s
        AND checked.enterprise_id = st.enterprise_id
  )
"""

INSPECTORS = """
SELECT id, email, organisation_uscc
FROM experts_expert
WHERE status = 'appointed' AND 'inspector' = ANY(roles)
"""


class TooFewInspectors(Exception):
    pass


@dataclass(frozen=True)
class Item:
    standard_id: int
    uscc: str
    standard_no: str
    reason: str
    inspector_ids: tuple[int, int]
    inspector_emails: tuple[str, str]


@dataclass(frozen=True)
class Draw:
    year: int
    seed: int
    rate: Decimal
    population_size: int
    items: list[Item]


def sample_size(rate: Decimal, population_size: int) -> int:
    """k = ceil(R × n), exactly: R is a Decimal, never a float."""
    return math.ceil(Decimal(rate) * population_size)


def _rows(sql: str, params: dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def plan_draw(*, year: int, seed: int, rate: Decimal) -> Draw:
    previous_year = year - 1
    leaders = sorted(
        _rows(LEADER_PART, {"previous_year": previous_year}), key=lambda r: (r[1], r[2])
    )
    population = sorted(
        _rows(
            POPULATION,
            {
                "previous_year": previous_year,
                "first_year": year - 3,
                "leader_ids": [row[0] for row in leaders],
            },
        ),
        key=lambda r: (r[1], r[2]),
    )
    rng = random.Random(seed)
    sample = rng.sample(population, sample_size(rate, len(population)))
    inspectors = sorted(_rows(INSPECTORS, {}), key=lambda r: r[1])
    # One query for every declared conflict of the inspectors (a few hundred people), however
    # many items the plan has.
    conflicts = conflicts_by_uscc(experts=[inspector[0] for inspector in inspectors])

    items = []
    for (standard_id, uscc, standard_no), reason in [(row, "leader") for row in leaders] + [
        (row, "random") for row in sample
    ]:
        conflicted = conflicts.get(uscc, frozenset())
        pool = [
            inspector
            for inspector in inspectors
            if inspector[2] != uscc and inspector[0] not in conflicted
        ]
        if len(pool) < 2:
            raise TooFewInspectors(
                _(
                    "抽查项 %(uscc)s %(no)s 可用的检查员不足两名（已聘任的检查员共 %(total)d 名，"
                    "排除同单位和声明利益冲突的检查员后剩 %(left)d 名）"
                )
                % {"uscc": uscc, "no": standard_no, "total": len(inspectors), "left": len(pool)}
            )
        first, second = rng.sample(pool, 2)
        items.append(
            Item(
                standard_id, uscc, standard_no, reason, (first[0], second[0]), (first[1], second[1])
            )
        )
    return Draw(
        year=year, seed=seed, rate=Decimal(rate), population_size=len(population), items=items
    )
