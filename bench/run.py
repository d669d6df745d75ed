#!/usr/bin/env python
"""Run every benchmark module in bench/ and write one JSON report to bench/results/.

    bench/run.py [--scale S] [--seed N] [--only NAME ...]

A benchmark module is any bench/*.py (other than run.py and common.py) with a function
`run(*, scale: float, seed: int) -> dict`.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.common import setup_django  # noqa: E402

SKIP = {"run", "common", "__init__", "wsgi", "urls", "scale_data"}


def modules(only: list[str] | None) -> list[str]:
    names = sorted(p.stem for p in HERE.glob("*.py") if p.stem not in SKIP)
    return [n for n in names if not only or n in only]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", nargs="*", help="module names to run (default: all)")
    args = parser.parse_args(argv)
    if not args.scale > 0:
        parser.error("--scale must be a positive number (1.0 = national scale)")
    setup_django()
    report = {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "scale": args.scale,
        "seed": args.seed,
        "machine": machine(),
        "benchmarks": {},
    }
    for name in modules(args.only):
        module = importlib.import_module(f"bench.{name}")
        if not hasattr(module, "run"):
            continue
        print(f"== {name} (scale {args.scale})", flush=True)
        started = time.monotonic()
        result = module.run(scale=args.scale, seed=args.seed)
        result["seconds"] = round(time.monotonic() - started, 1)
        report["benchmarks"][name] = result
        print(json.dumps(result.get("summary", {}), ensure_ascii=False, indent=2), flush=True)
    report["load_average_after"] = _loadavg()
    report["table"] = table(report["benchmarks"])
    print_table(report["table"], args.scale)
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = results / f"report-scale{args.scale:g}-{stamp}.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"report written to {path.relative_to(HERE.parent)}")
    failed = [n for n, r in report["benchmarks"].items() if r.get("ok") is False]
    return 1 if failed else 0


def _loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _first_line(command: list[str]) -> str:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return ((done.stdout or done.stderr).strip().splitlines() or [""])[0]


def machine() -> dict:
    """The machine and the versions the figures were measured with; the load average shows
    how busy the machine was (other work on it makes the figures noisy)."""
    import django
    import gunicorn
    from django.db import connection

    cpu_model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    memory_gib = 0.0
    with contextlib.suppress(OSError, ValueError, IndexError):
        memory_gib = round(int(Path("/proc/meminfo").read_text().split()[1]) / 2**20, 1)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        shared_buffers = cursor.fetchone()[0]
        # Checkpoint spacing: with the default 1 GB, a million-row import checkpoints every
        # few seconds, and each checkpoint's full-page writes slow the writes that follow.
        cursor.execute("SHOW max_wal_size")
        max_wal_size = cursor.fetchone()[0]
    redis_version = ""
    with contextlib.suppress(Exception):
        import redis
        from django.conf import settings

        redis_version = redis.Redis.from_url(settings.REDIS_URL).info()["redis_version"]
    return {
        "hostname": platform.node(),
        "cpu": cpu_model,
        "cpus": os.cpu_count() or 0,
        "memory_gib": memory_gib,
        "os": platform.platform(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": gunicorn.__version__,
        "postgresql": postgres,
        "postgresql_shared_buffers": shared_buffers,
        "postgresql_max_wal_size": max_wal_size,
        "redis": redis_version,
        "wrk": _first_line(["wrk", "--version"]),
        "load_average_before": _loadavg(),
    }


def table(benchmarks: dict) -> list[dict]:
    """One row per measured path: path, target, measured, baseline, ratio, met."""
    rows = []
    for name, result in benchmarks.items():
        if "table" in result:
            rows.extend(result["table"])
        elif name == "imports":
            s = result["summary"]
            rows.append(
                {
                    "path": f"import indicator_values ({s['rows']} rows)",
                    "target": ">= 50,000 rows/s, <= 2x baseline",
                    "measured": f"{s['import_rows_per_second']:,} rows/s",
                    "baseline": f"COPY {result['raw_copy_rows_per_second']:,} rows/s",
                    "ratio": s["import_vs_raw_copy"],
                    "met": s["met"],
                }
            )
        elif name == "rankings":
            s = result["summary"]
            rows.append(
                {
                    "path": f"compile all rankings ({s['schemes']} schemes)",
                    "target": "< 60 s, <= 2x baseline",
                    "measured": f"{s['compile_all_s']} s",
                    "baseline": f"one SQL {s['baseline_single_sql_s']} s",
                    "ratio": s["ratio_compile_to_baseline"],
                    "met": result.get("ok"),
                }
            )
        elif name == "search":
            s = result["summary"]
            rows.append(
                {
                    "path": f"search API ({s['queries']} queries, 1-6 chars)",
                    "target": "p95 < 100 ms, >= 20x faster",
                    "measured": f"p95 {s['api_p95_ms']} ms",
                    "baseline": f"ILIKE scan p95 {s['scan_p95_ms']} ms",
                    "ratio": s["ratio_p95"],
                    "met": s["target_met"],
                }
            )
            if "synonyms_and_uscc" in s:
                x = s["synonyms_and_uscc"]
                rows.append(
                    {
                        "path": f"search API, synonyms and a USCC ({x['queries']} queries)",
                        "target": "p95 < 100 ms, >= 20x faster",
                        "measured": f"p95 {x['api_p95_ms']} ms",
                        "baseline": f"ILIKE scan (terms ORed) p95 {x['scan_p95_ms']} ms",
                        "ratio": x["ratio_p95"],
                        "met": x["target_met"],
                    }
                )
            for kind, label in [
                ("common", "common terms (企业, 业标, ...)"),
                ("name_pieces", "2-4 character pieces of names"),
            ]:
                k = s.get("by_kind", {}).get(kind)
                if k:
                    rows.append(
                        {
                            "path": f"search API, {label} ({k['queries']} queries)",
                            "target": "p95 < 100 ms, identical",
                            "measured": f"p95 {k['api_p95_ms']} ms",
                            "baseline": f"ILIKE scan p95 {k['scan_p95_ms']} ms",
                            "ratio": k["ratio_p95"],
                            "met": k["identical_results"] and k["api_p95_ms"] < 100,
                        }
                    )
            if "all_kinds" in s:
                k = s["all_kinds"]
                rows.append(
                    {
                        "path": f"search API, every kind ({k['queries']} queries)",
                        "target": "p95 < 100 ms, >= 20x faster",
                        "measured": f"p95 {k['api_p95_ms']} ms",
                        "baseline": f"ILIKE scan p95 {k['scan_p95_ms']} ms",
                        "ratio": k["ratio_p95"],
                        "met": k["target_met"],
                    }
                )
    return rows


def print_table(rows: list[dict], scale: float) -> None:
    at_scale = scale >= 1
    print(f"\n== summary at scale {scale:g} (targets are for scale 1.0)")
    if not at_scale:
        print("(below scale 1.0 `met?` is informative, in parentheses; it does not fail the run)")
    marks = (
        {True: "yes", False: "NO", None: "?"}
        if at_scale
        else {
            True: "(yes)",
            False: "(no)",
            None: "?",
        }
    )
    headers = ["path", "target", "measured", "baseline", "ratio", "met?"]
    cells = [
        [
            str(row["path"]),
            str(row["target"]),
            str(row["measured"]),
            str(row["baseline"]),
            "" if row["ratio"] is None else f"{row['ratio']}x",
            marks[row["met"]],
        ]
        for row in rows
    ]
    widths = [
        max(len(h), *(len(c[i]) for c in cells)) if cells else len(h) for i, h in enumerate(headers)
    ]
    print(" | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    print("-+-".join("-" * w for w in widths))
    for c in cells:
        print(" | ".join(v.ljust(w) for v, w in zip(c, widths, strict=True)))


if __name__ == "__main__":
    sys.exit(main())
