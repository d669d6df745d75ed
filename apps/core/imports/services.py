"""Imports as recorded runs: every import (command line, admin or a role's workspace) writes
an `ImportRun`."""

from __future__ import annotations

import hashlib
import io
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core import audit
from apps.core.imports.engine import PREVIEW_ROWS, ImportResult, run_import
from apps.core.imports.spec import ImportKind, get_import_kind, get_workspace
from apps.core.models import ImportRun
from apps.core.uploads import CSV, XLSX, check_upload, safe_filename

IMPORT_PERMISSION = "core.import_data"
Status = ImportRun.Status
Source = ImportRun.Source
# A workspace upload is validated and written inside the request (never in the background),
# and its preview lists every row up to this many.
WORKSPACE_PREVIEW_ROWS = 5000


def background_threshold() -> int:
    """Uploads larger than this many bytes are validated and written by a Celery job."""
    return getattr(settings, "IMPORT_BACKGROUND_THRESHOLD", 5 * 1024 * 1024)


def import_max_bytes() -> int:
    """No import file may be larger than this (the national enterprise list is ~100 MB)."""
    return getattr(settings, "IMPORT_MAX_BYTES", 300 * 1024 * 1024)


def check_import_upload(upload):
    """`ValidationError` unless the upload is a CSV (text) or .xlsx (ZIP) file within the
    size limit (apps.core.uploads)."""
    return check_upload(upload, kinds=(CSV, XLSX), max_bytes=import_max_bytes())


def progress_key(run_id: int) -> str:
    return f"import-run:{run_id}:progress"


def import_run_progress(run: ImportRun) -> dict:
    if run.finished:
        return {"stage": run.status, "percent": 100}
    return cache.get(progress_key(run.pk)) or {"stage": run.status, "percent": 0}


def _check_permission(actor, run: ImportRun | None = None) -> None:
    """Admin and command imports need `core.import_data`. A workspace run is acted on only by
    the person who uploaded it (its workspace's service checked what they may import)."""
    if actor is None:
        return
    if run is not None and run.source == Source.WORKSPACE:
        if run.actor_id != actor.pk:
            raise PermissionDenied
    elif not actor.has_perm(IMPORT_PERMISSION):
        raise PermissionDenied


def _kind_for(run: ImportRun) -> ImportKind:
    """The kind a run validates and writes: a workspace run's kind narrowed to its scope."""
    kind = get_import_kind(run.kind)
    if run.source == Source.WORKSPACE:
        kind = get_workspace(run.workspace).narrow(kind, run.scope, run.actor)
    return kind


def _digest(chunks) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    for chunk in chunks:
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _file_chunks(handle: BinaryIO, size: int = 1024 * 1024):
    while chunk := handle.read(size):
        yield chunk


def _record(run: ImportRun, result: ImportResult, *, status: str) -> ImportRun:
    run.status = status
    run.rows = result.rows
    run.created, run.updated, run.unchanged = result.created, result.updated, result.unchanged
    run.error_count = len(result.problems) + result.omitted
    run.errors = "\n".join(result.error_lines())
    run.preview = [
        {"row": row.row, "action": row.action, "key": row.key, **_values(row)}
        for row in result.preview
    ]
    run.finished_at = timezone.now()
    run.save()
    cache.delete(progress_key(run.pk))
    return run


def _values(row) -> dict:
    return {"values": row.values} if row.values else {}


def _progress_reporter(run: ImportRun):
    def report(stage: str, fraction: float) -> None:
        cache.set(
            progress_key(run.pk), {"stage": stage, "percent": int(fraction * 100)}, timeout=3600
        )

    return report


def _execute(run: ImportRun, handle: BinaryIO, *, dry_run: bool) -> ImportResult:
    kind = _kind_for(run)
    preview_rows = WORKSPACE_PREVIEW_ROWS if run.source == Source.WORKSPACE else PREVIEW_ROWS
    try:
        return run_import(
            kind,
            handle,
            run.file_name,
            size=run.size,
            dry_run=dry_run,
            progress=_progress_reporter(run),
            preview_rows=preview_rows if dry_run else 0,
        )
    except Exception as error:
        run.status = Status.FAILED
        run.errors = f"{type(error).__name__}: {error}"
        run.finished_at = timezone.now()
        run.save()
        raise


