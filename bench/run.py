#!/usr/bin/env python
"""Run every benchmark module in bench/ and write one JSON report to bench/results/.

    bench/run.py [--scale S] [--seed N] [--only NAME ...]

A benchmark module is any bench/*.py (other than run.py and common.py) with a function
`run(*, scale: float, seed: int) -> dict`.
"""

from __future__ import annotations

import argparse
import importlib
import json
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.common import setup_django  # noqa: E402

SKIP = {"run", "common", "__init__", "wsgi", "urls"}


def modules(only: list[str] | None) -> list[str]:
    names = sorted(p.stem for p in HERE.glob("*.py") if p.stem not in SKIP)
    return [n for n in names if not only or n in only]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", nargs="*", help="module names to run (default: all)")
    args = parser.parse_args(argv)
    setup_django()
    report = {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "scale": args.scale,
        "seed": args.seed,
        "machine": {"python": platform.python_version(), "cpus": _cpus()},
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
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = results / f"report-scale{args.scale:g}-{stamp}.json"
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"report written to {path.relative_to(HERE.parent)}")
    failed = [n for n, r in report["benchmarks"].items() if r.get("ok") is False]
    return 1 if failed else 0


def _cpus() -> int:
    import os

    return os.cpu_count() or 0


if __name__ == "__main__":
    sys.exit(main())
