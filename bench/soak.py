#!/usr/bin/env python
"""Soak test: gunicorn on a loopback port, 32 connections of public traffic for a while.

    bench/soak.py [--seconds 600] [--connections 32] [--workers 3] [--sample 5]

Prepares the database named by DATABASE_URL like `make run` does (migrate, demo data once),
starts gunicorn on a free 127.0.0.1 port and drives it with an asyncio HTTP client: the home
page, search pages with Chinese and code terms, standard and ranking pages, the public API,
/healthz, login form posts (CSRF, the rate limit and the lockout) and, when a candidate
list is in its public notice, objection posts (CSRF, the per-address limit; `--open-notice`
puts one into notice if none is). Every `--sample` seconds it reads the gunicorn workers'
resident memory from /proc.

It stops by itself after `--seconds` (at most an hour) and only ever talks to 127.0.0.1.
Output: a summary on stdout and bench/results/soak-<time>.json with status counts, latency
percentiles and the RSS series. Exit status 1 if any response was a 5xx (or a connection
failed), so CI can run a short soak.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from bench.common import percentile  # noqa: E402

MAX_SECONDS = 3600
HOST = "127.0.0.1"
SEARCH_TERMS = ["电", "标准", "电饭", "空调", "Q/", "BJ", "节能", "91110", "领跑", "zzzz-none"]


# ---- the server --------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _env() -> dict:
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "bench.soak_settings")
    return env


def _open_a_notice():
    """Walk one compiled scheme without a candidate list to its public notice, as staff would
    (review approved by the drawn experts), so the soak can post objections."""
    from django.contrib.auth import get_user_model

    from apps.leaders.demo import _everyone_approves
    from apps.leaders.models import CandidateList, Ranking
    from apps.leaders.services.candidate_lists import (
        candidate_list_create,
        candidate_list_send_to_review,
        candidate_list_transition,
    )

    staff = get_user_model().objects.filter(role="bureau", is_active=True).first()
    listed = CandidateList.objects.values("scheme_id")
    ranking = Ranking.objects.filter(is_current=True).exclude(scheme_id__in=listed).first()
    if staff is None or ranking is None:
        return None
    candidate_list = candidate_list_create(scheme=ranking.scheme, actor=staff)
    _everyone_approves(
        candidate_list_send_to_review(candidate_list=candidate_list, size=3, actor=staff)
    )
    return candidate_list_transition(candidate_list=candidate_list, to="notice", actor=staff).pk


def prepare(*, open_notice: bool = False) -> tuple[list[int], int | None]:
    """Migrate, load the demo data once; the ids of public standards to visit, and a candidate
    list whose public notice is running (its page takes objections), if any."""
    manage = [sys.executable, "manage.py"]
    for args in (["migrate", "--noinput", "-v", "0"], ["seed_demo", "--once"]):
        subprocess.run(manage + args, cwd=ROOT, env=_env(), check=True, stdout=subprocess.DEVNULL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.soak_settings")
    import django

    django.setup()
    from apps.declarations.models import Standard

    ids = list(Standard.objects.filter(status="public").values_list("pk", flat=True)[:500])
    from django.db import connections
    from django.utils import timezone

    from apps.leaders import selectors

    today = timezone.localdate()
    notice = next((c.pk for c in selectors.notices_public() if c.notice_running(today)), None)
    if notice is None and open_notice:
        notice = _open_a_notice()
    connections.close_all()
    return ids, notice


def start_gunicorn(port: int, workers: int) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=_env(),
        start_new_session=True,
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def worker_rss(master: int) -> dict[int, int]:
    """{pid: resident kB} of the gunicorn master's children, from /proc."""
    rss = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        ppid = re.search(r"^PPid:\s+(\d+)", text, re.M)
        vmrss = re.search(r"^VmRSS:\s+(\d+) kB", text, re.M)
        if ppid and vmrss and int(ppid.group(1)) == master:
            rss[int(status.parent.name)] = int(vmrss.group(1))
    return rss


