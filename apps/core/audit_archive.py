"""The audit log lasts: retention, and monthly archives chained by HMAC-SM3.

Each month is written once, to `AUDIT_ARCHIVE_DIR/audit-YYYY-MM.jsonl`: one JSON line per
entry (oldest first) carrying `prev` (the mac of the line before, across months) and `mac` =
HMAC-SM3(key, prev + "\\n" + canonical JSON of the entry). Changing, removing or moving a
line breaks the chain at that line, which `verify` reports. Archiving never deletes entries.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from apps.core.models import AuditEntry
from apps.core.sm3 import hmac_sm3

MIN_RETENTION_DAYS = 180


class ArchiveError(Exception):
    """A month that cannot be archived (not over yet, already written, a gap before it)."""


def check_retention() -> None:
    """Called at start-up (CoreConfig.ready): a shorter retention than the minimum is refused."""
    days = getattr(settings, "AUDIT_RETENTION_DAYS", MIN_RETENTION_DAYS)
    if not isinstance(days, int) or days < MIN_RETENTION_DAYS:
        raise ImproperlyConfigured(
            f"AUDIT_RETENTION_DAYS must be at least {MIN_RETENTION_DAYS} days "
            f"(GB/T 22239-2019 level 3 keeps audit records six months); got {days!r}."
        )


def hmac_key() -> bytes:
    if settings.AUDIT_HMAC_KEY:
        return settings.AUDIT_HMAC_KEY.encode()
    return hmac_sm3(settings.SECRET_KEY.encode(), b"leaderportal.audit-archive")


def canonical(record: dict) -> bytes:
    return json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def entry_mac(key: bytes, prev: str, record: dict) -> str:
    return hmac_sm3(key, prev.encode() + b"\n" + canonical(record)).hex()


def entry_record(entry: AuditEntry) -> dict:
    return {
        "id": entry.pk,
        "created_at": entry.created_at.astimezone(UTC).isoformat(),
        "actor_id": entry.actor_id,
        "action": entry.action,
        "content_type": f"{entry.content_type.app_label}.{entry.content_type.model}",
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "changes": entry.changes,
    }


def parse_month(text: str) -> date:
    try:
        return datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise ArchiveError(f"月份格式应为 YYYY-MM：{text!r}") from None


def _next(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


def _start(month: date) -> datetime:
    return timezone.make_aware(datetime(month.year, month.month, 1))


def archive_dir() -> Path:
    return Path(settings.AUDIT_ARCHIVE_DIR)


def archive_path(month: date) -> Path:
    return archive_dir() / f"audit-{month:%Y-%m}.jsonl"


def _last_mac(path: Path) -> str | None:
    last = None
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                last = line
    return json.loads(last)["mac"] if last else None


def _first_month() -> date | None:
    first = AuditEntry.objects.order_by("created_at").values_list("created_at", flat=True).first()
    if first is None:
        return None
    local = timezone.localtime(first)
    return date(local.year, local.month, 1)


def archive_month(month: date) -> tuple[Path, int]:
    """Write one month's file; returns (path, number of entries)."""
    if _start(_next(month)) > timezone.now():
        raise ArchiveError(f"{month:%Y-%m} 尚未结束，不能归档。")
    path = archive_path(month)
    if path.exists():
        raise ArchiveError(f"{path.name} 已存在：每个月只归档一次。")
    prev = ""
    first = _first_month()
    earlier = first
    while earlier is not None and earlier < month:
        earlier_path = archive_path(earlier)
        if not earlier_path.exists():
            raise ArchiveError(f"请先归档 {earlier:%Y-%m}（哈希链按月连续）。")
        prev = _last_mac(earlier_path) or prev
        earlier = _next(earlier)
    key = hmac_key()
    start, end = _start(month), _start(_next(month))
    entries = (
        AuditEntry.objects.filter(created_at__gte=start, created_at__lt=end)
        .select_related("content_type")
        .order_by("created_at", "id")
    )
    archive_dir().mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".jsonl.partial")
    count = 0
    with partial.open("w", encoding="utf-8") as out:
        for entry in entries.iterator(chunk_size=2000):
            record = entry_record(entry)
            mac = entry_mac(key, prev, record)
            out.write(canonical({**record, "prev": prev, "mac": mac}).decode() + "\n")
            prev = mac
            count += 1
        out.flush()
        os.fsync(out.fileno())
    partial.rename(path)
    return path, count


def archive_due() -> list[Path]:
    """Every complete month from the first entry on that has no file yet, in order."""
    month = _first_month()
    written = []
    now = timezone.localtime()
    this_month = date(now.year, now.month, 1)
    while month is not None and month < this_month:
        if not archive_path(month).exists():
            written.append(archive_month(month)[0])
        month = _next(month)
    return written


@dataclass(frozen=True)
class Break:
    file: str
    line: int
    entry_id: object
    reason: str

    def __str__(self) -> str:
        return f"{self.file} 第 {self.line} 行（审计记录 {self.entry_id}）：{self.reason}"


def archive_files(paths: list[str | Path]) -> list[Path]:
    files: list[Path] = []
    for given in map(Path, paths):
        files.extend(sorted(given.glob("audit-*.jsonl")) if given.is_dir() else [given])
    return files


def verify(paths: list[str | Path]) -> Break | None:
    """Recompute the chain over the files in order; the first broken line, or None."""
    key = hmac_key()
    expected_prev: str | None = None
    for path in archive_files(paths):
        with path.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                    mac, prev = record.pop("mac"), record.pop("prev")
                except (ValueError, KeyError, AttributeError, TypeError):
                    return Break(str(path), number, "?", "不是完整的归档行")
                entry_id = record.get("id", "?")
                if expected_prev is not None and prev != expected_prev:
                    return Break(
                        str(path), number, entry_id, "链断开：前面有行被删除、插入或调换了顺序"
                    )
                if entry_mac(key, prev, record) != mac:
                    return Break(str(path), number, entry_id, "内容与校验码不符：该行被改动")
                expected_prev = mac
    return None
