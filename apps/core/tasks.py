"""Background imports: files above `IMPORT_BACKGROUND_THRESHOLD` are validated and written
here, not inside a web request. Each job claims its run (status change), so a job delivered
twice does nothing the second time; writes also hold a per-kind database lock."""

from celery import shared_task

from apps.core import audit_archive, inbox
from apps.core.imports import services
from apps.core.models import ImportRun


@shared_task(name="core.import_run_validate")
def import_run_validate(*, run_id: int) -> str:
    run = services.import_run_validate(run=ImportRun.objects.get(pk=run_id))
    return run.status


@shared_task(name="core.import_run_apply")
def import_run_apply(*, run_id: int) -> str:
    run = services.import_run_apply(run=ImportRun.objects.get(pk=run_id))
    return run.status


@shared_task(name="core.requeue_stale_imports")
def requeue_stale_imports() -> int:
    """Every quarter hour: background imports whose message was lost are sent again."""
    return len(services.import_runs_requeue_stale())


@shared_task(name="core.send_inbox")
def send_inbox() -> int:
    """After each commit that wrote messages, and every ten minutes for retries."""
    return inbox.send_pending()


@shared_task(name="core.archive_audit")
def archive_audit() -> int:
    """Monthly: every finished month of the audit log not yet archived (apps/core/audit_archive)."""
    return len(audit_archive.archive_due())
