"""Search in the words people use: synonym expansion and search by USCC (CONTRACT.md §6).

A query `q` (trimmed) expands into the terms E(q) = {q} ∪ {every `canonical` of a `Synonym`
whose `term` equals q case-insensitively}; the search finds every standard that some term of
E(q) finds (search.py, one bigram-index look-up per term). A `q` that is a complete valid
USCC also finds every standard of that enterprise, looked up by its unique uscc index.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from apps.core.replicas import read_connection
from apps.core.uscc import normalize_uscc, uscc_problem
from apps.declarations.models import Synonym
from apps.declarations.search import SELECTIVE_TERMS, normalize_query, normalize_term
from apps.declarations.search_stats import gram_statistics

# One round trip for everything a search needs before its plan: the synonyms of q, each
# term lower-cased by the database (the lower() the index and ILIKE use: its grams give the
# term's selective tsquery and estimated share, search_stats.py), and the enterprise whose
# USCC q is, if any. UNION drops a canonical word equal to q, as the set E(q) does.
_EXPAND = """
WITH terms(term) AS (
  SELECT %(q)s::text
  UNION
  SELECT canonical FROM declarations_synonym WHERE term = %(key)s
)
SELECT t.term, lower(t.term),
       (SELECT e.id FROM enterprises_enterprise e WHERE e.uscc = %(uscc)s),
       (SELECT e.name FROM enterprises_enterprise e WHERE e.uscc = %(uscc)s)
FROM terms t
"""


@dataclass(frozen=True)
class Expansion:
    """What a query searches for."""

    q: str
    # E(q): q first, then the canonical words in code-point order (the API's expanded_terms).
    terms: tuple[str, ...] = ()
    tsqueries: dict[str, str | None] = field(default_factory=dict)
    # The enterprise whose complete, valid USCC q is (None when q is not one, or no
    # enterprise has it).
    enterprise_id: int | None = None
    enterprise_name: str = ""
    # Each term's estimated share of the standards (None without statistics), and the
    # table's estimated row count.
    shares: dict[str, float | None] = field(default_factory=dict)
    rows: float = 0.0

    @property
    def share(self) -> float | None:
        """Estimated share of the standards that some term finds: at most the sum of the
        terms' shares (None when a term has no estimate). The USCC's enterprise adds a few
        standards at most and is left out."""
        shares = [self.shares.get(term) for term in self.terms]
        if not shares or None in shares:
            return None
        return min(1.0, sum(shares))

    @property
    def added_terms(self) -> tuple[str, ...]:
        """The words the synonyms added to q (what the results page says it also searched)."""
        return self.terms[1:]

    def extra(self) -> Q | None:
        """The enterprise's standards, found besides the terms' matches."""
        return None if self.enterprise_id is None else Q(enterprise_id=self.enterprise_id)


def query_uscc(q: str) -> str | None:
    """q as a USCC when it is a complete, valid one (letters compared case-insensitively)."""
    uscc = normalize_uscc(q)
    return uscc if uscc_problem(uscc) is None else None


def expand(q: str | None) -> Expansion:
    """E(q) with each term's tsquery and estimated share, and the enterprise q names by
    its USCC."""
    q = normalize_query(q)
    if not q:
        return Expansion(q)
    connection = read_connection(Synonym)
    statistics = gram_statistics(connection)
    with connection.cursor() as cursor:
        cursor.execute(_EXPAND, {"q": q, "key": normalize_term(q), "uscc": query_uscc(q)})
        rows = cursor.fetchall()
    canonical = sorted(term for term, *_rest in rows if term != q)
    _term, _lowered, enterprise_id, enterprise_name = rows[0]
    return Expansion(
        q=q,
        terms=(q, *canonical),
        tsqueries={
            term: statistics.selective_tsquery(lowered, SELECTIVE_TERMS)
            if len(lowered) > 2
            else None
            for term, lowered, *_rest in rows
        },
        enterprise_id=enterprise_id,
        enterprise_name=enterprise_name or "",
        shares={term: statistics.term_share(lowered) for term, lowered, *_rest in rows},
        rows=max(statistics.rows, 0.0),
    )


def expanded_terms(q: str | None) -> list[str]:
    """E(q) in the API's order: q first, then the canonical words sorted."""
    return list(expand(q).terms)
