"""Search benchmark: the standards search API against a plain ILIKE scan, same data, same run.

For Chinese queries of 1 to 6 characters (substrings of generated names, plus common terms
such as 企业, 标准, 有限公司 that match most standards),
it checks that the API's search returns exactly the standards the scan finds (count and an
md5 over the sorted ids, and the first page), then times
- `api`: GET /api/v1/standards/?q=... handled end to end by the DRF view (capped count,
  page, prefetches, JSON rendering), and
- `scan`: the plain `ILIKE '%q%'` query over number, name, products and enterprise name,
  fetching every matching id (its first run also gives the ids the API is checked against),
and reports p50/p95 per query length and overall, and their ratio (scan / api).

Synonym queries (words people type, expanded by data/demo/synonyms.csv, CONTRACT.md §6) and a
query by a complete USCC are checked and timed the same way, against their own plain scan:
the ILIKE of every term of E(q) ORed, and for the USCC its enterprise's standards. They are
reported apart (`synonyms_and_uscc`), so the 1-6 character figures stay comparable with
earlier runs.

Every query also belongs to one kind, reported with its own p50/p95 and scan baseline
(`by_kind`), and all kinds together (`all_kinds`, the figure the < 100 ms target is judged
on since issue 20):
- `common`: COMMON, words in most standards (企业, 标准, 企业标, 业标, 有限公司, ...);
- `drawn`: the 1-6 character pieces of generated names, products and enterprise names;
- `name_pieces`: random 2-4 character pieces of standard names, as issue 20's independent
  check drew them (a sixth of its queries were pieces like 企业, 业标, 企业标);
- `synonyms` and `uscc`.
Each query's row says which plan served it (`plan`: index or scan, and whether the
statistics or the probe decided, apps/declarations/selectors.py).
"""

from __future__ import annotations

import random
import re
import time
from collections import Counter

from bench.common import ensure_scale_data, summary_ms

REPEATS = 5  # API calls per query
SCAN_REPEATS = 2  # the scan is slow and steady; two samples per query suffice (one at scale >= 0.5)
PER_LENGTH = 10
# Common terms: words in almost every name (企业, 标准, 有限公司 match most of the catalogue,
# the worst case for the count and the first page) and key-area words.
COMMON = [
    "电",
    "京",
    "北京",
    "企业",
    "标准",
    "企业标",
    "业标",
    "企业标准",
    "电饭锅",
    "有限公司",
    "空气净化器",
    "家用洗衣机",
    "科技",
]
# Everyday words of data/demo/synonyms.csv: each finds its key area's standards through the
# canonical word (空调 -> 空气调节器), which the word alone does not.
SYNONYM_QUERIES = ["空调", "电饭煲", "抽油烟机", "厨电", "养老院", "cnc", "电瓶车电池"]
NAME_PIECES = 32  # random 2-4 character pieces of standard names (issue 20's check drew 32)
CJK = re.compile(r"[\u4e00-\u9fff]+")

SCAN_SQL = """
SELECT {select} FROM declarations_standard s
JOIN enterprises_enterprise e ON e.id = s.enterprise_id
WHERE s.status IN ('public', 'abolished') AND ({where})
"""
TERM_SQL = "s.standard_no ILIKE %s OR s.name ILIKE %s OR s.products ILIKE %s OR e.name ILIKE %s"


def pattern(q: str) -> str:
    return "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def pick_queries(seed: int, per_length: int) -> list[str]:
    from django.db import connection

    rng = random.Random(seed)
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM declarations_standard")
        low, high = cursor.fetchone()
        texts = []
        for _ in range(120):
            cursor.execute(
                "SELECT s.name, s.products, e.name FROM declarations_standard s "
                "JOIN enterprises_enterprise e ON e.id = s.enterprise_id "
                "WHERE s.id >= %s ORDER BY s.id LIMIT 1",
                [rng.randint(low, high)],
            )
            texts.extend(t for t in cursor.fetchone() if t)
    runs = [run for text in texts for run in CJK.findall(text)]
    queries = []
    for length in range(1, 7):
        candidates = sorted({r for r in runs if len(r) >= length})
        for _ in range(per_length):
            run = rng.choice(candidates)
            start = rng.randint(0, len(run) - length)
            queries.append(run[start : start + length])
    return [q for q in dict.fromkeys(queries) if q not in COMMON]


