"""Substring search over standards, exact and index-backed (see search_sql.py).

`search_standards(qs, q)` returns exactly the rows of `qs` where the standard number, name,
products or enterprise name contains `q` case-insensitively (`ILIKE '%q%'`), found through
the bigram index and rechecked against the lower-cased `search_text` (search_sql.py).
Standards a bulk import wrote are found by their recheck text alone until the background job
has given them their document (`PENDING`).
`search_terms(qs, terms)` does the same for any of several terms (a query and its synonyms,
synonyms.py): the union of each term's exact result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.contrib.postgres.search import SearchVectorField
from django.db import connection
from django.db.models import CharField, Lookup, OuterRef, Q, QuerySet, Subquery, TextField

from apps.declarations import search_stats
from apps.enterprises.models import Enterprise


def escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@SearchVectorField.register_lookup
class MatchesSubstringQuery(Lookup):
    """`search_document__bigrams=q`: the document holds every bigram of q (or its character)."""

    lookup_name = "bigrams"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} @@ declarations_search_query({rhs})", [*lhs_params, *rhs_params]


@SearchVectorField.register_lookup
class MatchesTsquery(Lookup):
    """`search_document__tsquery=text`: a tsquery computed beforehand, as a constant."""

    lookup_name = "tsquery"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} @@ {rhs}::tsquery", [*lhs_params, *rhs_params]


class ILikeContains(Lookup):
    """`field__ilike_contains=q`: PostgreSQL's own `field ILIKE '%q%'` (Django's icontains
    compares UPPER()s, which is not the same test)."""

    lookup_name = "ilike_contains"

    def get_db_prep_lookup(self, value, connection):
        return ("%s", [f"%{escape_like(value)}%"])

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} ILIKE {rhs}", [*lhs_params, *rhs_params]


CharField.register_lookup(ILikeContains)
TextField.register_lookup(ILikeContains)


@TextField.register_lookup
class ContainsLowered(Lookup):
    """`search_text__contains_lowered=q`: the lower-cased text contains `lower(q)`, both
    lowered by the database (`strpos`: no pattern, so nothing to escape)."""

    lookup_name = "contains_lowered"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"strpos({lhs}, lower({rhs})) > 0", [*lhs_params, *rhs_params]


SEARCH_FIELDS = ["standard_no", "name", "products"]
# Joins the fields in `search_text` (search_sql.py); a query holding it takes the per-field test.
FIELD_SEPARATOR = "\x1f"


def _with_enterprise_name(queryset: QuerySet) -> QuerySet:
    """The enterprise name as a correlated scalar subquery: one primary-key lookup, made only
    for rows whose own fields do not match. (A join or an EXISTS lets the planner hash the
    whole enterprise table against the pattern, which costs a full scan of it.)"""
    return queryset.alias(
        search_enterprise_name=Subquery(
            Enterprise.objects.filter(pk=OuterRef("enterprise_id")).order_by().values("name")[:1],
            output_field=CharField(),
        )
    )


def _exact_condition(term: str) -> tuple[Q, bool]:
    """Rows where number, name, products or the enterprise name contains `term` as `ILIKE
    '%term%'` would say, tested on the row alone: one `strpos` on its own `search_text`, or,
    for the odd term holding the separator itself, the four ILIKEs (the second value says so:
    the enterprise name must then be aliased)."""
    if FIELD_SEPARATOR not in term:
        return Q(search_text__contains_lowered=term), False
    per_field = Q(search_enterprise_name__ilike_contains=term)
    for field in SEARCH_FIELDS:
        per_field |= Q(**{f"{field}__ilike_contains": term})
    return per_field, True


# Standards a bulk import wrote whose document is still to come (partial index
# `standard_search_pending`, search_sql.py): only their recheck text can answer for them.
PENDING = Q(search_document__isnull=True)


def _term_condition(term: str, candidates: Q) -> tuple[Q, bool]:
    """The same rows from the bigram index's `candidates` and the rows still waiting for
    their document: exact as they are for one or two characters (see index_q), otherwise
    rechecked by the exact condition. The planner ORs the two indexes' bitmaps; the waiting
    rows are usually none, one page of an empty index."""
    exact, per_field = _exact_condition(term)
    if len(term) <= 2:
        return candidates | (PENDING & exact), per_field
    return (candidates | PENDING) & exact, per_field


def _any_of(queryset: QuerySet, conditions: list[tuple[Q, bool]], extra: Q | None) -> QuerySet:
    """Rows meeting any of the terms' conditions (or `extra`): the union of the terms'
    matches, each term found through its own bigram test and rechecked on its own."""
    combined, needs_name = Q(), False
    for condition, per_field in conditions:
        combined |= condition
        needs_name |= per_field
    if extra is not None:
        combined |= extra
    if needs_name:
        queryset = _with_enterprise_name(queryset)
    return queryset.filter(combined)


# Longer queries ask the index for their rarest bigrams only (see search_sql.py).
SELECTIVE_TERMS = 3


def selective_tsquery(q: str) -> str:
    """The tsquery of q's SELECTIVE_TERMS rarest bigrams, computed once per search and then
    passed as a constant (a STABLE function in the query itself would be re-evaluated on
    every recheck of a lossy bitmap page)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT declarations_search_query_selective(%s, %s, %s, %s)::text",
            [q, SELECTIVE_TERMS, search_stats.MANY_CANDIDATES, search_stats.WIDE],
        )
        return cursor.fetchone()[0]


