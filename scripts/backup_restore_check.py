#!/usr/bin/env python
"""Prove a backup restores: dump the database (pg_dump -Fc) and the media folder (tar),
restore both into fresh places (a new database, a new folder), and compare every table's row
count and content checksum, and every media file's SHA-256 (docs/operations.md).

    scripts/backup_restore_check.py [--database-url URL] [--media DIR] [--keep]

The defaults are the portal's own settings (`config.settings.local` unless
DJANGO_SETTINGS_MODULE says otherwise): the database `manage.py` uses (the embedded one when
DATABASE_URL is unset) and MEDIA_ROOT (`.local/media` by default). Every file the database
names (each FileField value) must be in the media folder: a missing one fails the check. The
fresh database is dropped afterwards unless --keep. Exit status 0 when everything matches, 1
otherwise.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import os
import subprocess
import sys
import tarfile
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit, urlunsplit

import psycopg2
from psycopg2 import sql

# Row checksum independent of physical order: md5 of the sorted md5s of each row's text.
TABLE_CHECKSUM = (
    "SELECT count(*), coalesce(md5(string_agg(h, '' ORDER BY h)), '') "
    "FROM (SELECT md5(t::text) AS h FROM {} AS t) AS rows"
)


@dataclass
class TableCheck:
    table: str
    rows: int
    checksum: str
    restored_rows: int | None = None
    restored_checksum: str | None = None

    @property
    def ok(self) -> bool:
        return (self.rows, self.checksum) == (self.restored_rows, self.restored_checksum)


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _libpq_env(url: str) -> dict:
    parts = urlsplit(url)
    env = dict(os.environ)
    # The embedded server listens on a Unix socket named by `?host=/path` (config/embedded.py).
    socket_dir = parse_qs(parts.query).get("host", [None])[0]
    env.update(
        PGHOST=socket_dir or parts.hostname or "127.0.0.1",
        PGPORT=str(parts.port or 5432),
        PGUSER=parts.username or "postgres",
        PGDATABASE=parts.path.lstrip("/"),
    )
    if parts.password:
        env["PGPASSWORD"] = parts.password
    return env


def _major(version_text: str) -> int:
    return int(version_text.split()[-1].split(".")[0]) if version_text else 0


def _client_env(url: str) -> dict:
    """libpq's environment for the client tools, with tools that can talk to that server."""
    env = _libpq_env(url)
    env["PATH"] = f"{_client_bin_dir(_with_database(url, 'postgres'))}{os.pathsep}{env['PATH']}"
    return env


@functools.cache
def _client_bin_dir(url: str) -> str:
    """pg_dump refuses a server newer than itself: when the system's client tools are older
    than the server (the embedded pgserver ships its own, newer ones), use pgserver's."""
    try:
        from pgserver._commands import POSTGRES_BIN_PATH
    except ImportError:
        return ""
    with psycopg2.connect(url) as conn, conn.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        server_major = int(cursor.fetchone()[0]) // 10000
    conn.close()
    try:
        system = subprocess.run(["pg_dump", "--version"], capture_output=True, text=True).stdout
    except FileNotFoundError:
        system = ""
    return str(POSTGRES_BIN_PATH) if _major(system.strip()) < server_major else ""


def missing_media(names: list[str], folder: Path | None) -> list[str]:
    """Files the database names that are not in the media folder."""
    return sorted(name for name in names if folder is None or not (folder / name).is_file())


def table_checksums(url: str, cursor=None) -> dict[str, tuple[int, str]]:
    if cursor is None:
        with psycopg2.connect(url) as conn, conn.cursor() as own:
            result = table_checksums(url, own)
        conn.close()
        return result
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    result = {}
    for (table,) in cursor.fetchall():
        cursor.execute(sql.SQL(TABLE_CHECKSUM).format(sql.Identifier(table)))
        result[table] = cursor.fetchone()
    return result


def triggers(url: str) -> set[str]:
    with psycopg2.connect(url) as conn, conn.cursor() as cursor:
        cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        names = {name for (name,) in cursor.fetchall()}
    conn.close()
    return names


def dump_with_checksums(url: str, path: Path) -> dict[str, tuple[int, str]]:
    """pg_dump and the checksums from one snapshot, so writes during the backup cannot make
    the comparison differ (a live database can be checked)."""
    conn = psycopg2.connect(url)
    try:
        conn.set_session(isolation_level="REPEATABLE READ", readonly=True)
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            (snapshot,) = cursor.fetchone()
            dump(url, path, snapshot=snapshot)
            return table_checksums(url, cursor)
    finally:
        conn.rollback()
        conn.close()


def dump(url: str, path: Path, *, snapshot: str | None = None) -> None:
    subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", f"--file={path}"]
        + ([f"--snapshot={snapshot}"] if snapshot else []),
        env=_client_env(url),
        check=True,
    )


def restore(url: str, path: Path) -> None:
    env = _client_env(url)
    name = env["PGDATABASE"]
    subprocess.run(["createdb", name], env={**env, "PGDATABASE": "postgres"}, check=True)
    subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={name}", str(path)],
        env=env,
        check=True,
    )


