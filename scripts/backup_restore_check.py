#!/usr/bin/env python
"""Prove a backup restores: dump the database (pg_dump -Fc) and the media folder (tar),
restore both into fresh places (a new database, a new folder), and compare every table's row
count and content checksum, and every media file's SHA-256 (docs/operations.md).

    scripts/backup_restore_check.py [--database-url URL] [--media DIR] [--keep]

DATABASE_URL and MEDIA_ROOT are the defaults. The fresh database is dropped afterwards unless
--keep. Exit status 0 when everything matches, 1 otherwise.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tarfile
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

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
    env.update(
        PGHOST=parts.hostname or "127.0.0.1",
        PGPORT=str(parts.port or 5432),
        PGUSER=parts.username or "postgres",
        PGDATABASE=parts.path.lstrip("/"),
    )
    if parts.password:
        env["PGPASSWORD"] = parts.password
    return env


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
        env=_libpq_env(url),
        check=True,
    )


def restore(url: str, path: Path) -> None:
    env = _libpq_env(url)
    name = env["PGDATABASE"]
    subprocess.run(["createdb", name], env={**env, "PGDATABASE": "postgres"}, check=True)
    subprocess.run(
        ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={name}", str(path)],
        env=env,
        check=True,
    )


def drop(url: str) -> None:
    env = _libpq_env(url)
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


def check(database_url: str, media: Path | None = None, *, keep: bool = False) -> dict:
    """Back up, restore, compare. Returns {"tables": [TableCheck], "media": {...}, "ok": bool}."""
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
    media_ok = media_before == media_after
    append_only = "core_auditentry_append_only" in restored_triggers
    return {
        "tables": tables,
        "media": {"files": len(media_before), "ok": media_ok},
        "audit_trigger_restored": append_only,
        "restored_database": restored_url if keep else None,
        "ok": all(t.ok for t in tables) and media_ok and set(after) == set(before) and append_only,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--media", default=os.environ.get("MEDIA_ROOT"))
    parser.add_argument("--keep", action="store_true", help="keep the restored database")
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("set DATABASE_URL or pass --database-url")
    report = check(args.database_url, Path(args.media) if args.media else None, keep=args.keep)
    width = max(len(t.table) for t in report["tables"])
    for t in report["tables"]:
        mark = "ok" if t.ok else "MISMATCH"
        print(f"{t.table:<{width}}  {t.rows:>9} rows  {t.checksum[:12]}  {mark}")
    print(
        f"media: {report['media']['files']} files, {'ok' if report['media']['ok'] else 'MISMATCH'}"
    )
    print(f"audit append-only trigger restored: {report['audit_trigger_restored']}")
    print("backup restores: OK" if report["ok"] else "backup restores: FAILED")
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