# ---- the client --------------------------------------------------------------------------


class Client:
    def __init__(self, port: int):
        self.port = port

    async def request(self, method: str, path: str, body: bytes = b"", headers=None):
        """One request on its own connection (gunicorn's sync workers close after each)."""
        reader, writer = await asyncio.wait_for(asyncio.open_connection(HOST, self.port), 30)
        try:
            lines = [f"{method} {path} HTTP/1.1", f"Host: {HOST}", "Connection: close"]
            for name, value in (headers or {}).items():
                lines.append(f"{name}: {value}")
            if body:
                lines.append(f"Content-Length: {len(body)}")
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
            await writer.drain()
            raw = await asyncio.wait_for(reader.read(), 60)
        finally:
            writer.close()
        head, _sep, content = raw.partition(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split()[1])
        cookies = [
            line.split(":", 1)[1].strip().split(";", 1)[0]
            for line in header_lines
            if line.lower().startswith("set-cookie:")
        ]
        return status, cookies, content


def _pages(standard_ids: list[int], rng: random.Random) -> str:
    choice = rng.random()
    term = quote(rng.choice(SEARCH_TERMS))
    if choice < 0.15:
        return "/"
    if choice < 0.45:
        return f"/standards/?q={term}"
    if choice < 0.60 and standard_ids:
        return f"/standards/{rng.choice(standard_ids)}/"
    if choice < 0.68:
        return "/rankings/"
    if choice < 0.74:
        return "/leaders/"
    if choice < 0.86:
        return f"/api/v1/standards/?q={term}"
    if choice < 0.90:
        return "/healthz"
    return "/accounts/register/"


async def login_post(client: Client, rng: random.Random):
    """A form post: fetch the form (CSRF cookie and token), post a wrong password."""
    status, cookies, content = await client.request("GET", "/accounts/login/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
    cookie = "; ".join(cookies)
    if status != 200 or not token:
        return status
    body = (
        f"csrfmiddlewaretoken={token.group(1).decode()}"
        f"&username=soak{rng.randint(1, 10_000)}%40example.cn&password=wrong-password"
    ).encode()
    status, _cookies, _content = await client.request(
        "POST",
        "/accounts/login/",
        body,
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie,
            "Referer": f"http://{HOST}:{client.port}/accounts/login/",
        },
    )
    return status


async def objection_post(client: Client, notice: int, rng: random.Random):
    """An objection on the running notice: the form's CSRF token and first candidate, then a
    post (the per-address limit answers 429 after OBJECTION_RATE_LIMIT of them an hour)."""
    path = f"/notices/{notice}/"
    status, cookies, content = await client.request("GET", path)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
    candidate = re.search(rb'<option value="(\d+)"', content)
    if status != 200 or not token or not candidate:
        return status
    fields = {
        "csrfmiddlewaretoken": token.group(1).decode(),
        "candidate": candidate.group(1).decode(),
        "name": f"压力测试{rng.randint(1, 999)}",
        "contact": "soak@example.cn",
        "grounds": "压力测试提交的异议，请忽略。",
        "privacy_consent": "on",
    }
    body = "&".join(f"{k}={quote(v)}" for k, v in fields.items()).encode()
    status, _cookies, _content = await client.request(
        "POST",
        path,
        body,
        {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(cookies),
            "Referer": f"http://{HOST}:{client.port}{path}",
        },
    )
    return status


async def user(client, deadline, standard_ids, notice, seed, results):
    rng = random.Random(seed)
    while time.monotonic() < deadline:
        started = time.monotonic()
        draw = rng.random()
        kind = "form" if draw < 0.05 else "objection" if notice and draw < 0.07 else "page"
        try:
            if kind == "objection":
                status = await objection_post(client, notice, rng)
            elif kind == "form":
                status = await login_post(client, rng)
            else:
                status, _cookies, _content = await client.request("GET", _pages(standard_ids, rng))
        except (TimeoutError, OSError, ValueError, IndexError):
            status = 0  # connection failed or reset: counted as a failure
        results["latency"].append(time.monotonic() - started)
        results["status"][status] += 1
        results["kinds"][kind] += 1


