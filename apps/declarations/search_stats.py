"""How common a search term is, from PostgreSQL's own statistics of the bigram index.

ANALYZE (autovacuum runs it after large writes) samples `standards.search_document` (300 ×
its statistics target of 1000 = 300,000 rows, migration declarations.0002) and keeps the
10,000 most common lexemes (our bigrams, search_sql.py) with the share of rows holding each
(`pg_stats.most_common_elems` / `most_common_elem_freqs`; the two numbers after the
per-lexeme shares are the smallest and largest of them). A lexeme not listed is rarer than
the smallest listed share.

The search reads those two arrays once per process and TTL seconds (parsing them took ~4 ms
with 3,500 lexemes at S = 0.01, and every search of three characters or more paid it), so
estimating a term costs nothing:
- `term_share(l)`: the share of standards whose document holds every gram of the lower-cased
  term `l`, estimated as the smallest share of its bigrams. For two characters that is the
  estimate of the term's own share (the document test is the substring test, search.py);
  for longer terms it is an upper bound (the grams may occur apart), which is why the search
  confirms a "common" estimate by reading a few rows before it trusts it (selectors.py). One
  character c has no lexeme of its own (the index asks for every bigram starting with c):
  its share is estimated as the sum of those bigrams' shares (at least the floor), capped at
  1: an upper bound as far as the bigrams are listed.
- `selective_tsquery(l, n)`: the index query of l's n rarest bigrams, as
  `declarations_search_query_selective` computes it in SQL (search_sql.py), without a round
  trip.

The estimate only chooses a plan: both plans return exactly the `ILIKE` rows, so a stale or
missing estimate costs time, never a result. Without statistics (a table never analysed)
every share is unknown (None) and the search decides by reading rows, as before.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

SEPARATOR = "\x1f"  # the recheck text's; the document and the queries read it as a space
TTL = 300.0  # seconds a process keeps the statistics it read
# A bigram found in more rows than this narrows too little to be worth an index walk, unless it
# is the rarest one (the rule of declarations_search_query_selective).
NARROWING = 0.1
# But when even the rarest leaves this many candidate rows, a commoner bigram (in under WIDE of
# the rows) is worth its posting list: at S = 1.0 "能型滚动" had 29,615 candidates from its two
# rarer bigrams and 3,979 matches; with "能型" (16 %) too, 124 ms became 18 ms.
MANY_CANDIDATES = 5_000
WIDE = 0.3

_LOAD = """
SELECT s.most_common_elems::text::text[], s.most_common_elem_freqs, c.reltuples
FROM pg_class c
LEFT JOIN pg_stats s
  ON s.schemaname = current_schema() AND s.tablename = 'declarations_standard'
 AND s.attname = 'search_document'
WHERE c.oid = 'declarations_standard'::regclass
"""


@dataclass(frozen=True)
class GramStatistics:
    """Shares of rows holding each common gram; `floor` bounds every gram not listed."""

    shares: Mapping[str, float] = field(default_factory=dict)
    floor: float = 0.0
    rows: float = 0.0  # the table's estimated row count (pg_class.reltuples)

    @property
    def known(self) -> bool:
        return bool(self.shares)

    @cached_property
    def first_character_shares(self) -> Mapping[str, float]:
        """For each character, the summed shares of the listed bigrams starting with it."""
        sums: dict[str, float] = {}
        for gram, share in self.shares.items():
            sums[gram[:1]] = sums.get(gram[:1], 0.0) + share
        return sums

    def gram_share(self, gram: str) -> float:
        return self.shares.get(gram, self.floor)

    def term_share(self, lowered: str) -> float | None:
        """Estimated share of rows holding every gram of `lowered` (None: no statistics)."""
        if not self.known or not lowered:
            return None
        if len(lowered) == 1:
            (character,) = grams(lowered)
            return min(1.0, max(self.floor, self.first_character_shares.get(character, 0.0)))
        return min(self.gram_share(g) for g in grams(lowered))

    def selective_tsquery(self, lowered: str, terms: int) -> str | None:
        """The AND of the `terms` rarest bigrams of `lowered` (the rarest always, others only
        while they still narrow: see NARROWING and MANY_CANDIDATES), as tsquery text."""
        ranked = sorted(grams(lowered), key=lambda g: (self.gram_share(g), g))
        many = bool(ranked) and self.gram_share(ranked[0]) * self.rows >= MANY_CANDIDATES
        limit = WIDE if many else NARROWING
        chosen = [g for rank, g in enumerate(ranked) if rank == 0 or self.gram_share(g) < limit]
        if not chosen:
            return None
        return " & ".join(_quote(g) for g in chosen[:terms])


def grams(lowered: str) -> list[str]:
    """The distinct grams the index is asked for: the character itself (a prefix), or every
    bigram (declarations_search_query: U+001F read as a space, substr by characters, as
    Python slices)."""
    lowered = lowered.replace(SEPARATOR, " ")
    if len(lowered) <= 1:
        return [lowered] if lowered else []
    return list(dict.fromkeys(lowered[i : i + 2] for i in range(len(lowered) - 1)))


def _quote(gram: str) -> str:
    """A gram as a tsquery lexeme, quoted as declarations_search_lexeme quotes it (one
    character: a prefix)."""
    quoted = "'" + gram.replace("\\", "\\\\").replace("'", "''") + "'"
    return quoted + ":*" if len(gram) == 1 else quoted


_cache: dict[str, tuple[float, GramStatistics]] = {}
_lock = threading.Lock()


def gram_statistics(connection) -> GramStatistics:
    """The statistics as `connection`'s server has them, read at most once per TTL."""
    now = time.monotonic()
    cached = _cache.get(connection.alias)
    if cached is not None and now - cached[0] < TTL:
        return cached[1]
    with connection.cursor() as cursor:
        cursor.execute(_LOAD)
        elements, shares, rows = cursor.fetchone()
    if elements and shares and len(shares) >= len(elements) + 2:
        statistics = GramStatistics(
            shares=dict(zip(elements, shares, strict=False)),
            floor=float(shares[len(elements)]),
            rows=float(rows or 0),
        )
    else:
        statistics = GramStatistics(rows=float(rows or 0))
    with _lock:
        _cache[connection.alias] = (now, statistics)
    return statistics


def forget() -> None:
    """Drop what this process read (after an ANALYZE that should count at once: tests)."""
    with _lock:
        _cache.clear()