def index_q(q: str, tsquery: str | None = None) -> Q:
    """Candidates from the bigram index (rechecked by the caller when q is longer than two).

    A query of one or two characters needs no recheck: the document holds every pair of
    adjacent characters of each lower-cased field followed by a space, and ILIKE compares
    lower-cased text, so "the field contains q" and "the document holds lower(q)" (for one
    character: some pair starting with it) are the same statement. Longer queries match all
    their bigrams, possibly far apart, hence the recheck."""
    if len(q) <= 2:
        return Q(search_document__bigrams=q)
    return Q(search_document__tsquery=tsquery or selective_tsquery(q))


def normalize_query(q: str | None) -> str:
    return (q or "").strip()[:100]


def normalize_term(text: str | None) -> str:
    """A synonym's term as stored, and a query as it is looked up among the terms: trimmed
    and lower-cased, so that the two compare case-insensitively (CONTRACT.md §6)."""
    return (text or "").strip().lower()


def search_terms(
    queryset: QuerySet,
    terms: Sequence[str],
    *,
    tsqueries: Mapping[str, str | None] | None = None,
    extra: Q | None = None,
) -> QuerySet:
    """Index-backed search for any of `terms` (the strategy for selective queries): one
    bigram-index condition per term, so the planner ORs their bitmaps, each term rechecked
    as a substring on its own; `extra` (e.g. one enterprise's standards) joins the union.
    `tsqueries` gives terms longer than two their selective tsquery, computed beforehand."""
    terms = [term for term in terms if term]
    if not terms and extra is None:
        return queryset
    tsqueries = tsqueries or {}
    conditions = [_term_condition(term, index_q(term, tsqueries.get(term))) for term in terms]
    return _any_of(queryset, conditions, extra)


def scan_terms(queryset: QuerySet, terms: Sequence[str], *, extra: Q | None = None) -> QuerySet:
    """The same result, for plans that read standards in primary-key order and stop at the
    page (very common terms): the exact condition alone, per row. It never touches the bigram
    document (a detoast of ~1 kB a row, which was most of the cost of scanning) and never
    becomes an index condition, so no posting list is walked."""
    terms = [term for term in terms if term]
    if not terms and extra is None:
        return queryset
    return _any_of(queryset, [_exact_condition(term) for term in terms], extra)


def search_standards(queryset: QuerySet, q: str | None, tsquery: str | None = None) -> QuerySet:
    """Index-backed substring search for `q` alone (no synonyms)."""
    q = normalize_query(q)
    return search_terms(queryset, [q], tsqueries={q: tsquery})


def scan_standards(queryset: QuerySet, q: str | None) -> QuerySet:
    """`search_standards` through the per-row filter (see scan_terms)."""
    return scan_terms(queryset, [normalize_query(q)])
