"""Reads of declarations: visibility, search, the workspace list, the benchmark report."""

from __future__ import annotations

from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import (
    Case,
    CharField,
    Exists,
    Max,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Greatest
from django.utils.functional import cached_property

from apps.catalog.models import Indicator
from apps.declarations import benchmarking
from apps.declarations.enums import PUBLIC_STATUSES, StandardStatus, VersionStatus
from apps.declarations.models import IndicatorValue, Standard, StandardVersion
from apps.declarations.search import normalize_query, scan_standards, search_standards

# Counting every match of a very common term costs a scan of most of the table; beyond this
# many matches lists say "more than N" and offer the first N (refine the query for the rest).
COUNT_CAP = 1000


class StandardSearch:
    """A public search: filters plus an optional substring query, newest first.

    Two plans give the same rows (tests/declarations/test_search.py): a selective query reads
    its candidates from the bigram index and sorts them; a very common one (more than
    COUNT_CAP matches) reads standards in primary-key order and stops at the page, which is
    cheap exactly because matches are dense. The capped count, taken first through the index,
    decides which plan serves the page."""

    def __init__(self, queryset: QuerySet[Standard], q: str | None):
        self.base = queryset
        self.q = normalize_query(q)

    def indexed(self) -> QuerySet[Standard]:
        return search_standards(self.base, self.q)

    def scanned(self) -> QuerySet[Standard]:
        return scan_standards(self.base, self.q)

    def count_upto(self, limit: int) -> int:
        return self.indexed().order_by()[:limit].count()

    def ordered(self, *, common: bool) -> QuerySet[Standard]:
        queryset = self.scanned() if common else self.indexed()
        return queryset.order_by("-id")


class CappedPaginator(Paginator):
    """Pages of a StandardSearch whose count stops at `cap` (`SELECT count(*) FROM (... LIMIT
    cap+1)`); the page query uses the plan the count calls for."""

    cap = COUNT_CAP

    def __init__(self, search: StandardSearch, per_page, **kwargs):
        self.search = search
        super().__init__(search.base, per_page, **kwargs)

    @cached_property
    def raw_count(self) -> int:
        return self.search.count_upto(self.cap + 1)

    @cached_property
    def count(self) -> int:
        return min(self.raw_count, self.cap)

    @property
    def capped(self) -> bool:
        return self.raw_count > self.cap

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        rows = list(self.search.ordered(common=self.capped)[bottom:top])
        return self._get_page(rows, number, self)


def values_prefetch() -> Prefetch:
    return Prefetch(
        "values",
        queryset=IndicatorValue.objects.select_related("indicator").order_by("indicator__code"),
    )


def public_standards() -> QuerySet[Standard]:
    """What the public may see: public and abolished standards, never drafts."""
    return Standard.objects.filter(status__in=PUBLIC_STATUSES)


def standards_search(
    *,
    q: str | None = None,
    category: str | None = None,
    sector: str | None = None,
    district: str | None = None,
    status: str | None = None,
    uscc: str | None = None,
) -> StandardSearch:
    """Public search: substring `q` (see search.py) and exact filters, newest first."""
    queryset = public_standards()
    if status in PUBLIC_STATUSES:
        queryset = queryset.filter(status=status)
    if category:
        queryset = queryset.filter(category__code=category)
    if sector:
        queryset = queryset.filter(category__sector=sector)
    if district:
        queryset = queryset.filter(enterprise__district=district)
    if uscc:
        queryset = queryset.filter(enterprise__uscc=uscc.strip().upper())
    # The enterprise comes by prefetch (one query for the page) rather than a join, so the
    # planner never joins the whole enterprise table to the candidates.
    return StandardSearch(queryset.select_related("category").prefetch_related("enterprise"), q)


def standards_of_enterprise_public(enterprise) -> QuerySet[Standard]:
    return (
        public_standards()
        .filter(enterprise=enterprise)
        .select_related("category")
        .order_by("status", "-published_on", "standard_no")
    )


def workspace_standards(enterprise) -> QuerySet[Standard]:
    """An enterprise's own standards, drafts included, with what the list shows annotated."""
    drafts = StandardVersion.objects.filter(standard=OuterRef("pk"), status=VersionStatus.DRAFT)
    return (
        Standard.objects.filter(enterprise=enterprise)
        .select_related("category")
        .annotate(
            has_draft=Exists(drafts),
            draft_number=Subquery(drafts.values("number")[:1]),
            last_change=Greatest("updated_at", Max("versions__updated_at")),
            next_step=Case(
                When(status=StandardStatus.ABOLISHED, then=Value("none")),
                When(status=StandardStatus.DRAFT, then=Value("complete")),
                When(has_draft=True, then=Value("publish_revision")),
                default=Value("revise"),
                output_field=CharField(),
            ),
        )
        .order_by("-last_change", "-id")
    )


def versions_for_history(standard: Standard) -> list[StandardVersion]:
    """Published and superseded versions, newest first, with their values as display rows."""
    versions = list(
        standard.versions.filter(
            status__in=(VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED)
        ).select_related("category", "published_by")
    )
    names = {}
    category_ids = {v.category_id for v in versions}
    for indicator in Indicator.objects.filter(category_id__in=category_ids):
        names[(indicator.category_id, indicator.code)] = indicator
    for version in versions:
        version.value_rows = [
            (names.get((version.category_id, code)), code, value)
            for code, value in sorted(version.values.items())
        ]
    return versions


def standard_benchmark(standard: Standard) -> benchmarking.Report:
    """The current public values of a standard against its category's references."""
    indicators = list(Indicator.objects.filter(category_id=standard.category_id).order_by("code"))
    values = {
        v.indicator_id: Decimal(v.value)
        for v in IndicatorValue.objects.filter(standard=standard).only("indicator_id", "value")
    }
    return benchmarking.benchmark(indicators, values)


def current_version(
    standard: Standard, history: list[StandardVersion] | None = None
) -> StandardVersion | None:
    """The published version; taken from `versions_for_history`'s list when given (it holds
    the published version, newest first), saving a query on the detail page."""
    if history is not None:
        return next((v for v in history if v.status == VersionStatus.PUBLISHED), None)
    return standard.versions.filter(status=VersionStatus.PUBLISHED).first()