def pick_name_pieces(seed: int, count: int) -> list[str]:
    """Random 2-4 character pieces of the names of random standards (any characters, as a
    person might copy them from a list), distinct, none already in COMMON."""
    from django.db import connection

    rng = random.Random(seed * 7919)
    pieces: list[str] = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM declarations_standard")
        low, high = cursor.fetchone()
        for _ in range(count * 20):
            if len(pieces) == count:
                break
            cursor.execute(
                "SELECT name FROM declarations_standard WHERE id >= %s ORDER BY id LIMIT 1",
                [rng.randint(low, high)],
            )
            name = cursor.fetchone()[0].strip()
            length = rng.randint(2, 4)
            if len(name) < length:
                continue
            start = rng.randint(0, len(name) - length)
            piece = name[start : start + length].strip()
            if len(piece) >= 2 and piece not in pieces and piece not in COMMON:
                pieces.append(piece)
    return pieces


def load_synonyms() -> int:
    """The demo synonym list (idempotent: an import of the same file changes nothing)."""
    from apps.core.imports.services import import_file
    from apps.portal.management.commands.seed_demo import DEMO_DIR

    _run, result = import_file(kind="synonyms", path=DEMO_DIR / "synonyms.csv")
    if not result.ok:
        raise RuntimeError("\n".join(result.error_lines()))
    return result.rows


def pick_uscc(seed: int) -> str:
    """The USCC of a random standard's enterprise (enterprises with many standards are
    likelier, as they are for people looking one up)."""
    from django.db import connection

    rng = random.Random(seed)
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id), max(id) FROM declarations_standard")
        low, high = cursor.fetchone()
        cursor.execute(
            "SELECT e.uscc FROM declarations_standard s "
            "JOIN enterprises_enterprise e ON e.id = s.enterprise_id "
            "WHERE s.id >= %s ORDER BY s.id LIMIT 1",
            [rng.randint(low, high)],
        )
        return cursor.fetchone()[0]


def plain_expansion(q: str) -> tuple[list[str], str | None]:
    """E(q) and the USCC, read plainly: the synonym rows whose term is q lower-cased, and q
    upper-cased when it passes the USCC check."""
    from apps.core.uscc import uscc_problem
    from apps.declarations.models import Synonym

    q = q.strip()
    canonical = set(Synonym.objects.filter(term=q.lower()).values_list("canonical", flat=True))
    uscc = q.upper() if uscc_problem(q.upper()) is None else None
    return [q, *sorted(canonical - {q})], uscc


def fingerprint_index(q: str) -> tuple[int, str]:
    from django.db import connection

    from apps.declarations.selectors import StandardSearch, public_standards

    search = StandardSearch(public_standards(), q)
    sql, params = search.indexed().order_by().values("id").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), md5(coalesce(string_agg(id::text, ',' ORDER BY id), '')) "
            f"FROM ({sql}) x",
            params,
        )
        return cursor.fetchone()


def run_scan(q: str, terms: list[str] | None = None, uscc: str | None = None):
    """The plain ILIKE scan for q (or for each of `terms`, ORed, and the enterprise `uscc`),
    timed; returns every matching id."""
    from django.db import connection

    conditions, params = [], []
    for term in terms or [q]:
        conditions.append(TERM_SQL)
        params += [pattern(term)] * 4
    if uscc is not None:
        conditions.append("e.uscc = %s")
        params.append(uscc)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(SCAN_SQL.format(select="s.id", where=" OR ".join(conditions)), params)
        ids = [row[0] for row in cursor.fetchall()]
    return time.perf_counter() - started, ids


def fingerprint(ids: list[int]) -> tuple[int, str]:
    """Count and md5 of the sorted ids, as fingerprint_index computes them in SQL."""
    import hashlib

    text = ",".join(str(i) for i in sorted(ids))
    return len(ids), hashlib.md5(text.encode()).hexdigest()


