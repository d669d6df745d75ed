from celery import shared_task

from apps.incentives import services


@shared_task(name="incentives.sync_credit_records")
def sync_credit_records() -> int:
    """Nightly, after the leader expiry job: idempotent, one set-based statement."""
    return services.credit_records_sync()