async def sampler(master, deadline, every, series, started):
    while time.monotonic() < deadline:
        rss = worker_rss(master)
        series.append(
            {
                "t": round(time.monotonic() - started, 1),
                "rss_kb": rss,
                "total_kb": sum(rss.values()),
            }
        )
        await asyncio.sleep(every)


async def drive(port, master, seconds, connections, standard_ids, notice, every):
    client = Client(port)
    results = {"latency": [], "status": Counter(), "kinds": Counter()}
    series: list[dict] = []
    started = time.monotonic()
    deadline = started + seconds
    await asyncio.gather(
        sampler(master, deadline, every, series, started),
        *(user(client, deadline, standard_ids, notice, n, results) for n in range(connections)),
    )
    series.append(
        {
            "t": round(time.monotonic() - started, 1),
            "rss_kb": worker_rss(master),
            "total_kb": sum(worker_rss(master).values()),
        }
    )
    return results, series, time.monotonic() - started


def soak(
    *, seconds: int, connections: int, workers: int, every: float, open_notice: bool = False
) -> dict:
    seconds = max(1, min(seconds, MAX_SECONDS))
    standard_ids, notice = prepare(open_notice=open_notice)
    port = _free_port()
    server = start_gunicorn(port, workers)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex((HOST, port)) == 0:
                    break
            time.sleep(0.3)
        time.sleep(1)  # let every worker finish booting
        results, series, elapsed = asyncio.run(
            drive(port, server.pid, seconds, connections, standard_ids, notice, every)
        )
    finally:
        stop(server)
    statuses = results["status"]
    total = sum(statuses.values())
    first, last = series[0]["total_kb"], series[-1]["total_kb"]
    peak = max(point["total_kb"] for point in series)
    return {
        "seconds": round(elapsed, 1),
        "connections": connections,
        "workers": workers,
        "requests": total,
        "requests_per_second": round(total / elapsed, 1),
        "status_counts": {str(k): v for k, v in sorted(statuses.items())},
        "server_errors_5xx": sum(v for k, v in statuses.items() if k >= 500),
        "connection_failures": statuses.get(0, 0),
        "kinds": dict(results["kinds"]),
        "objection_notice": notice,
        "latency_ms": {
            "p50": round(percentile(results["latency"], 50) * 1000, 1),
            "p95": round(percentile(results["latency"], 95) * 1000, 1),
            "p99": round(percentile(results["latency"], 99) * 1000, 1),
        },
        "rss_total_kb": {"first": first, "last": last, "peak": peak, "growth": last - first},
        "rss_series": series,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=600, help="duration (max 3600)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--sample", type=float, default=5.0, help="seconds between RSS samples")
    parser.add_argument(
        "--open-notice",
        action="store_true",
        help="if no candidate list is in notice, put one compiled scheme's list into notice "
        "(writes to the database) so objection posts are part of the mix",
    )
    args = parser.parse_args(argv)
    report = soak(
        seconds=args.seconds,
        connections=args.connections,
        workers=args.workers,
        every=args.sample,
        open_notice=args.open_notice,
    )
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = results / f"soak-{stamp}.json"
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    brief = {k: v for k, v in report.items() if k != "rss_series"}
    brief["rss_total_mb_over_time"] = [
        (point["t"], round(point["total_kb"] / 1024, 1)) for point in report["rss_series"]
    ]
    print(json.dumps(brief, indent=2, ensure_ascii=False))
    print(f"report: {path.relative_to(ROOT)}")
    return 1 if report["server_errors_5xx"] or report["connection_failures"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