def drop(url: str) -> None:
    env = _client_env(url)
    subprocess.run(
        ["dropdb", "--if-exists", env["PGDATABASE"]],
        env={**env, "PGDATABASE": "postgres"},
        check=True,
    )


def media_digests(folder: Path) -> dict[str, str]:
    if not folder.is_dir():
        return {}
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def check(
    database_url: str,
    media: Path | None = None,
    *,
    keep: bool = False,
    referenced_files: list[str] = (),
) -> dict:
    """Back up, restore, compare. Returns {"tables": [TableCheck], "media": {...}, "ok": bool}.
    `referenced_files` are the media names the database points at; each must be backed up."""
    restored_url = _with_database(database_url, f"restore_check_{uuid.uuid4().hex[:10]}")
    with tempfile.TemporaryDirectory(prefix="backup-check-") as tmp:
        tmp = Path(tmp)
        before = dump_with_checksums(database_url, tmp / "db.dump")
        media_before = media_digests(media) if media else {}
        if media and media.is_dir():
            with tarfile.open(tmp / "media.tar.gz", "w:gz") as archive:
                archive.add(media, arcname="media")
        try:
            restore(restored_url, tmp / "db.dump")
            after = table_checksums(restored_url)
            restored_triggers = triggers(restored_url)
        finally:
            if not keep:
                drop(restored_url)
        media_after = {}
        if (tmp / "media.tar.gz").exists():
            with tarfile.open(tmp / "media.tar.gz") as archive:
                archive.extractall(tmp / "restored", filter="data")
            media_after = media_digests(tmp / "restored" / "media")
    tables = [
        TableCheck(
            name, *before[name], *(after.get(name) or (None, None))
        )  # a table missing after the restore fails
        for name in sorted(before)
    ]
    missing = missing_media(list(referenced_files), media)
    media_ok = media_before == media_after and not missing
    append_only = "core_auditentry_append_only" in restored_triggers
    return {
        "tables": tables,
        "media": {"files": len(media_before), "missing": missing, "ok": media_ok},
        "audit_trigger_restored": append_only,
        "restored_database": restored_url if keep else None,
        "ok": all(t.ok for t in tables) and media_ok and set(after) == set(before) and append_only,
    }


def referenced_media_files() -> list[str]:
    """Every non-empty FileField value in the database (Django must be set up)."""
    from django.apps import apps
    from django.db import models

    names = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                names += (
                    model._default_manager.exclude(**{field.name: ""})
                    .exclude(**{f"{field.name}__isnull": True})
                    .values_list(field.name, flat=True)
                )
    return names


def _portal_defaults() -> tuple[str, str | None]:
    """The database URL and MEDIA_ROOT the portal itself uses, with the same defaults (no
    folder when the media are in object storage, MEDIA_STORAGE=s3)."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    from config.env import database_url

    django.setup()
    from django.core.files.storage import FileSystemStorage, default_storage  # after setup

    if not isinstance(default_storage, FileSystemStorage):
        return database_url(), None
    return database_url(), str(default_storage.location)


def missing_in_storage(names: list[str]) -> list[str]:
    """Files the database names that the portal's storage does not have (object storage:
    the bucket is backed up by its own versioning or replication, not by this script)."""
    from django.core.files.storage import default_storage

    return sorted(name for name in names if not default_storage.exists(name))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: the portal's own database")
    parser.add_argument("--media", help="default: the portal's MEDIA_ROOT")
    parser.add_argument("--keep", action="store_true", help="keep the restored database")
    args = parser.parse_args(argv)
    default_url, default_media = _portal_defaults()
    if args.media or default_media:
        media = Path(args.media or default_media)
        report = check(
            args.database_url or default_url,
            media,
            keep=args.keep,
            referenced_files=referenced_media_files(),
        )
    else:  # object storage: the database is checked here, the files only for presence
        media = "object storage (MEDIA_STORAGE=s3)"
        names = referenced_media_files()
        report = check(args.database_url or default_url, None, keep=args.keep)
        missing = missing_in_storage(names)
        present = len(names) - len(missing)
        report["media"] = {"files": present, "missing": missing, "ok": not missing}
        report["ok"] = report["ok"] and not missing
    width = max(len(t.table) for t in report["tables"])
    for t in report["tables"]:
        mark = "ok" if t.ok else "MISMATCH"
        print(f"{t.table:<{width}}  {t.rows:>9} rows  {t.checksum[:12]}  {mark}")
    print(f"media: {media}")
    for name in report["media"]["missing"]:
        print(f"media file named by the database but missing: {name}")
    print(
        f"media: {report['media']['files']} files, {'ok' if report['media']['ok'] else 'MISMATCH'}"
    )
    print(f"audit append-only trigger restored: {report['audit_trigger_restored']}")
    print("backup restores: OK" if report["ok"] else "backup restores: FAILED")
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
