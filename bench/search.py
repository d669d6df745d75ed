"""Search benchmark: the standards search API against a plain ILIKE scan, same data, same run.

For Chinese queries of 1 to 6 characters (substrings of generated names, plus common terms),
it checks that the API's search returns exactly the standards the scan finds (count and an
md5 over the sorted ids, and the first page), then times
- `api`: GET /api/v1/standards/?q=... handled end to end by the DRF view (capped count,
  page, prefetches, JSON rendering), and
- `scan`: the plain `ILIKE '%q%'` query over number, name, products and enterprise name,
  fetching every matching id (its first run also gives the ids the API is checked against),
and reports p50/p95 per query length and overall, and their ratio (scan / api).
"""

from __future__ import annotations

import random
import re
import time

from bench.common import ensure_scale_data, summary_ms

REPEATS = 5  # API calls per query
SCAN_REPEATS = 2  # the scan is slow and steady; two samples per query suffice (one at scale >= 0.5)
PER_LENGTH = 10
COMMON = ["电", "京", "北京", "电饭锅", "有限公司", "空气净化器", "家用洗衣机", "科技"]
CJK = re.compile(r"[\u4e00-\u9fff]+")

SCAN_SQL = """
SELECT {select} FROM declarations_standard s
JOIN enterprises_enterprise e ON e.id = s.enterprise_id
WHERE s.status IN ('public', 'abolished')
  AND (s.standard_no ILIKE %(p)s OR s.name ILIKE %(p)s OR s.products ILIKE %(p)s
       OR e.name ILIKE %(p)s)
"""


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
    queries = list(COMMON)
    for length in range(1, 7):
        candidates = sorted({r for r in runs if len(r) >= length})
        for _ in range(per_length):
            run = rng.choice(candidates)
            start = rng.randint(0, len(run) - length)
            queries.append(run[start : start + length])
    return list(dict.fromkeys(queries))


def fingerprint_index(q: str) -> tuple[int, str]:
    from django.db import connection

    from apps.declarations.search import search_standards
    from apps.declarations.selectors import public_standards

    sql, params = (
        search_standards(public_standards(), q).order_by().values("id").query.sql_with_params()
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), md5(coalesce(string_agg(id::text, ',' ORDER BY id), '')) "
            f"FROM ({sql}) x",
            params,
        )
        return cursor.fetchone()


def run_scan(q: str) -> tuple[float, list[int]]:
    """The plain ILIKE scan, timed; returns every matching id."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(SCAN_SQL.format(select="s.id"), {"p": pattern(q)})
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


def run(*, scale: float, seed: int) -> dict:
    import json

    from rest_framework.test import APIRequestFactory

    from apps.declarations.selectors import COUNT_CAP

    data = ensure_scale_data(scale, seed)
    queries = pick_queries(seed, per_length=PER_LENGTH if scale < 0.5 else PER_LENGTH // 2)
    scan_repeats = SCAN_REPEATS if scale < 0.5 else 1
    view, factory = api_view(), APIRequestFactory()
    per_query, mismatches = [], []
    api_by_length: dict[int, list[float]] = {}
    scan_by_length: dict[int, list[float]] = {}
    for q in queries:
        scan_seconds, ids = run_scan(q)
        scan_samples = [scan_seconds] + [run_scan(q)[0] for _ in range(scan_repeats - 1)]
        index_fp = fingerprint_index(q)
        _, response = call_api(view, factory, q)  # also warms the caches for this query
        body = json.loads(response.content)
        page_ids = [row["id"] for row in body["results"]]
        identical = (
            fingerprint(ids) == tuple(index_fp)
            and page_ids == sorted(ids, reverse=True)[:20]
            and body["count"] == min(len(ids), COUNT_CAP)
        )
        if not identical:
            mismatches.append(q)
        api_samples = [call_api(view, factory, q)[0] for _ in range(REPEATS)]
        api_by_length.setdefault(len(q), []).extend(api_samples)
        scan_by_length.setdefault(len(q), []).extend(scan_samples)
        per_query.append(
            {
                "q": q,
                "matches": len(ids),
                "count_shown": body["count"],
                "count_capped": body["count_capped"],
                "identical": identical,
                "api": summary_ms(api_samples),
                "scan": summary_ms(scan_samples),
            }
        )
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
        "queries": len(queries),
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
    return {
        "ok": not mismatches,
        "data": data,
        "summary": summary,
        "by_length": by_length,
        "mismatches": mismatches,
        "queries": per_query,
    }
