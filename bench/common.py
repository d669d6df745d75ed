"""Shared set-up for benchmark modules: Django, data at the requested scale, statistics."""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django() -> None:
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False  # no query log: it would grow without bound and cost time


def ensure_scale_data(scale: float, seed: int) -> dict:
    """Generate the national-scale data set unless exactly this scale is already loaded."""
    from bench.scale_data import STANDARDS_PER_SCALE, generate, generated_standard_count

    wanted = max(1, round(STANDARDS_PER_SCALE * scale))
    have = generated_standard_count()
    if have == wanted:
        return {"generated": False, "standards": have, "seconds": 0.0}
    clear_bench_fixtures(scale)
    started = time.monotonic()
    generate(scale=scale, seed=seed, replace=True)
    return {
        "generated": True,
        "standards": wanted,
        "seconds": round(time.monotonic() - started, 1),
    }


def clear_bench_fixtures(scale: float) -> None:
    """Remove what benchmarks created on top of the generated standards (rankings and
    assessments, leaders and a spot-check plan), which would keep them from being replaced."""
    from bench.rankings import _clear_if_regenerating
    from bench.spotcheck import clear_fixtures

    _clear_if_regenerating(scale)
    clear_fixtures()


def percentile(samples: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def summary_ms(samples: list[float]) -> dict:
    return {
        "n": len(samples),
        "p50_ms": round(percentile(samples, 50) * 1000, 2),
        "p95_ms": round(percentile(samples, 95) * 1000, 2),
        "mean_ms": round(statistics.fmean(samples) * 1000, 2),
        "max_ms": round(max(samples) * 1000, 2),
    }
