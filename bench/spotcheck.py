"""Spot-check plan benchmark: `plan_generate` (the service behind the
`generate_spotcheck_plan` command and the Celery job) for year YEAR on the scale data.

Fixtures (idempotent, reused): INSPECTORS appointed inspectors, half of them from generated
Beijing enterprises (so the same-organisation exclusion is exercised), and the leaders of
YEAR - 1: LEADERS_PER_CATEGORY public Beijing standards of every category, imported titles.
The plan then takes every leader plus 5 % of the other public Beijing standards (about
680,000 of 3.17 million at S = 1.0, so about 34,000 items) and two inspectors per item.
Target at S = 1.0: < 30 s. The draft is regenerated each run (a draft is replaceable).
"""

from __future__ import annotations

import time
from datetime import date

from bench.common import ensure_scale_data

YEAR = 2098
INSPECTORS = 200
LEADERS_PER_CATEGORY = 3
RUNS = 3
TARGET_S = 30
EMAIL = "bench-inspector-{n}@bench.invalid"


def clear_fixtures() -> None:
    """Remove the plan and the leaders, which refer to generated standards (called before
    the scale data is replaced)."""
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM supervision_spotcheckitem WHERE plan_id IN "
            "(SELECT id FROM supervision_spotcheckplan WHERE year = %s)",
            [YEAR],
        )
        cursor.execute("DELETE FROM supervision_spotcheckplan WHERE year = %s", [YEAR])
        cursor.execute(
            "DELETE FROM leaders_leader WHERE year = %s AND source = 'import'", [YEAR - 1]
        )


def ensure_fixtures() -> dict:
    from django.db import connection, transaction

    from apps.catalog.models import Category
    from apps.core.uscc import BEIJING_DIVISION
    from apps.experts.models import Expert
    from apps.leaders.models import Leader

    started = time.monotonic()
    with transaction.atomic():
        have = Expert.objects.filter(
            email__endswith="@bench.invalid", roles__contains=["inspector"]
        )
        if have.count() < INSPECTORS:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT uscc FROM enterprises_enterprise WHERE substr(uscc, 3, 2) = %s "
                    "AND substr(uscc, 9, 2) = 'YY' ORDER BY uscc LIMIT %s",
                    [BEIJING_DIVISION, INSPECTORS // 2],
                )
                organisations = [row[0] for row in cursor.fetchall()]
            existing = set(have.values_list("email", flat=True))
            Expert.objects.bulk_create(
                Expert(
                    email=EMAIL.format(n=n),
                    name=f"检查员{n:03d}",
                    organisation="基准测试检查机构",
                    organisation_uscc=organisations[n] if n < len(organisations) else "",
                    roles=["inspector"],
                    status="appointed",
                    appointed_on=date(2090, 1, 1),
                )
                for n in range(INSPECTORS)
                if EMAIL.format(n=n) not in existing
            )
        leaders = Leader.objects.filter(year=YEAR - 1, source="import")
        if not leaders.exists():
            with connection.cursor() as cursor:
                cursor.execute(
                    """
                    SELECT category_id, id FROM (
                      SELECT s.category_id, s.id,
                             row_number() OVER (PARTITION BY s.category_id ORDER BY s.id) AS n
                      FROM declarations_standard s
                      JOIN enterprises_enterprise e ON e.id = s.enterprise_id
                      WHERE s.status = 'public' AND substr(e.uscc, 3, 2) = %s
                    ) ranked WHERE n <= %s
                    """,
                    [BEIJING_DIVISION, LEADERS_PER_CATEGORY],
                )
                picked = cursor.fetchall()
            categories = set(Category.objects.values_list("id", flat=True))
            Leader.objects.bulk_create(
                Leader(
                    year=YEAR - 1,
                    category_id=category_id,
                    standard_id=standard_id,
                    source="import",
                    status="active",
                    published_on=date(YEAR - 1, 6, 1),
                    valid_until=date(YEAR + 1, 6, 1),
                )
                for category_id, standard_id in picked
                if category_id in categories
            )
    return {
        "inspectors": INSPECTORS,
        "leaders": Leader.objects.filter(year=YEAR - 1, source="import").count(),
        "seconds": round(time.monotonic() - started, 1),
    }


def run(*, scale: float, seed: int) -> dict:
    from apps.supervision import services
    from apps.supervision.models import SpotCheckPlan

    data = ensure_scale_data(scale, seed)
    fixtures = ensure_fixtures()
    seconds = []
    plan = None
    for run_number in range(RUNS):
        started = time.monotonic()
        plan = services.plan_generate(year=YEAR, seed=seed + run_number, actor=None)
        seconds.append(time.monotonic() - started)
    plan = SpotCheckPlan.objects.get(pk=plan.pk)
    items = plan.items.count()
    median = sorted(seconds)[len(seconds) // 2]
    met = median < TARGET_S
    return {
        "ok": met or scale < 1,
        "data": data,
        "fixtures": fixtures,
        "population": plan.population_size,
        "items": items,
        "runs_s": [round(s, 2) for s in seconds],
        "median_s": round(median, 2),
        "summary": {
            "spot-check plan": f"{median:.2f} s median of {RUNS} "
            f"({items} items from {plan.population_size} standards)"
        },
        "table": [
            {
                "path": f"spot-check plan {YEAR}",
                "target": f"< {TARGET_S} s",
                "measured": f"{median:.2f} s ({items} items)",
                "baseline": "—",
                "ratio": None,
                "met": met,
            }
        ],
    }