def import_file(
    *, kind: str, path: str | Path, actor=None, dry_run: bool = False
) -> tuple[ImportRun, ImportResult]:
    """Import a file from disk in one go (the `import_csv` command)."""
    path = Path(path)
    with path.open("rb") as handle:
        sha256, size = _digest(_file_chunks(handle))
    with path.open("rb") as handle:
        return _import_now(
            kind=kind,
            handle=handle,
            file_name=path.name,
            size=size,
            sha256=sha256,
            actor=actor,
            dry_run=dry_run,
            source=ImportRun.Source.COMMAND,
        )


def import_bytes(
    *, kind: str, data: bytes, file_name: str, actor, dry_run: bool
) -> tuple[ImportRun, ImportResult]:
    """Import an ordinary-sized upload held in memory (the django-import-export admin flow)."""
    sha256, size = _digest([data])
    return _import_now(
        kind=kind,
        handle=io.BytesIO(data),
        file_name=Path(file_name).name[:255],
        size=size,
        sha256=sha256,
        actor=actor,
        dry_run=dry_run,
        source=ImportRun.Source.ADMIN,
    )


def _import_now(
    *, kind, handle, file_name, size, sha256, actor, dry_run, source
) -> tuple[ImportRun, ImportResult]:
    _check_permission(actor)
    get_import_kind(kind)
    run = ImportRun.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        source=source,
        kind=kind,
        file_name=file_name,
        size=size,
        sha256=sha256,
        dry_run=dry_run,
        status=Status.VALIDATING if dry_run else Status.APPLYING,
    )
    result = _execute(run, handle, dry_run=dry_run)
    done = Status.VALIDATED if dry_run else Status.SUCCEEDED
    _record(run, result, status=done if result.ok else Status.INVALID)
    if result.written:
        _audit_write(run, actor)
    return run, result


def _audit_write(run: ImportRun, actor) -> None:
    audit.record(
        actor=actor,
        action=f"import.{run.kind}",
        target=run,
        changes={
            "file": [None, run.file_name],
            "sha256": [None, run.sha256],
            "created": [None, run.created],
            "updated": [None, run.updated],
            "unchanged": [None, run.unchanged],
            **_scope(run),
        },
    )


def _scope(run: ImportRun) -> dict:
    """A workspace run's audit entry says where it came from and what it was limited to."""
    return {"scope": [None, {"workspace": run.workspace, **run.scope}]} if run.workspace else {}


def import_upload(*, kind: str, upload: UploadedFile, actor) -> ImportRun:
    """Store an uploaded file (chunk by chunk, in the shared media storage) as a queued run.
    The caller then validates it inline or in the background (`import_run_validate`)."""
    _check_permission(actor)
    get_import_kind(kind)
    file_kind = check_import_upload(upload)
    run = ImportRun(actor=actor, source=Source.ADMIN, kind=kind)
    _store(run, upload, file_kind)
    run.background = run.size > background_threshold()
    run.save()
    return run


def workspace_upload(*, workspace: str, upload: UploadedFile, actor, scope: dict) -> ImportRun:
    """Store a file uploaded from a role's workspace as a queued run of that workspace's kind,
    narrowed to `scope`. The workspace's own service has checked that `actor` may import
    there. Such files are validated and written inside the request, so they may be no larger
    than the background threshold."""
    kind = get_workspace(workspace).kind
    file_kind = check_upload(upload, kinds=(CSV, XLSX), max_bytes=background_threshold())
    run = ImportRun(
        actor=actor, source=Source.WORKSPACE, kind=kind, workspace=workspace, scope=scope
    )
    _store(run, upload, file_kind)
    run.save()
    return run


def _store(run: ImportRun, upload: UploadedFile, file_kind) -> None:
    file_name = safe_filename(upload.name, default="upload", max_length=200)
    if not file_name.lower().endswith(file_kind.extension):
        file_name += file_kind.extension
    run.sha256, run.size = _digest(upload.chunks())
    upload.seek(0)
    run.file_name = file_name
    run.dry_run = True
    run.status = Status.QUEUED
    run.file.save(file_name, upload, save=False)


# Namespace of the session advisory locks a job holds on its run while it works on it.
_RUN_LOCK = 7401