def api_view():
    from apps.declarations.api import StandardViewSet

    return StandardViewSet.as_view({"get": "list"})


def call_api(view, factory, q: str):
    started = time.perf_counter()
    response = view(factory.get("/api/v1/standards/", {"q": q}, HTTP_HOST="127.0.0.1"))
    response.render()
    return time.perf_counter() - started, response


def measure(q, view, factory, scan_repeats) -> tuple[dict, list, list]:
    """Check the API against the scan for q (its terms ORed, and its enterprise when q is a
    USCC: a generated word may be a synonym's term too), then time both: (row, api samples,
    scan samples)."""
    import json

    from apps.declarations.selectors import COUNT_CAP

    terms, uscc = plain_expansion(q)
    scan_seconds, ids = run_scan(q, terms, uscc)
    scan_samples = [scan_seconds] + [run_scan(q, terms, uscc)[0] for _ in range(scan_repeats - 1)]
    index_fp = fingerprint_index(q)
    _, response = call_api(view, factory, q)  # also warms the caches for this query
    body = json.loads(response.content)
    page_ids = [row["id"] for row in body["results"]]
    identical = (
        fingerprint(ids) == tuple(index_fp)
        and page_ids == sorted(ids, reverse=True)[:20]
        and body["count"] == min(len(ids), COUNT_CAP)
        and body["expanded_terms"] == terms
    )
    api_samples = [call_api(view, factory, q)[0] for _ in range(REPEATS)]
    row = {
        "q": q,
        "matches": len(ids),
        "count_shown": body["count"],
        "count_capped": body["count_capped"],
        "identical": identical,
        "plan": plan_of(q),
        "api": summary_ms(api_samples),
        "scan": summary_ms(scan_samples),
    }
    if len(terms) > 1 or uscc is not None:
        row["expanded_terms"] = body["expanded_terms"]
        row["uscc"] = uscc is not None
    return row, api_samples, scan_samples


def plan_of(q: str) -> str:
    """Which plan the API's search chose for q: "scan" or "index", and what decided it."""
    from apps.declarations.selectors import CappedPaginator, standards_search

    search = standards_search(q=q)
    search.cap = CappedPaginator.cap
    scanned = search.plan[1]
    decided = getattr(search, "decided_by", "") or "probe"  # code before issue 20: always
    return f"{'scan' if scanned else 'index'} ({decided})"


def kind_summary(rows: list[dict], api: list[float], scan: list[float]) -> dict:
    a, b = summary_ms(api), summary_ms(scan)
    return {
        "queries": len(rows),
        "identical_results": all(row["identical"] for row in rows),
        "api_p50_ms": a["p50_ms"],
        "api_p95_ms": a["p95_ms"],
        "api_max_ms": a["max_ms"],
        "scan_p50_ms": b["p50_ms"],
        "scan_p95_ms": b["p95_ms"],
        "ratio_p95": round(b["p95_ms"] / a["p95_ms"], 1),
        "plans": dict(sorted(Counter(row["plan"] for row in rows).items())),
    }


