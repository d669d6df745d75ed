"""gunicorn settings: `gunicorn -c config/gunicorn.conf.py config.wsgi:application`.

Sized for the 2-core machine and measured with bench/http_pages.py (docs/benchmarks.md):
- workers = 2 per core (GUNICORN_WORKERS overrides). A page spends part of its time waiting
  for PostgreSQL or Redis; a second process per core keeps the core busy meanwhile, while more
  processes only add memory and context switches (the GIL makes threads no substitute for
  processes on CPU-bound rendering).
- gthread with 8 threads per worker: keep-alive connections (of a proxy, or the benchmark's
  32) are held by threads, not whole processes, so a slow client never blocks a worker;
  4 workers x 8 threads = 32 requests in flight. Measured at 32 connections on a cached page
  (docs/benchmarks.md): 4x8 gave the same throughput as 4x4 with about half the p99
  (110-120 ms against 190-290 ms: with 16 threads, half the connections queue).
- Database connections persist across requests (CONN_MAX_AGE, settings) — one per thread.
- max_requests with jitter recycles workers now and then, bounding any slow leak.
- After its 200th request a worker freezes its heap for the garbage collector (post_request
  below): full collections over the long-lived objects set the pages' p99 before.
"""

import gc
import multiprocessing
import os

# Loopback unless told otherwise: the container image sets GUNICORN_BIND=0.0.0.0:8000.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count()))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 8))
keepalive = 5
backlog = 2048
timeout = 60
graceful_timeout = 30
max_requests = 100_000  # at ~500 requests/s per worker: a restart every few minutes
max_requests_jitter = 10_000
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None

# After this many requests a worker has loaded what it keeps for life (URLconf, templates,
# translation catalogues, caches): they are then moved out of the garbage collector's sight.
WARM_UP_REQUESTS = 200


def post_request(worker, req, environ, resp):
    """Freeze the warmed-up heap once per worker. Otherwise each full collection walks
    ~160,000 long-lived objects (50-130 ms measured) while every request thread of the worker
    waits: at national-scale load one such pause per worker every few seconds, which was
    most of the pages' p99 (docs/benchmarks.md)."""
    served = getattr(worker, "requests_served", 0) + 1
    worker.requests_served = served
    if served == WARM_UP_REQUESTS:
        gc.collect()
        gc.freeze()
