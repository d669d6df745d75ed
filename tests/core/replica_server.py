"""A real primary and streaming replica on loopback, for tests/core/test_replicas.py.

`ReplicaPair` starts a dedicated PostgreSQL primary from `initdb` in a temporary directory on
a free port, copies the test database into it (`pg_dump` of pytest-django's test database,
so it has the same schema, triggers and rows), makes a hot standby of it with `pg_basebackup`
on another free port, streaming, and makes it Django's `default` database for the tests that
use it (`use_as_default`), so the router's writes go to the server the replica streams from.

Why not a replica of the machine's own server (the one holding the test database): measured
on the shared development machine, a new hot standby of it waited 37 s before it accepted
connections (a standby needs a snapshot of the primary in which no transaction has overflowed
its subtransaction cache, and other suites' test transactions are full of savepoints); its
`pg_basebackup` copies every database of that cluster, however large; and it needed a
`replication` line in the machine's pg_hba.conf. The dedicated pair has none of these
problems, starts in a few seconds, works the same on a fresh CI machine, on a developer's
machine and with the embedded server, and leaves the machine's configuration alone.

Binaries: those of the test server's major version (so `pg_dump` can read it), from
/usr/lib/postgresql/<major>/bin (Debian), `pg_config --bindir` or the pgserver package; the
tests are skipped, saying so, only when there are none. PostgreSQL refuses to run as root: as
root, both servers run as the operating-system user `postgres` (or pgserver's `pgserver`).
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import psycopg2

TIMEOUT = 60  # seconds for a server to start, the replica to stream or catch up


class ReplicaUnavailable(Exception):
    """No PostgreSQL binaries of the server's version: the tests are skipped."""


def libpq_params(settings_dict: dict) -> dict:
    """psycopg2 connection parameters of a Django database settings dict."""
    options = settings_dict.get("OPTIONS") or {}
    params = {
        "dbname": settings_dict["NAME"],
        "user": settings_dict.get("USER") or None,
        "password": settings_dict.get("PASSWORD") or None,
        "host": options.get("host") or settings_dict.get("HOST") or None,
        "port": settings_dict.get("PORT") or None,
    }
    return {key: value for key, value in params.items() if value}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def binaries(major: int) -> Path:
    candidates = [Path(f"/usr/lib/postgresql/{major}/bin")]
    if shutil.which("pg_config"):
        bindir = subprocess.run(
            ["pg_config", "--bindir"], capture_output=True, text=True, check=False
        ).stdout.strip()
        if bindir:
            candidates.append(Path(bindir))
    try:
        import pgserver

        candidates.append(Path(pgserver.__file__).parent / "pginstall" / "bin")
    except ImportError:
        pass
    tools = ("initdb", "postgres", "pg_ctl", "pg_basebackup", "pg_dump", "pg_restore")
    for folder in candidates:
        if not all((folder / tool).is_file() for tool in tools):
            continue
        version = subprocess.run(
            [str(folder / "postgres"), "--version"], capture_output=True, text=True, check=False
        ).stdout
        if f" {major}." in version:
            return folder
    raise ReplicaUnavailable(
        f"no PostgreSQL {major} binaries ({', '.join(tools)}) in "
        + ", ".join(str(c) for c in candidates)
    )


