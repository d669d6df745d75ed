"""gunicorn settings: `gunicorn -c config/gunicorn.conf.py config.wsgi:application`.

Sized for the 2-core machine and measured with bench/http.py (docs/benchmarks.md):
- workers = 2 per core (GUNICORN_WORKERS overrides). A page spends part of its time waiting
  for PostgreSQL or Redis; a second process per core keeps the core busy meanwhile, while more
  processes only add memory and context switches (the GIL makes threads no substitute for
  processes on CPU-bound rendering).
- gthread with 4 threads per worker: keep-alive connections of a proxy or of 32 benchmark
  connections are held by threads, not by whole processes, so a slow client never blocks a
  worker; 4 workers x 4 threads = 16 requests in flight, and more queue in the backlog.
- Database connections persist across requests (CONN_MAX_AGE, settings) — one per thread.
- max_requests with jitter recycles workers now and then, bounding any slow leak.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count()))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 4))
keepalive = 5
backlog = 2048
timeout = 60
graceful_timeout = 30
max_requests = 20_000
max_requests_jitter = 2_000
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None
