"""Reads of declarations: visibility, search, the workspace list, the benchmark report."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connection, transaction
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
from django.utils.dateparse import parse_datetime
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from apps.catalog.models import Category, Indicator
from apps.core.prepared import PreparedStatement
from apps.core.replicas import read_connection
from apps.declarations import benchmarking, synonyms
from apps.declarations.enums import PUBLIC_STATUSES, StandardStatus, VersionStatus
from apps.declarations.models import IndicatorValue, Standard, StandardVersion
from apps.declarations.search import normalize_query, scan_terms, search_terms
from apps.enterprises.models import Enterprise

# Counting every match of a very common term costs a pass over most of the table; beyond this
# many matches lists say "more than N" (paging still reaches every match).
COUNT_CAP = 10_000
# A term the statistics put in at least this share of the standards may be common: a few of
# the newest rows confirm it (PROBE_ROWS); below it, the index answers at once. A term that
# dense among the probed rows may be counted in primary-key order (docs/benchmarks.md).
DENSE = 0.06
# The newest rows read, with the cheap per-row test, to confirm a term the statistics call
# common (or to judge any term when there are no statistics).
PROBE_ROWS = 2_000
# A dense term is counted in key order only with at least this many estimated matches: below,
# the index's bitmap stays exact and it visits fewer pages than the scan (docs/benchmarks.md).
KEY_ORDER_COUNT_MATCHES = 100_000
# Up to about this many matches, sorting the index's candidates beats reading standards in
# primary-key order until a page is found (the two cost the same near sqrt(8 x rows)).
INDEX_PLAN_MATCHES = 6_000


@contextmanager
def primary_key_order():
    """Run the scanned plan as written: standards in primary-key order, stopped at the LIMIT.
    The planner, misjudging how rare the per-row filter is, may otherwise prefer to filter
    the whole table and sort it (seconds instead of milliseconds)."""
    reader = read_connection(Standard)  # the replica the request reads, if any
    with transaction.atomic(using=reader.alias), reader.cursor() as cursor:
        cursor.execute("SET LOCAL enable_sort = off")
        try:
            yield
        finally:
            cursor.execute("SET LOCAL enable_sort = on")


class StandardSearch:
    """A public search: filters plus an optional substring query, newest first. The query
    expands into its synonyms, and a complete USCC also finds its enterprise's standards
    (synonyms.py): the rows are the union of each term's substring matches.

    Two plans give the same rows (tests/declarations/test_search.py, test_plans.py):
    - `indexed`: candidates from the bigram index, rechecked, sorted: cost grows with the
      number of matches (and with the posting lists walked);
    - `scanned`: standards in primary-key order, newest first, tested row by row on their
      `search_text` and stopped at the page: cost grows with rows per match, so it suits
      dense (common) terms, and it walks no posting list.
    `plan()` picks one by the query's estimated share of the standards (search_stats.py:
    PostgreSQL's statistics of the index, cached per process): below DENSE the index counts
    the matches (up to COUNT_CAP + 1) and pages them unless the count reached the cap. At
    DENSE or above (or with no statistics) the newest PROBE_ROWS standards are tested row by
    row, confirming the estimate (for terms of three characters or more only an upper bound).
    A term still dense there, with a long posting list (KEY_ORDER_COUNT_MATCHES), is counted
    in primary-key order, stopped at COUNT_CAP + 1, and paged by the scan; otherwise the
    index counts it.
    `decided_by` says what decided: "statistics" or "probe"."""

    cap = COUNT_CAP
    probe_rows = PROBE_ROWS
    dense = DENSE
    index_plan_matches = INDEX_PLAN_MATCHES
    key_order_count_matches = KEY_ORDER_COUNT_MATCHES

    def __init__(self, queryset: QuerySet[Standard], q: str | None):
        self.base = queryset
        self.q = normalize_query(q)
        self.decided_by = ""

    @cached_property
    def expansion(self) -> synonyms.Expansion:
        return synonyms.expand(self.q)

    def indexed(self) -> QuerySet[Standard]:
        expansion = self.expansion
        return search_terms(
            self.base, expansion.terms, tsqueries=expansion.tsqueries, extra=expansion.extra()
        )

    def scanned(self) -> QuerySet[Standard]:
        return scan_terms(self.base, self.expansion.terms, extra=self.expansion.extra())

    @cached_property
    def plan(self) -> tuple[int, bool]:
        """(matches counted up to cap + 1, whether to page with the scanned plan)."""
        limit = self.cap + 1
        if not self.q:
            return self.base.order_by()[:limit].count(), True
        share, rows = self.expansion.share, self.expansion.rows
        if share is not None and share < self.dense:
            self.decided_by = "statistics"
            return self._counted_by_index(limit, share * rows)
        self.decided_by = "probe"
        with read_connection(Standard).cursor() as cursor:
            cursor.execute(
                "SELECT id FROM declarations_standard ORDER BY id DESC OFFSET %s LIMIT 1",
                [self.probe_rows],
            )
            boundary = cursor.fetchone()
        recent = self.scanned()
        if boundary is not None:
            recent = recent.filter(id__gt=boundary[0])
        in_recent = recent.order_by()[:limit].count()
        if in_recent >= limit or boundary is None:
            return in_recent, True
        density = in_recent / self.probe_rows
        estimated_total = density * max(rows, self.probe_rows)
        if density >= self.dense and estimated_total >= self.key_order_count_matches:
            # Reading in key order finds cap + 1 matches sooner than the index can build
            # its (large, lossy) bitmap of candidates.
            with primary_key_order():
                return self.scanned().order_by("-id")[:limit].count(), True
        return self._counted_by_index(limit, estimated_total)

    def _counted_by_index(self, limit: int, estimated_total: float) -> tuple[int, bool]:
        matches = self.indexed().order_by()[:limit].count()
        return matches, matches >= limit and max(matches, estimated_total) > (
            self.index_plan_matches
        )

    def ordered(self) -> QuerySet[Standard]:
        queryset = self.scanned() if self.plan[1] else self.indexed()
        return queryset.order_by("-id")


class CappedPage(Page):
    """A page of a capped search: whether another page follows is known from one look-ahead
    row, not from the (uncounted) total."""

    def __init__(self, object_list, number, paginator, *, more: bool):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more if self.paginator.capped else super().has_next()


class CappedPaginator(Paginator):
    """Pages of a StandardSearch whose count stops at `cap`. Paging goes on past the cap
    (each page asks for one row more to know whether another follows), so every match stays
    reachable, as CONTRACT.md §6 requires; only the total is not counted beyond the cap."""

    cap = COUNT_CAP

    def __init__(self, search: StandardSearch, per_page, **kwargs):
        self.search = search
        search.cap = self.cap
        super().__init__(search.base, per_page, **kwargs)

    @cached_property
    def raw_count(self) -> int:
        return self.search.plan[0]

    @cached_property
    def count(self) -> int:
        return min(self.raw_count, self.cap)

    @property
    def capped(self) -> bool:
        return self.raw_count > self.cap

    def validate_number(self, number):
        if not self.capped:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger(_("页码不是整数")) from error
        if number < 1:
            raise EmptyPage(_("页码小于 1"))
        return number

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page + 1
        if self.search.plan[1]:
            with primary_key_order():
                rows = list(self.search.ordered()[bottom:top])
        else:
            rows = list(self.search.ordered()[bottom:top])
        if not rows and number > 1:
            raise EmptyPage(_("该页没有结果"))
        return CappedPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)


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
    """Published and superseded versions, newest first, with their values as display text."""
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
        version.values_text = values_text(
            (code, value, names.get((version.category_id, code)))
            for code, value in sorted(version.values.items())
        )
    return versions


def values_text(rows) -> str:
    """A version's values for the history: "name value unit；..." from (code, value,
    indicator or None) in code order; a code no indicator of the version's category has any
    more shows as the code. Joined here rather than looped over in the template: a history
    of a few versions of eight indicators took a quarter of the detail page's rendering."""
    return "；".join(
        f"{code} {value}"
        if indicator is None
        else f"{indicator.name} {value} {indicator.unit}"
        if indicator.unit
        else f"{indicator.name} {value}"
        for code, value, indicator in rows
    )


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