def _server_user():
    """Whom the servers run as: ourselves, unless we are root (PostgreSQL refuses root)."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "pgserver"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise ReplicaUnavailable("running as root and there is no `postgres` user to run as")


class Server:
    """One PostgreSQL server in `folder`, listening on 127.0.0.1:`port` and a socket there."""

    def __init__(self, pair: ReplicaPair, name: str):
        self.pair = pair
        self.port = free_port()
        self.data = pair.root / name
        self.log = pair.root / f"{name}.log"

    def configure(self, **settings) -> None:
        values = {
            "port": self.port,
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": f"'{self.pair.root}'",
            "shared_buffers": "'32MB'",
            "max_connections": 30,
            "fsync": "off",
            "full_page_writes": "off",
            "synchronous_commit": "off",
            "ssl": "off",
            "logging_collector": "off",
            "jit": "off",
            **settings,
        }
        (self.data / "postgresql.conf").write_text(
            "".join(f"{key} = {value}\n" for key, value in values.items())
        )
        (self.data / "pg_hba.conf").write_text(
            "local all all trust\nlocal replication all trust\n"
            "host all all 127.0.0.1/32 trust\nhost replication all 127.0.0.1/32 trust\n"
        )

    def start(self) -> None:
        self.pair.run(
            "pg_ctl", "start", "--wait", f"--timeout={TIMEOUT}", f"--pgdata={self.data}",
            f"--log={self.log}",
        )  # fmt: skip

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.pair.run(
                "pg_ctl", "stop", "--wait", "--mode=immediate", f"--pgdata={self.data}",
                check=False,
            )  # fmt: skip

    def connect(self, dbname: str):
        conn = psycopg2.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname=dbname, connect_timeout=5
        )
        conn.autocommit = True
        return conn

    def sql(self, statement: str, params=None, *, dbname: str | None = None):
        conn = self.connect(dbname or self.pair.dbname)
        try:
            with conn.cursor() as cursor:
                cursor.execute(statement, params)
                return cursor.fetchall() if cursor.description else None
        finally:
            conn.close()

    def settings_dict(self, base: dict, **changes) -> dict:
        """`base` (a Django database settings dict) pointed at this server."""
        options = {**(base.get("OPTIONS") or {}), "connect_timeout": 2}
        options.pop("host", None)  # the embedded server's socket
        return {
            **base,
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "USER": "postgres",
            "PASSWORD": "",
            "OPTIONS": options,
            **changes,
        }


class ReplicaPair:
    def __init__(self, source: dict):
        """`source`: psycopg2 parameters of the test database to copy into the primary."""
        self.source = source
        self.dbname = source["dbname"]
        conn = psycopg2.connect(**source)
        with conn.cursor() as cursor:
            cursor.execute("SELECT current_setting('server_version_num')::int / 10000")
            (major,) = cursor.fetchone()
        conn.close()
        self.bin = binaries(major)
        self.user = _server_user()
        self.root = Path(tempfile.mkdtemp(prefix="lp-replica-"))
        if self.user is not None:
            os.chown(self.root, self.user.pw_uid, self.user.pw_gid)
        self.primary = Server(self, "primary")
        self.replica = Server(self, "replica")

    def run(self, tool: str, *args: str, check: bool = True, env=None, as_server_user=True):
        environment = {**os.environ, "LC_ALL": "C.UTF-8", **(env or {})}
        user = self.user if as_server_user else None
        result = subprocess.run(
            [str(self.bin / tool), *args],
            capture_output=True,
            text=True,
            env=environment,
            cwd=self.root,
            user=user.pw_uid if user else None,
            group=user.pw_gid if user else None,
            extra_groups=[] if user else None,
            check=False,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"{tool} failed ({result.returncode}):\n{result.stderr}")
        return result

    def create(self) -> None:
        started = time.monotonic()
        self.run(
            "initdb", f"--pgdata={self.primary.data}", "--username=postgres", "--auth=trust",
            "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip
        self.primary.configure(wal_level="replica", max_wal_senders=5)
        self.primary.start()
        self._copy_test_database()
        self.run(
            "pg_basebackup", f"--dbname=host=127.0.0.1 port={self.primary.port} user=postgres",
            f"--pgdata={self.replica.data}", "--wal-method=stream", "--checkpoint=fast",
            "--no-sync", "--write-recovery-conf",
        )  # fmt: skip
        self.replica.configure(hot_standby="on", wal_receiver_status_interval="'1s'")
        self.start_replica()
        self.setup_seconds = time.monotonic() - started

    def _copy_test_database(self) -> None:
        dump = self.root / "test.dump"
        source = self.source
        self.run(
            "pg_dump", "--format=custom", f"--file={dump}", "--no-owner",
            f"--host={source.get('host', '127.0.0.1')}", f"--port={source.get('port', 5432)}",
            f"--username={source.get('user', 'postgres')}", source["dbname"],
            env={"PGPASSWORD": source.get("password", "")},
            as_server_user=False,  # reaches the test server as the tests do
        )  # fmt: skip
        self.primary.sql(
            f"CREATE DATABASE \"{self.dbname}\" TEMPLATE template0 ENCODING 'UTF8'",
            dbname="postgres",
        )
        self.run(
            "pg_restore", "--no-owner", "--exit-on-error", "--host=127.0.0.1",
            f"--port={self.primary.port}", "--username=postgres", f"--dbname={self.dbname}",
            str(dump),
        )  # fmt: skip

    def start_replica(self) -> None:
        self.replica.start()
        self.wait_for(self.streaming, what="the replica to stream from the primary")

    def destroy(self) -> None:
        self.replica.stop()
        self.primary.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    # ---- observing and steering the replica -------------------------------------------------

    def streaming(self) -> bool:
        try:
            rows = self.replica.sql("SELECT status FROM pg_stat_wal_receiver")
        except psycopg2.OperationalError:
            return False
        return rows == [("streaming",)]

    def wait_caught_up(self) -> None:
        """Until the replica has replayed everything the primary has written so far. The
        primary commits asynchronously (synchronous_commit off, above), so a commit's record
        may still be in its WAL buffers, past `pg_current_wal_lsn()` (the write position):
        the insert position includes it (a CI run once read the old row after "caught up")."""
        ((lsn,),) = self.primary.sql("SELECT pg_current_wal_insert_lsn()::text")
        self.wait_for(
            lambda: self.replica.sql("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])[0][0],
            what=f"the replica to replay up to {lsn}",
        )

    def pause(self) -> None:
        self.replica.sql("SELECT pg_wal_replay_pause()")
        self.wait_for(
            lambda: self.replica.sql("SELECT pg_get_wal_replay_pause_state()")[0][0] == "paused",
            what="replay to pause",
        )

    def resume(self) -> None:
        self.replica.sql("SELECT pg_wal_replay_resume()")

    def wait_for(self, condition, *, what: str, timeout: float = TIMEOUT):
        deadline = time.monotonic() + timeout
        while not (value := condition()):
            if time.monotonic() > deadline:
                log = self.replica.log
                tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
                raise AssertionError(f"timed out waiting for {what}; replica log:\n{tail}")
            time.sleep(0.05)
        return value


@contextmanager
def use_as_default(connections, settings_dict: dict):
    """Make `settings_dict` Django's `default` database for a while (in place: the settings
    dict is shared by `settings.DATABASES`, `connections.settings` and the connection)."""
    current = connections["default"]
    current.close()
    saved = dict(current.settings_dict)
    current.settings_dict.clear()
    current.settings_dict.update(settings_dict)
    try:
        yield
    finally:
        connections["default"].close()
        current.settings_dict.clear()
        current.settings_dict.update(saved)
