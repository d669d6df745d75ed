"""Statistics page benchmark (named stats_page: a bench/statistics.py would shadow the
standard library's statistics module when bench/run.py runs).

- cold: `statistics_compute()`, every set-based GROUP BY over the whole data (what the
  nightly job and each publication pay), median of RUNS;
- warm: GET /statistics/ end to end through Django's handler and middleware (in process), the
  figures in the cache: anonymous (the page cache) and logged in (the page rendered from the
  cached figures), REQUESTS each, p50/p95.
Target at S = 1.0: warm < 200 ms.
"""

from __future__ import annotations

import time

from bench.common import ensure_scale_data, percentile, summary_ms

RUNS = 3
REQUESTS = 50
TARGET_MS = 200


def _timed_gets(client, path: str) -> list[float]:
    samples = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.get(path)
        samples.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    return samples


def run(*, scale: float, seed: int) -> dict:
    from django.conf import settings
    from django.core.cache import cache
    from django.test import Client

    from apps.accounts.models import User
    from apps.portal import statistics

    data = ensure_scale_data(scale, seed)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

    cold = []
    for _ in range(RUNS):
        started = time.perf_counter()
        statistics.statistics_compute()
        cold.append(time.perf_counter() - started)

    cache.clear()
    anonymous = Client()
    started = time.perf_counter()
    anonymous.get("/statistics/")  # computes and stores the figures, renders, caches the page
    first_request = time.perf_counter() - started
    warm_anonymous = _timed_gets(anonymous, "/statistics/")

    user, _ = User.objects.get_or_create(
        email="bench-bureau@bench.invalid", defaults={"name": "基准", "role": "bureau"}
    )
    staff = Client()
    staff.force_login(user)
    staff.get("/statistics/")
    warm_staff = _timed_gets(staff, "/statistics/")

    cold_median = sorted(cold)[len(cold) // 2]
    worst_warm_p95 = max(percentile(warm_anonymous, 95), percentile(warm_staff, 95))
    met = worst_warm_p95 * 1000 < TARGET_MS
    return {
        "ok": met or scale < 1,
        "data": data,
        "cold_compute_s": [round(s, 3) for s in cold],
        "first_request_s": round(first_request, 3),
        "warm_anonymous": summary_ms(warm_anonymous),
        "warm_logged_in": summary_ms(warm_staff),
        "summary": {
            "cold (compute)": f"{cold_median * 1000:.0f} ms median of {RUNS}",
            "first request (empty cache)": f"{first_request * 1000:.0f} ms",
            "warm anonymous": f"p50 {percentile(warm_anonymous, 50) * 1000:.1f} ms, "
            f"p95 {percentile(warm_anonymous, 95) * 1000:.1f} ms",
            "warm logged in": f"p50 {percentile(warm_staff, 50) * 1000:.1f} ms, "
            f"p95 {percentile(warm_staff, 95) * 1000:.1f} ms",
        },
        "table": [
            {
                "path": "statistics page warm (p95, anonymous / logged in)",
                "target": f"< {TARGET_MS} ms",
                "measured": f"{percentile(warm_anonymous, 95) * 1000:.1f} / "
                f"{percentile(warm_staff, 95) * 1000:.1f} ms",
                "baseline": f"cold compute {cold_median * 1000:.0f} ms",
                "ratio": round(cold_median / worst_warm_p95, 1) if worst_warm_p95 else None,
                "met": met,
            }
        ],
    }