# ---- the public detail page ------------------------------------------------------------------

# Everything the detail page shows, in one statement: the standard with its enterprise and
# category, the category's indicators with this standard's values, and the published history
# with each version's values named by its own category's indicators. Random ids over millions
# of standards never hit a cache, so the page's cost is its queries and rendering: one round
# trip and no ORM query compilation (four to five ORM queries took ~2.5 ms of CPU of a ~5 ms
# request, docs/benchmarks.md), prepared once per database session (planning it cost the
# database five times what running it does). Decimals and timestamps travel as text inside
# the JSON so nothing is rounded through floats.
_STANDARD_PAGE = PreparedStatement(
    "standard_page",
    """
SELECT s.id, s.enterprise_id, s.standard_no, s.name, s.category_id, s.standard_type, s.products,
       s.status, s.published_on, s.abolished_on,
       e.uscc, e.name, c.code, c.name, c.sector,
       (SELECT json_agg(json_build_array(i.id, i.code, i.name, i.unit, i.direction,
                                         i.national_value::text, i.international_value::text,
                                         i.national_mandatory, v.value::text)
                        ORDER BY i.code)
          FROM catalog_indicator i
          LEFT JOIN declarations_indicatorvalue v
            ON v.indicator_id = i.id AND v.standard_id = s.id
         WHERE i.category_id = s.category_id),
       (SELECT json_agg(json_build_array(
                   sv.id, sv.number, sv.status, sv.name, sv.category_id, vc.name, sv.text_file,
                   sv.published_at, sv.change_note,
                   (SELECT json_agg(json_build_array(kv.key, kv.value, vi.name, vi.unit)
                                    ORDER BY kv.key COLLATE "C")
                      FROM jsonb_each_text(sv.values) kv
                      LEFT JOIN catalog_indicator vi
                        ON vi.category_id = sv.category_id AND vi.code = kv.key))
                   ORDER BY sv.number DESC)
          FROM declarations_standardversion sv
          JOIN catalog_category vc ON vc.id = sv.category_id
         WHERE sv.standard_id = s.id AND sv.status IN ($2, $3))
  FROM declarations_standard s
  JOIN enterprises_enterprise e ON e.id = s.enterprise_id
  JOIN catalog_category c ON c.id = s.category_id
 WHERE s.id = $1
""",
    ("bigint", "text", "text"),
)


