"""The statistics dashboard's figures (the work plan's goals, docs/domain.md "目标").

`statistics_compute` runs a handful of set-based GROUP BY statements (each one scan, also at
national scale: 3.2 million standards); `statistics_refresh` stores the result per language
in the database (`StatisticsSnapshot`) and the cache; the nightly beat job and every
leader-list publication refresh it. `statistics_cached` serves the stored result: from the
cache, else from the database, so a Redis outage costs one indexed read, never a wait. Each
section is plain data: a title, column headers, rows, and the chart built from them.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.catalog.enums import Sector
from apps.core.formatting import plain_number
from apps.declarations.enums import PUBLIC_STATUSES, StandardStatus
from apps.declarations.models import Standard
from apps.enterprises.enums import District
from apps.enterprises.models import Enterprise
from apps.incentives import selectors as incentive_selectors
from apps.incentives.enums import ProgrammeKind
from apps.leaders.models import Leader, Ranking, RankingEntry
from apps.portal.models import StatisticsSnapshot
from apps.supervision.enums import ItemReason, ItemResult, PlanStatus
from apps.supervision.models import SpotCheckItem

CACHE_KEY = "portal:statistics:v1:{language}"
# pg_try_advisory_xact_lock key: one first computation at a time, without Redis.
COMPUTE_LOCK_ID = 0x5354_4154  # "STAT"


def _percent(part: int, whole: int) -> str:
    """To one decimal, written as people write it: 50, 33.3, 0 (formatting.plain_number)."""
    if not whole:
        return "0"
    value = Decimal(part * 100) / Decimal(whole)
    return plain_number(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _district_label(code: str) -> str:
    return str(District(code).label) if code in District.values else _("未填写")


def _section(key, title, columns, rows, *, labels, datasets, chart="bar", stacked=False):
    return {
        "key": key,
        "title": title,
        "columns": columns,
        "rows": rows,
        "chart": {
            "type": chart,
            "stacked": stacked,
            "labels": labels,
            "datasets": datasets,
        },
    }


def _coverage_by_year() -> dict:
    declared = Standard.objects.filter(status__in=PUBLIC_STATUSES, published_on__isnull=False)
    per_sector = (
        declared.annotate(year=ExtractYear("published_on"))
        .values("year", "category__sector")
        .annotate(standards=Count("id"))
        .order_by()  # no default ordering: it would join every enterprise for nothing
    )
    per_year = (
        declared.annotate(year=ExtractYear("published_on"))
        .values("year")
        .annotate(standards=Count("id"), enterprises=Count("enterprise", distinct=True))
        .order_by("year")
    )
    by_sector = {(row["year"], row["category__sector"]): row["standards"] for row in per_sector}
    sectors = list(Sector)
    rows, labels = [], []
    for row in per_year:
        year = row["year"]
        labels.append(str(year))
        rows.append(
            [
                str(year),
                row["enterprises"],
                row["standards"],
                *[by_sector.get((year, sector.value), 0) for sector in sectors],
            ]
        )
    return _section(
        "coverage_year",
        _("企业标准自我声明公开：按年度和领域"),
        [_("年度"), _("声明企业数"), _("声明标准数"), *[str(s.label) for s in sectors]],
        rows,
        labels=labels,
        datasets=[
            {"label": str(sector.label), "data": [row[3 + i] for row in rows]}
            for i, sector in enumerate(sectors)
        ],
        stacked=True,
    )


def _coverage_by_district() -> tuple[dict, dict]:
    registered = {
        row["district"]: row["n"]
        for row in Enterprise.objects.values("district").annotate(n=Count("id"))
    }
    declared = {
        row["enterprise__district"]: (row["enterprises"], row["standards"])
        for row in Standard.objects.filter(status=StandardStatus.PUBLIC)
        .values("enterprise__district")
        .annotate(enterprises=Count("enterprise", distinct=True), standards=Count("id"))
    }
    codes = [d.value for d in District] + [""]
    rows = []
    for code in codes:
        total = registered.get(code, 0)
        enterprises, standards = declared.get(code, (0, 0))
        if code == "" and not total:
            continue
        rows.append(
            [_district_label(code), total, enterprises, _percent(enterprises, total), standards]
        )
    total_registered = sum(registered.values())
    total_declaring = sum(row[2] for row in rows)
    headline = {
        "enterprises": total_registered,
        "declaring": total_declaring,
        "coverage": _percent(total_declaring, total_registered),
        "standards": sum(row[4] for row in rows),
    }
    section = _section(
        "coverage_district",
        _("声明覆盖率：按区"),
        [_("区"), _("注册企业数"), _("已声明企业数"), _("覆盖率（%）"), _("公开标准数")],
        rows,
        labels=[row[0] for row in rows],
        datasets=[
            {"label": _("注册企业数"), "data": [row[1] for row in rows]},
            {"label": _("已声明企业数"), "data": [row[2] for row in rows]},
        ],
    )
    return section, headline


def _leaders_by_sector(today: date) -> tuple[dict, int]:
    active = {
        row["category__sector"]: (row["titles"], row["enterprises"])
        for row in Leader.objects.active_on(today)
        .values("category__sector")
        .annotate(titles=Count("id"), enterprises=Count("standard__enterprise", distinct=True))
    }
    ever = {
        row["category__sector"]: row["n"]
        for row in Leader.objects.values("category__sector").annotate(n=Count("id"))
    }
    rows = [
        [str(sector.label), *active.get(sector.value, (0, 0)), ever.get(sector.value, 0)]
        for sector in Sector
    ]
    section = _section(
        "leaders_sector",
        _("领跑者：按领域"),
        [_("领域"), _("有效领跑者标准"), _("有效领跑者企业"), _("累计领跑者标准")],
        rows,
        labels=[row[0] for row in rows],
        datasets=[
            {"label": _("有效领跑者标准"), "data": [row[1] for row in rows]},
            {"label": _("累计领跑者标准"), "data": [row[3] for row in rows]},
        ],
    )
    return section, sum(row[1] for row in rows)


def _leaders_by_district(today: date) -> dict:
    counts = {
        row["standard__enterprise__district"]: (row["titles"], row["enterprises"])
        for row in Leader.objects.active_on(today)
        .values("standard__enterprise__district")
        .annotate(titles=Count("id"), enterprises=Count("standard__enterprise", distinct=True))
    }
    rows = [
        [_district_label(code), *counts[code]]
        for code in [d.value for d in District] + [""]
        if code in counts
    ]
    return _section(
        "leaders_district",
        _("有效领跑者：按区"),
        [_("区"), _("领跑者标准"), _("领跑者企业")],
        rows,
        labels=[row[0] for row in rows],
        datasets=[{"label": _("领跑者标准"), "data": [row[1] for row in rows]}],
    )


def _rankings() -> dict:
    per_year = (
        Ranking.objects.filter(is_current=True)
        .values("scheme__year")
        .annotate(schemes=Count("id"))
        .order_by("scheme__year")
    )
    totals = {
        row["scheme__year"]: (row["entrants"], row["participants"])
        for row in Ranking.objects.filter(is_current=True)
        .values("scheme__year")
        .annotate(entrants=Sum("entrants"), participants=Sum("participants"))
    }
    candidates = {
        row["ranking__scheme__year"]: (row["ranked"], row["candidates"])
        for row in RankingEntry.objects.filter(ranking__is_current=True)
        .values("ranking__scheme__year")
        .annotate(
            ranked=Count("id", filter=Q(rank__isnull=False)),
            candidates=Count("id", filter=Q(candidate=True)),
        )
    }
    rows = []
    for row in per_year:
        year = row["scheme__year"]
        entrants, participants = totals.get(year, (0, 0))
        ranked, candidate_count = candidates.get(year, (0, 0))
        rows.append(
            [str(year), row["schemes"], entrants or 0, participants or 0, ranked, candidate_count]
        )
    return _section(
        "rankings",
        _("评估排行参与情况：按年度"),
        [
            _("年度"),
            _("排行榜数"),
            _("参评标准数"),
            _("参评企业数（按排行榜计）"),
            _("进入排名的标准"),
            _("领跑者候选"),
        ],
        rows,
        labels=[row[0] for row in rows],
        datasets=[
            {"label": _("参评标准数"), "data": [row[2] for row in rows]},
            {"label": _("领跑者候选"), "data": [row[5] for row in rows]},
        ],
    )


def _spotchecks() -> dict:
    per_year = (
        # Approved plans only: a draft's items stay with bureau staff (CONTRACT §4 [2026-12]).
        SpotCheckItem.objects.filter(plan__status=PlanStatus.APPROVED)
        .values("plan__year", "plan__status")
        .annotate(
            items=Count("id"),
            leaders=Count("id", filter=Q(reason=ItemReason.LEADER)),
            passed=Count("id", filter=Q(result=ItemResult.PASSED)),
            failed=Count("id", filter=Q(result=ItemResult.FAILED)),
            pending=Count("id", filter=Q(result=ItemResult.PENDING)),
            leaders_failed=Count(
                "id", filter=Q(result=ItemResult.FAILED, reason=ItemReason.LEADER)
            ),
        )
        .order_by("plan__year")
    )
    rows = [
        [
            str(row["plan__year"]),
            str(PlanStatus(row["plan__status"]).label),
            row["items"],
            row["leaders"],
            row["passed"],
            row["failed"],
            row["pending"],
            row["leaders_failed"],
        ]
        for row in per_year
    ]
    return _section(
        "spotchecks",
        _("企业标准监督抽查结果：按年度"),
        [
            _("年度"),
            _("计划状态"),
            _("抽查标准数"),
            _("其中领跑者标准"),
            _("合格"),
            _("不合格"),
            _("待检查"),
            _("不合格的领跑者标准"),
        ],
        rows,
        labels=[row[0] for row in rows],
        datasets=[
            {"label": _("合格"), "data": [row[4] for row in rows]},
            {"label": _("不合格"), "data": [row[5] for row in rows]},
            {"label": _("待检查"), "data": [row[6] for row in rows]},
        ],
        stacked=True,
    )


def _incentives() -> dict:
    counts = {row["programme__kind"]: row for row in incentive_selectors.uptake_by_kind()}
    rows = []
    for kind in ProgrammeKind:
        row = counts.get(kind.value)
        if row is None:
            rows.append([str(kind.label), 0, 0, 0, 0, 0])
        else:
            rows.append(
                [
                    str(kind.label),
                    row["submitted"],
                    row["approved"],
                    row["refused"],
                    row["pending"],
                    row["enterprises"],
                ]
            )
    return _section(
        "incentives",
        _("激励政策落实：按政策类型"),
        [_("政策类型"), _("申请数"), _("通过"), _("未通过"), _("待审核"), _("获得支持的企业")],
        rows,
        labels=[row[0] for row in rows],
        datasets=[
            {"label": _("通过"), "data": [row[2] for row in rows]},
            {"label": _("未通过"), "data": [row[3] for row in rows]},
            {"label": _("待审核"), "data": [row[4] for row in rows]},
        ],
        stacked=True,
    )


def statistics_compute(today: date | None = None) -> dict:
    today = today or timezone.localdate()
    district_section, headline = _coverage_by_district()
    leaders_section, active_leaders = _leaders_by_sector(today)
    headline["active_leaders"] = active_leaders
    sections = [
        _coverage_by_year(),
        district_section,
        leaders_section,
        _leaders_by_district(today),
        _rankings(),
        _spotchecks(),
        _incentives(),
    ]
    return {
        "computed_at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        "as_of": today.isoformat(),
        "headline": headline,
        "sections": sections,
    }


def _store(language: str, data: dict) -> None:
    StatisticsSnapshot.objects.update_or_create(
        language=language, defaults={"data": data, "computed_at": timezone.now()}
    )
    cache.set(CACHE_KEY.format(language=language), data, timeout=None)


def statistics_refresh() -> dict:
    """Recompute and store the figures in every site language (nightly, and when a leader
    list is published); returns those of the current language."""
    current = translation.get_language() or settings.LANGUAGE_CODE
    result = None
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            data = statistics_compute()
        _store(language, data)
        if language == current:
            result = data
    return result if result is not None else statistics_compute()


def statistics_pending() -> dict:
    """What the page shows while the very first computation runs elsewhere."""
    return {"pending": True, "computed_at": "", "as_of": "", "headline": {}, "sections": []}


def statistics_cached() -> dict:
    """The stored figures of the current language: from the cache, else from the database.
    Only a database that never had them computes here, one request at a time (an advisory
    lock in PostgreSQL, not Redis); the others get `statistics_pending()` at once."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    key = CACHE_KEY.format(language=language)
    data = cache.get(key)
    if data is not None:
        return data
    data = (
        StatisticsSnapshot.objects.filter(language=language).values_list("data", flat=True).first()
    )
    if data is not None:
        cache.set(key, data, timeout=None)
        return data
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [COMPUTE_LOCK_ID])
            (locked,) = cursor.fetchone()
        if not locked:
            return statistics_pending()
        data = statistics_compute()
        _store(language, data)
    return data
