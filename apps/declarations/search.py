"""Substring search over standards, exact and index-backed (see search_sql.py).

`search_standards(qs, q)` returns exactly the rows of `qs` where the standard number, name,
products or enterprise name contains `q` case-insensitively (`ILIKE '%q%'`), found through
the bigram index and rechecked with ILIKE itself.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db.models import CharField, Lookup, Q, QuerySet, TextField


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

SEARCH_FIELDS = ["standard_no", "name", "products", "enterprise__name"]


def substring_q(q: str) -> Q:
    """The plain substring test alone (the reference the index must agree with)."""
    condition = Q()
    for field in SEARCH_FIELDS:
        condition |= Q(**{f"{field}__ilike_contains": q})
    return condition


def normalize_query(q: str | None) -> str:
    return (q or "").strip()[:100]


def search_standards(queryset: QuerySet, q: str | None) -> QuerySet:
    q = normalize_query(q)
    if not q:
        return queryset
    return queryset.filter(Q(search_document__bigrams=q) & substring_q(q))