def _from_db(model, **values):
    """A model instance as a queryset would build it from these columns (the others deferred,
    so reading one that the page did not fetch costs a query rather than a wrong value)."""
    fields = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db(connection.alias, fields, [values[name] for name in fields])


class _Label(NamedTuple):
    name: str
    unit: str


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


@dataclass(frozen=True)
class StandardPage:
    standard: Standard
    report: benchmarking.Report
    versions: list[StandardVersion]
    current: StandardVersion | None


def standard_page(pk: int) -> StandardPage | None:
    """What the detail page shows (any status: the view checks who may see it), or None."""
    if not 0 < pk < 2**63:  # no such id (and not a bigint: the database would refuse it)
        return None
    # A public page: read where the router sends this request's reads (a replica, if any).
    with read_connection(Standard).cursor() as cursor:
        _STANDARD_PAGE.execute(
            cursor, [pk, VersionStatus.PUBLISHED.value, VersionStatus.SUPERSEDED.value]
        )
        row = cursor.fetchone()
    if row is None:
        return None
    (pk, enterprise_id, number, name, category_id, standard_type, products, status,
     published_on, abolished_on, uscc, enterprise_name, category_code, category_name,
     sector, indicator_rows, version_rows) = row  # fmt: skip
    standard = _from_db(
        Standard,
        id=pk,
        enterprise_id=enterprise_id,
        standard_no=number,
        name=name,
        category_id=category_id,
        standard_type=standard_type,
        products=products,
        status=status,
        published_on=published_on,
        abolished_on=abolished_on,
    )
    category = _from_db(
        Category, id=category_id, code=category_code, name=category_name, sector=sector
    )
    Standard.enterprise.field.set_cached_value(
        standard, _from_db(Enterprise, id=enterprise_id, uscc=uscc, name=enterprise_name)
    )
    Standard.category.field.set_cached_value(standard, category)

    indicators, values = [], {}
    for (ind_id, code, ind_name, unit, direction, national, international, mandatory,
         value) in indicator_rows or ():  # fmt: skip
        indicator = _from_db(
            Indicator,
            id=ind_id,
            category_id=category_id,
            code=code,
            name=ind_name,
            unit=unit,
            direction=direction,
            national_value=_decimal(national),
            international_value=_decimal(international),
            national_mandatory=mandatory,
        )
        Indicator.category.field.set_cached_value(indicator, category)
        indicators.append(indicator)
        if value is not None:
            values[ind_id] = Decimal(value)

    versions = []
    for (version_id, version_no, version_status, version_name, version_category_id,
         version_category_name, text_file, published_at, change_note,
         value_rows) in version_rows or ():  # fmt: skip
        version = _from_db(
            StandardVersion,
            id=version_id,
            standard_id=pk,
            number=version_no,
            status=version_status,
            name=version_name,
            category_id=version_category_id,
            text_file=text_file,
            published_at=None if published_at is None else parse_datetime(published_at),
            change_note=change_note,
        )
        StandardVersion.standard.field.set_cached_value(version, standard)
        StandardVersion.category.field.set_cached_value(
            version,
            category
            if version_category_id == category_id
            else _from_db(Category, id=version_category_id, name=version_category_name),
        )
        version.values_text = values_text(
            (code, value, None if ind_name is None else _Label(ind_name, unit))
            for code, value, ind_name, unit in value_rows or ()
        )
        versions.append(version)
    return StandardPage(
        standard=standard,
        report=benchmarking.benchmark(indicators, values),
        versions=versions,
        current=current_version(standard, versions),
    )
