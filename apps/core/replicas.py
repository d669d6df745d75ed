"""PostgreSQL read replicas: which database each read goes to (docs/scaling.md, "Read replicas").

`DATABASE_REPLICA_URLS` adds one database alias per streaming replica (`replica1`, ...;
config/settings/base.py). With none, nothing here changes anything: every query goes to
`default`, the primary.

- **What reads a replica**: GET and HEAD requests for the public pages and the public API
  (`REPLICA_READ_PATHS`), through `ReplicaReadsMiddleware`. Everything else reads the primary:
  the workspace, staff and admin pages, every POST, Celery tasks and management commands
  (no request: the router is not asked to choose), and, even on public pages, who is signed in
  (sessions, accounts, two-factor devices, lock-outs) and the core tables (audit, imports,
  inbox) (`PRIMARY_ONLY_APPS`): a sign-in or a message must be seen on the very next page.
- **Consistency inside a request**: one replica per request (chosen at its first read among
  the healthy ones, at random), so the page is a snapshot of one server; once the request has
  written, or inside `transaction.atomic` (which includes `select_for_update`: Django sends a
  locking query to the write database), reads go to the primary.
- **Read-your-writes**: a request that writes (any POST, PUT, PATCH or DELETE, or a GET that
  wrote a replica-readable table) gets a signed cookie pinning that browser to the primary for
  `REPLICA_PIN_SECONDS`. The expiry is inside the signed value, checked by the server, so
  neither a client that keeps cookies too long nor a forged cookie matters (forging one would
  only send one's own reads to the primary).
- **Health**: a replica is used only while it answers, is still in recovery, streams from the
  primary and replays within `REPLICA_MAX_LAG_SECONDS` (the time since the last replayed
  transaction when it has received WAL it has not replayed yet; 0 when it has replayed all it
  received). Each process checks each replica at most every `REPLICA_HEALTH_CHECK_SECONDS`
  (one query, on the connection the reads then use; a replica that is down refuses at once
  on a LAN, and `REPLICA_CONNECT_TIMEOUT` bounds a host that does not answer), so a replica
  that is down or lagging costs one request a failed check per interval and the others none.
- **Migrations** run on the primary only; the replicas get them by streaming.

Raw SQL must ask for its connection too: `read_connection(Model)` is the connection the router
picks for reading that model (`django.db.connection` is always the primary).
"""

from __future__ import annotations

import contextlib
import logging
import random
import threading
import time
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core import checks
from django.core.signing import BadSignature
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, router

logger = logging.getLogger(__name__)

PRIMARY = DEFAULT_DB_ALIAS
PIN_COOKIE = "primary_pin"
_PIN_SALT = "apps.core.replicas.pin"
SAFE_METHODS = ("GET", "HEAD")
# Tables read on the primary whatever the page: who is signed in and with what rights, and
# the core tables (audit log, import runs, inbox) that a user's own actions fill.
PRIMARY_ONLY_APPS = frozenset(
    {
        "accounts",
        "admin",
        "auth",
        "axes",
        "contenttypes",
        "core",
        "django_otp",
        "otp_static",
        "otp_totp",
        "sessions",
    }
)

# The replica's own view of its delay. Received but not yet replayed WAL: the age of the last
# transaction it replayed (the primary committed something newer, at the latest now);
# everything received replayed: no delay it can know of.
LAG_SQL = """
SELECT pg_is_in_recovery(),
       CASE WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() THEN 0
            ELSE coalesce(extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp()),
                          'Infinity')
       END::float8,
       EXISTS (SELECT FROM pg_stat_wal_receiver WHERE status = 'streaming' OR status IS NULL)
"""


def replica_aliases() -> list[str]:
    return list(getattr(settings, "DATABASE_REPLICAS", ()))


# ---- health -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Health:
    ok: bool
    reason: str  # why not, or "ok"
    lag: float | None = None  # seconds
    checked_at: float = 0.0  # time.monotonic()


_health: dict[str, Health] = {}
_checking: dict[str, threading.Lock] = {}
_checking_guard = threading.Lock()


def measure(alias: str) -> Health:
    """Ask the replica now (no cache)."""
    connection = connections[alias]
    try:
        with connection.cursor() as cursor:
            cursor.execute(LAG_SQL)
            in_recovery, lag, streaming = cursor.fetchone()
    except DatabaseError as error:
        # A refused or broken connection: drop it, so the next check connects afresh.
        with contextlib.suppress(DatabaseError):
            connection.close()
        first_line = (str(error).strip().splitlines() or [""])[0]
        return Health(False, f"unreachable: {first_line}", None, time.monotonic())
    now = time.monotonic()
    if not in_recovery:
        return Health(False, "not in recovery (promoted or not a replica)", None, now)
    if not streaming:
        return Health(False, "not streaming from the primary", lag, now)
    if lag > settings.REPLICA_MAX_LAG_SECONDS:
        return Health(False, f"lagging {lag:.1f} s", lag, now)
    return Health(True, "ok", lag, now)


