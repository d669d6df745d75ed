"""HTTP benchmark: hot public pages and a standard's detail page under wrk, against gunicorn.
(Named http_pages: bench/ is on sys.path when bench/run.py runs, and a bench/http.py would
shadow the standard library's http package.)

gunicorn runs config/gunicorn.conf.py (2 cores: workers and threads explained there) with
bench/wsgi.py: the portal plus `/__bench__/constant/`, a plain Django view returning a
constant behind the same middleware, the baseline of the same run. wrk (Debian package
`wrk`) drives 32 connections from 2 threads on the same machine (so it takes CPU from the
server: figures are a floor for a dedicated server). Each path is measured RUNS times for
DURATION seconds after a warm-up; the report gives the median run's requests/s and p50/p99
latency, errors (socket errors and non-2xx), and the ratio to the baseline's requests/s
(median over the rounds of page / baseline measured in the same round).

- hot pages: home, /leaders/, a ranking (the largest bench ranking, first page), served to
  anonymous visitors from the page cache (apps/core/pagecache.py);
- the detail page of a standard picked at random per request by a wrk Lua script (written to
  bench/wrk_random_ids.lua for the run) from 100,000 random public ids: cold, never cached.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from bench.common import ROOT, ensure_scale_data

CONNECTIONS = 32
THREADS = 2
DURATION = 8  # seconds per run
WARMUP = 3
RUNS = 3
# wrk shares the two cores with gunicorn and PostgreSQL. At a higher scheduling priority it
# reads each response when it arrives, so its own wait for a core (tens of ms with 15-20
# runnable processes) is not counted as the server's latency; clients of a real deployment
# are other machines. Lowering a niceness needs root; without it wrk runs at the default.
WRK_NICENESS = -10
LUA = Path(__file__).resolve().parent / "wrk_random_ids.lua"
TARGETS = {  # at S = 1.0: requests/s, p99 ms
    "hot": (1500, 200),
    "detail": (500, 200),
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_gunicorn(port: int) -> subprocess.Popen:
    env = dict(os.environ)
    env.update(
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_ACCESSLOG="",
        DJANGO_SETTINGS_MODULE=env.get("DJANGO_SETTINGS_MODULE", "config.settings.local"),
    )
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            str(ROOT / "config" / "gunicorn.conf.py"),
            "bench.wsgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/__bench__/constant/") as r:
                if r.status == 200:
                    return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError("gunicorn did not start: " + process.stderr.read().decode()[-2000:])


def _stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


_LATENCY = re.compile(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", re.M)
_UNIT = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _raise_priority() -> None:
    with contextlib.suppress(PermissionError):
        os.nice(WRK_NICENESS)


def _wrk(url: str, seconds: int, script: Path | None = None) -> dict:
    command = ["wrk", "-t", str(THREADS), "-c", str(CONNECTIONS), "-d", f"{seconds}s", "--latency"]
    if script:
        command += ["-s", str(script)]
    out = subprocess.run(
        [*command, url],
        capture_output=True,
        text=True,
        check=True,
        timeout=seconds + 60,
        preexec_fn=_raise_priority,
    ).stdout
    latency = {p: float(v) * _UNIT[u] for p, v, u in _LATENCY.findall(out)}
    if "50" not in latency:
        raise RuntimeError(f"unexpected wrk output for {url}:\n{out}")
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    socket_errors = (
        sum(
            int(n)
            for n in re.findall(
                r"(?:connect|read|write|timeout) (\d+)", out.split("Socket errors")[1]
            )
        )
        if "Socket errors" in out
        else 0
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": round(latency["50"], 2),
        "p99_ms": round(latency["99"], 2),
        "requests": requests,
        "errors": socket_errors + (int(non_2xx.group(1)) if non_2xx else 0),
        "socket_errors": socket_errors,  # wrk counts a response slower than 2 s as a timeout
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
    }


def measure_all(urls: dict[str, tuple[str, Path | None]]) -> dict:
    """RUNS rounds; each round measures every path once, the baseline first, so each page is
    compared with a baseline measured moments before it (the machine's load drifts)."""
    for url, script in urls.values():
        _wrk(url, WARMUP, script)
    rounds = []
    for _ in range(RUNS):
        rounds.append({name: _wrk(url, DURATION, script) for name, (url, script) in urls.items()})
    results = {}
    for name in urls:
        runs = [r[name] for r in rounds]
        median = sorted(runs, key=lambda r: r["rps"])[len(runs) // 2]
        ratios = sorted(r[name]["rps"] / r["baseline"]["rps"] for r in rounds)
        results[name] = {
            **{k: median[k] for k in ("rps", "p50_ms", "p99_ms")},
            "errors": sum(r["errors"] for r in runs),
            "socket_errors": sum(r["socket_errors"] for r in runs),
            "non_2xx": sum(r["non_2xx"] for r in runs),
            "ratio_to_baseline": round(ratios[len(ratios) // 2], 2),
            "rps_runs": [r["rps"] for r in runs],
            "p99_runs": [r["p99_ms"] for r in runs],
        }
    return results


def _bench_ranking(seed: int) -> str | None:
    """The largest bench ranking (bench/rankings.py's schemes), compiled if it is not yet."""
    from apps.leaders.models import Ranking
    from apps.leaders.services.rankings import ranking_compile
    from bench.rankings import YEAR, ensure_schemes

    ensure_schemes(seed)
    scheme = _largest_scheme(YEAR)
    if scheme is None:
        return None
    if not Ranking.objects.filter(scheme=scheme, is_current=True).exists():
        ranking_compile(scheme=scheme)
    return scheme.scheme_code


def _largest_scheme(year: int):
    from django.db.models import Count

    from apps.evaluators.models import Scheme

    return (
        Scheme.objects.filter(year=year, status="approved")
        .annotate(standards=Count("category__standards"))
        .order_by("-standards", "scheme_code")
        .first()
    )


def _write_lua(ids_path: Path) -> None:
    LUA.write_text(
        "-- Generated by bench/http_pages.py: GET a random standard's detail page per request.\n"
        f'local ids = {{}}\nfor line in io.lines("{ids_path}") do ids[#ids + 1] = line end\n'
        "math.randomseed(os.time())\n"
        "request = function()\n"
        '  return wrk.format("GET", "/standards/" .. ids[math.random(#ids)] .. "/")\n'
        "end\n",
        encoding="utf-8",
    )


def run(*, scale: float, seed: int) -> dict:
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection

    if not shutil.which("wrk"):
        return {"ok": False, "error": "wrk is not installed (apt-get install -y wrk)"}
    call_command("collectstatic", interactive=False, verbosity=0)  # served as in production
    data = ensure_scale_data(scale, seed)
    ranking = _bench_ranking(seed)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id FROM declarations_standard WHERE status IN ('public', 'abolished') "
            "ORDER BY random() LIMIT 100000"
        )
        ids = [str(row[0]) for row in cursor.fetchall()]
    connection.close()
    cache.clear()  # cold start: the first request of each page renders it
    workdir = Path(tempfile.mkdtemp(prefix="bench-http-"))
    ids_path = workdir / "ids.txt"
    ids_path.write_text("\n".join(ids) + "\n")
    _write_lua(ids_path)

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    paths = {"baseline": "/__bench__/constant/", "home": "/", "leaders": "/leaders/"}
    if ranking:
        paths["ranking"] = f"/rankings/{ranking}/"
    server = _start_gunicorn(port)
    try:
        urls = {name: (base + path, None) for name, path in paths.items()}
        urls["detail"] = (base + "/standards/", LUA)
        results = measure_all(urls)
    finally:
        _stop(server)
        shutil.rmtree(workdir, ignore_errors=True)
        LUA.unlink(missing_ok=True)

    baseline_rps = results["baseline"]["rps"]
    at_scale = scale >= 1
    summary = {"baseline_rps": baseline_rps}
    ok = True
    for name, figures in results.items():
        if name == "baseline":
            continue
        kind = "detail" if name == "detail" else "hot"
        min_rps, max_p99 = TARGETS[kind]
        figures["target"] = f">= {min_rps} req/s, p99 < {max_p99} ms, 0 errors"
        figures["met"] = (
            figures["rps"] >= min_rps and figures["p99_ms"] < max_p99 and figures["errors"] == 0
        )
        ok = ok and (figures["met"] or not at_scale)
        summary[name] = (
            f"{figures['rps']:.0f} req/s, p50 {figures['p50_ms']} ms, p99 "
            f"{figures['p99_ms']} ms, {figures['errors']} errors, "
            f"{figures['ratio_to_baseline']}x baseline"
        )
    return {
        "ok": ok,
        "data": data,
        "connections": CONNECTIONS,
        "runs_per_path": RUNS,
        "seconds_per_run": DURATION,
        "paths": {name: paths.get(name, "/standards/<random id>/") for name in results},
        "results": results,
        "summary": summary,
        "table": [
            {
                "path": f"http {name} {paths.get(name, '/standards/<id>/')}",
                "target": figures.get("target", "—"),
                "measured": f"{figures['rps']:.0f} req/s, p99 {figures['p99_ms']} ms, "
                f"{figures['errors']} err",
                "baseline": f"{baseline_rps:.0f} req/s",
                "ratio": figures.get("ratio_to_baseline"),
                "met": figures.get("met"),
            }
            for name, figures in results.items()
            if name != "baseline"
        ],
    }