def run(*, scale: float, seed: int) -> dict:
    from rest_framework.test import APIRequestFactory

    data = ensure_scale_data(scale, seed)
    synonyms = load_synonyms()
    drawn = pick_queries(seed, per_length=PER_LENGTH if scale < 0.5 else PER_LENGTH // 2)
    kinds = {
        "common": list(COMMON),
        "drawn": drawn,
        "name_pieces": [
            q for q in pick_name_pieces(seed, NAME_PIECES) if q not in drawn and q not in COMMON
        ],
        "synonyms": list(SYNONYM_QUERIES),
        "uscc": [pick_uscc(seed)],
    }
    scan_repeats = SCAN_REPEATS if scale < 0.5 else 1
    view, factory = api_view(), APIRequestFactory()
    mismatches = []
    rows_by_kind: dict[str, list[dict]] = {}
    api_by_kind: dict[str, list[float]] = {}
    scan_by_kind: dict[str, list[float]] = {}
    api_by_length: dict[int, list[float]] = {}
    scan_by_length: dict[int, list[float]] = {}
    for kind, queries in kinds.items():
        for q in queries:
            row, api_samples, scan_samples = measure(q, view, factory, scan_repeats)
            row["kind"] = kind
            if not row["identical"]:
                mismatches.append(q)
            rows_by_kind.setdefault(kind, []).append(row)
            api_by_kind.setdefault(kind, []).extend(api_samples)
            scan_by_kind.setdefault(kind, []).extend(scan_samples)
            if kind in ("common", "drawn"):  # the 1-6 character set of earlier runs
                api_by_length.setdefault(len(q), []).extend(api_samples)
                scan_by_length.setdefault(len(q), []).extend(scan_samples)
    per_query = rows_by_kind["common"] + rows_by_kind["drawn"]
    expanded = rows_by_kind["synonyms"] + rows_by_kind["uscc"]
    expanded_api = api_by_kind["synonyms"] + api_by_kind["uscc"]
    expanded_scan = scan_by_kind["synonyms"] + scan_by_kind["uscc"]
    all_api = [s for v in api_by_length.values() for s in v]
    all_scan = [s for v in scan_by_length.values() for s in v]
    by_length = {
        str(length): {
            "api": summary_ms(api_by_length[length]),
            "scan": summary_ms(scan_by_length[length]),
        }
        for length in sorted(api_by_length)
    }
    api, scan = summary_ms(all_api), summary_ms(all_scan)
    summary = {
        "standards": data["standards"],
        "queries": len(per_query),
        "identical_results": not mismatches,
        "api_p50_ms": api["p50_ms"],
        "api_p95_ms": api["p95_ms"],
        "scan_p50_ms": scan["p50_ms"],
        "scan_p95_ms": scan["p95_ms"],
        "ratio_p50": round(scan["p50_ms"] / api["p50_ms"], 1),
        "ratio_p95": round(scan["p95_ms"] / api["p95_ms"], 1),
        "target": "api p95 < 100 ms, ratio >= 20, identical results",
    }
    summary["target_met"] = (
        summary["identical_results"] and api["p95_ms"] < 100 and summary["ratio_p95"] >= 20
    )
    api_x, scan_x = summary_ms(expanded_api), summary_ms(expanded_scan)
    summary["synonyms_and_uscc"] = {
        "queries": len(expanded),
        "synonym_rows": synonyms,
        "identical_results": all(row["identical"] for row in expanded),
        "api_p50_ms": api_x["p50_ms"],
        "api_p95_ms": api_x["p95_ms"],
        "scan_p50_ms": scan_x["p50_ms"],
        "scan_p95_ms": scan_x["p95_ms"],
        "ratio_p95": round(scan_x["p95_ms"] / api_x["p95_ms"], 1),
    }
    summary["synonyms_and_uscc"]["target_met"] = (
        summary["synonyms_and_uscc"]["identical_results"]
        and api_x["p95_ms"] < 100
        and summary["synonyms_and_uscc"]["ratio_p95"] >= 20
    )
    summary["by_kind"] = {
        kind: kind_summary(rows_by_kind[kind], api_by_kind[kind], scan_by_kind[kind])
        for kind in kinds
        if rows_by_kind.get(kind)
    }
    every_row = [row for rows in rows_by_kind.values() for row in rows]
    summary["all_kinds"] = kind_summary(
        every_row,
        [s for v in api_by_kind.values() for s in v],
        [s for v in scan_by_kind.values() for s in v],
    )
    summary["all_kinds"]["target_met"] = (
        summary["all_kinds"]["identical_results"]
        and summary["all_kinds"]["api_p95_ms"] < 100
        and summary["all_kinds"]["ratio_p95"] >= 20
    )
    return {
        "ok": not mismatches,
        "data": data,
        "summary": summary,
        "by_length": by_length,
        "mismatches": mismatches,
        "queries": per_query,
        "name_piece_queries": rows_by_kind.get("name_pieces", []),
        "synonym_and_uscc_queries": expanded,
    }
