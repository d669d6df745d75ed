"""Helpers for the fault tests: processes against the test database, pauses, waiting."""

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from celery import Celery
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection

ROOT = Path(settings.BASE_DIR)
WORKER_APP = "faults-worker"


def database_url() -> str:
    """The test database as a URL, over TCP or, for the embedded server, its Unix socket."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    socket_dir = db.get("OPTIONS", {}).get("host") or (
        db["HOST"] if db["HOST"].startswith("/") else ""
    )
    if socket_dir:
        return f"postgres://{db['USER']}{password}@/{db['NAME']}?host={socket_dir}"
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}"
    )


def process_env(app_name: str, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DJANGO_SETTINGS_MODULE="tests.faults.worker_settings",
        DATABASE_URL=database_url(),  # pytest-django's test_<db>, where the tests' data is
        REDIS_URL=settings.REDIS_URL,
        MEDIA_ROOT=str(default_storage.location),
        FAULTS_APP_NAME=app_name,
        PYTHONUNBUFFERED="1",
        **{key: str(value) for key, value in extra.items()},
    )
    return env


def sql(statement: str, params=None):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchall() if cursor.description else None


def sessions(app_name: str, *, sleeping: bool = False) -> list[int]:
    condition = " AND wait_event = 'PgSleep'" if sleeping else ""
    rows = sql(
        "SELECT pid FROM pg_stat_activity WHERE application_name = %s" + condition, [app_name]
    )
    return [pid for (pid,) in rows]


def wait_for(condition, *, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


class Pauses:
    """A test-only trigger that sleeps inside the job's transaction while a named pause is
    set: the job is then mid-way, with part of its writes done and not committed."""

    def __init__(self):
        sql("CREATE TABLE IF NOT EXISTS faults_pause (name text PRIMARY KEY)")
        sql(
            "CREATE OR REPLACE FUNCTION faults_pause() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN IF EXISTS (SELECT 1 FROM faults_pause WHERE name = TG_ARGV[0]) "
            "THEN PERFORM pg_sleep(120); END IF; RETURN NULL; END $$"
        )
        self.triggers = []

    def add(self, table: str, name: str) -> None:
        trigger = f"faults_pause_{name}"
        sql(
            f"CREATE TRIGGER {trigger} AFTER INSERT OR UPDATE ON {table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION faults_pause('{name}')"
        )
        self.triggers.append((trigger, table))
        sql("INSERT INTO faults_pause (name) VALUES (%s) ON CONFLICT DO NOTHING", [name])

    def release(self, name: str) -> None:
        sql("DELETE FROM faults_pause WHERE name = %s", [name])

    def drop(self) -> None:
        for trigger, table in self.triggers:
            sql(f"DROP TRIGGER IF EXISTS {trigger} ON {table}")
        sql("DROP TABLE IF EXISTS faults_pause")
        sql("DROP FUNCTION IF EXISTS faults_pause()")


class Workers:
    def __init__(self, queue: str):
        self.queue = queue
        self.running: list[subprocess.Popen] = []
        self.app = Celery("faults", broker=settings.CELERY_BROKER_URL)

    def start(self, *, visibility_timeout: int | None = None) -> subprocess.Popen:
        extra = {"FAULTS_VISIBILITY_TIMEOUT": visibility_timeout} if visibility_timeout else {}
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool",
                "prefork",
                "--concurrency",
                "1",
                "--queues",
                self.queue,
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel",
                "INFO",
                "--hostname",
                f"{self.queue}-{len(self.running)}@%h",
            ],
            cwd=ROOT,
            env=process_env(WORKER_APP, **extra),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: kill the pool child with it
        )
        self.running.append(process)
        return process

    def send(self, name: str, **kwargs) -> None:
        self.app.send_task(name, kwargs=kwargs, queue=self.queue)

    def kill(self, process: subprocess.Popen) -> None:
        """SIGKILL the worker and its pool child: no cleanup, no acknowledgement."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        # PostgreSQL notices the dead client (client_connection_check_interval) and rolls
        # its transaction back.
        wait_for(lambda: not sessions(WORKER_APP), timeout=15, what="the killed session to end")

    def stop_all(self) -> None:
        for process in self.running:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=5)
        with self.app.connection_for_write() as conn:
            conn.default_channel.queue_purge(self.queue)
        self.app.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(app_name: str = "faults-web", workers: int = 1, **env):
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--access-logfile",
            "-",
        ],
        cwd=ROOT,
        env=process_env(app_name, **env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_for(lambda: _listening(port), timeout=30, what="gunicorn to listen")
        yield f"http://127.0.0.1:{port}"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0