@contextmanager
def _working_on(run: ImportRun):
    """Hold a session advisory lock on the run while working on it; yields whether we got it.
    PostgreSQL drops the lock with the connection, so a worker that was killed holds none."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_RUN_LOCK, run.pk])
        mine = cursor.fetchone()[0]
    try:
        yield mine
    finally:
        if mine:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_RUN_LOCK, run.pk])


def _claim(run: ImportRun, current: str, new: str) -> ImportRun | None:
    """Move a run from `current` to `new` unless someone else already did: a job delivered
    twice, or a double click, runs once. Called holding the run's lock (`_working_on`), so a
    run found already in `new` was left there by a job that died (its lock went with its
    connection): it is taken over, and its all-or-nothing work done again."""
    if ImportRun.objects.filter(pk=run.pk, status__in=[current, new]).update(status=new):
        return ImportRun.objects.get(pk=run.pk)
    return None


def import_run_validate(*, run: ImportRun) -> ImportRun:
    """Dry run of an uploaded file: counts, per-row preview and every problem."""
    with _working_on(run) as mine:
        claimed = _claim(run, Status.QUEUED, Status.VALIDATING) if mine else None
        if claimed is None:
            return ImportRun.objects.get(pk=run.pk)
        run = claimed
        with run.file.open("rb") as handle:
            result = _execute(run, handle, dry_run=True)
        return _record(run, result, status=Status.VALIDATED if result.ok else Status.INVALID)


def import_run_confirm(*, run: ImportRun, actor) -> ImportRun:
    """Mark a validated upload for writing (the admin's or a workspace's confirm button)."""
    _check_permission(actor, run)
    updated = ImportRun.objects.filter(pk=run.pk, status=Status.VALIDATED).update(
        status=Status.CONFIRMED, dry_run=False, actor=actor
    )
    if not updated:
        raise ValidationError(_("只有校验通过且尚未确认的导入可以确认写入"))
    run.refresh_from_db()
    return run


def import_run_cancel(*, run: ImportRun, actor) -> ImportRun:
    """Drop an upload that was validated but not written (a workspace's cancel button)."""
    _check_permission(actor, run)
    updated = ImportRun.objects.filter(
        pk=run.pk, status__in=[Status.VALIDATED, Status.INVALID]
    ).update(status=Status.CANCELLED, finished_at=timezone.now())
    if not updated:
        raise ValidationError(_("只有尚未写入的导入可以取消"))
    run.refresh_from_db()
    audit.record(
        actor=actor,
        action=f"import.{run.kind}.cancelled",
        target=run,
        changes={"file": [None, run.file_name], "sha256": [None, run.sha256]},
    )
    return run


def import_runs_requeue_stale(*, now=None) -> list[int]:
    """Send again the background runs whose message was lost: waiting or working for longer
    than JOB_STALE_AFTER since the upload. Resending is always safe: a run still worked on
    holds its lock (`_working_on`) and the second task returns; a run left mid-way by a dead
    worker is taken over and its all-or-nothing work done again (`_claim`)."""
    from apps.core import tasks  # tasks import this module: a real cycle

    now = now or timezone.now()
    stale = ImportRun.objects.filter(
        background=True, created_at__lt=now - settings.JOB_STALE_AFTER
    ).order_by("pk")
    validate = list(
        stale.filter(status__in=[Status.QUEUED, Status.VALIDATING]).values_list("pk", flat=True)
    )
    apply = list(
        stale.filter(status__in=[Status.CONFIRMED, Status.APPLYING]).values_list("pk", flat=True)
    )
    for run_id in validate:
        transaction.on_commit(lambda run_id=run_id: tasks.import_run_validate.delay(run_id=run_id))
    for run_id in apply:
        transaction.on_commit(lambda run_id=run_id: tasks.import_run_apply.delay(run_id=run_id))
    return validate + apply


def import_run_apply(*, run: ImportRun) -> ImportRun:
    """Write a confirmed upload. The data is validated again: it may have changed since."""
    with _working_on(run) as mine:
        claimed = _claim(run, Status.CONFIRMED, Status.APPLYING) if mine else None
        if claimed is None:
            return ImportRun.objects.get(pk=run.pk)
        return _apply(claimed)


def _apply(run: ImportRun) -> ImportRun:
    with run.file.open("rb") as handle:
        sha256, _size = _digest(_file_chunks(handle))
    if sha256 != run.sha256:
        run.status = Status.FAILED
        run.errors = _("上传的文件在校验后被改动，请重新上传")
        run.finished_at = timezone.now()
        run.save()
        return run
    with run.file.open("rb") as handle:
        result = _execute(run, handle, dry_run=False)
    _record(run, result, status=Status.SUCCEEDED if result.ok else Status.INVALID)
    if result.written:
        _audit_write(run, run.actor)
    return run
