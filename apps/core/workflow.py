"""Workflows kept as data: the moves an import may make along one (CONTRACT.md §2).

Each app keeps its transition table beside the service that changes the status, in one of two
shapes: `{status: {statuses it may move to}}` or `{(from, to): who may make the move}`. An
import writes a status directly, without walking the workflow step by step, so what it may
write is derived here from that same table: the stored status itself (unchanged), or any
status the workflow reaches from it. Moves back that the table allows only a person on the
page to make (e.g. re-appointing a retired expert) are named by the app and left out: an
import never moves a status back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

Pair = tuple[str, str]

_CODE = re.compile(r"^[a-z_]+$")


def _code(status) -> str:
    return str(getattr(status, "value", status))


def edges(transitions: Mapping) -> set[Pair]:
    """The table's moves as (from, to) pairs, whichever of the two shapes it has."""
    pairs: set[Pair] = set()
    for key, value in transitions.items():
        if isinstance(key, tuple):
            pairs.add((_code(key[0]), _code(key[1])))
        else:
            pairs.update((_code(key), _code(target)) for target in value)
    return pairs


def forward_pairs(transitions: Mapping, *, back: Iterable[Pair] = ()) -> frozenset[Pair]:
    """Every (stored, new) pair an import may write: the same status, or one the workflow
    reaches from the stored one in any number of moves, none of them one of `back`."""
    moves = edges(transitions) - {(_code(a), _code(b)) for a, b in back}
    statuses = {status for pair in edges(transitions) for status in pair}
    following: dict[str, set[str]] = {status: set() for status in statuses}
    for origin, target in moves:
        following[origin].add(target)
    pairs: set[Pair] = set()
    for start in statuses:
        reached, frontier = {start}, [start]
        while frontier:
            for target in following[frontier.pop()]:
                if target not in reached:
                    reached.add(target)
                    frontier.append(target)
        pairs.update((start, target) for target in reached)
    return frozenset(pairs)


def pairs_sql(pairs: Iterable[Pair]) -> str:
    """The pairs as an SQL `VALUES` list, for set-based checks: `(VALUES ('a', 'b'), ...)`."""
    rows = []
    for origin, target in sorted(pairs):
        if not (_CODE.match(origin) and _CODE.match(target)):
            raise ValueError(f"not a status code: {origin!r} -> {target!r}")
        rows.append(f"('{origin}', '{target}')")
    return f"(VALUES {', '.join(rows)})"