def health(alias: str) -> Health:
    """The replica's health, measured at most every REPLICA_HEALTH_CHECK_SECONDS per process.
    While one thread measures, the others go on with the last result (if there is one)."""
    known = _health.get(alias)
    if known is not None and time.monotonic() - known.checked_at < (
        settings.REPLICA_HEALTH_CHECK_SECONDS
    ):
        return known
    with _checking_guard:
        lock = _checking.setdefault(alias, threading.Lock())
    if not lock.acquire(blocking=known is None):
        return known
    try:
        result = measure(alias)
        if known is None or known.ok != result.ok:
            log = logger.info if result.ok else logger.warning
            log("read replica %s: %s", alias, result.reason)
        _health[alias] = result
        return result
    finally:
        lock.release()


def forget_health() -> None:
    """Measure every replica afresh at its next use (tests; after a failover)."""
    _health.clear()


def healthy_replicas() -> list[str]:
    return [alias for alias in replica_aliases() if health(alias).ok]


# ---- per-request routing ------------------------------------------------------------------


@dataclass
class _Reads:
    """The current request's routing: may it read a replica, which one, has it written."""

    allowed: bool
    alias: str | None = None
    chosen: bool = False
    wrote: bool = False

    def replica(self) -> str | None:
        if not self.chosen:
            healthy = healthy_replicas()
            self.alias = random.choice(healthy) if healthy else None
            self.chosen = True
        return self.alias


_reads: ContextVar[_Reads | None] = ContextVar("replica_reads", default=None)


class ReplicaRouter:
    """Reads of the current public request go to its replica; everything else, and every
    write, to the primary (see the module's docstring)."""

    def db_for_read(self, model, **hints):
        state = _reads.get()
        if state is None:
            return None  # no request (Celery, commands) or no replicas: Django's default
        if (
            not state.allowed
            or state.wrote
            or model._meta.app_label in PRIMARY_ONLY_APPS
            or connections[PRIMARY].in_atomic_block
        ):
            return PRIMARY
        return state.replica() or PRIMARY

    def db_for_write(self, model, **hints):
        state = _reads.get()
        if state is not None and model._meta.app_label not in PRIMARY_ONLY_APPS:
            state.wrote = True
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replicas hold the primary's rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


def read_connection(model=None):
    """The connection to read `model`'s table with raw SQL, as the router would for the ORM."""
    return connections[router.db_for_read(model) or PRIMARY] if model else connections[PRIMARY]


def public_path(path: str) -> bool:
    """A page whose reads may come from a replica: the home page ("/" in REPLICA_READ_PATHS)
    and every path under the other prefixes listed there."""
    prefixes = tuple(p for p in settings.REPLICA_READ_PATHS if p != "/")
    return (path == "/" and "/" in settings.REPLICA_READ_PATHS) or path.startswith(prefixes)


def pinned(request) -> bool:
    """Has this browser written in the last REPLICA_PIN_SECONDS?"""
    if PIN_COOKIE not in request.COOKIES:
        return False
    try:
        until = float(request.get_signed_cookie(PIN_COOKIE, salt=_PIN_SALT))
    except (BadSignature, ValueError):
        return False
    return until > time.time()


def pin(response) -> None:
    seconds = settings.REPLICA_PIN_SECONDS
    response.set_signed_cookie(
        PIN_COOKIE,
        f"{time.time() + seconds:.3f}",
        salt=_PIN_SALT,
        max_age=seconds,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


class ReplicaReadsMiddleware:
    """Decides for each request whether its reads may use a replica, and pins a browser that
    wrote to the primary for a few seconds."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_aliases():
            return self.get_response(request)
        state = _Reads(
            allowed=request.method in SAFE_METHODS
            and public_path(request.path_info)
            and not pinned(request)
        )
        token = _reads.set(state)
        try:
            response = self.get_response(request)
        finally:
            _reads.reset(token)
        if request.method not in SAFE_METHODS or state.wrote:
            pin(response)
        return response


@checks.register(checks.Tags.database)
def check_pin_covers_lag(app_configs=None, **kwargs):
    """A pin shorter than the lag a replica may have (plus the time its health is trusted)
    lets a user miss their own write."""
    if not replica_aliases():
        return []
    needed = settings.REPLICA_MAX_LAG_SECONDS + settings.REPLICA_HEALTH_CHECK_SECONDS
    if needed > settings.REPLICA_PIN_SECONDS:
        return [
            checks.Warning(
                f"REPLICA_PIN_SECONDS ({settings.REPLICA_PIN_SECONDS}) is shorter than "
                f"REPLICA_MAX_LAG_SECONDS + REPLICA_HEALTH_CHECK_SECONDS ({needed}): a user may "
                "not see their own change on the next page.",
                id="core.W001",
            )
        ]
    return []
