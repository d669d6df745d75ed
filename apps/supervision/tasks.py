from decimal import Decimal

from celery import shared_task

from apps.supervision import services


@shared_task(name="supervision.generate_plan", acks_late=True, reject_on_worker_lost=True)
def generate_plan(*, year: int, seed: int, rate: str = str(services.DEFAULT_RATE)) -> int:
    """Idempotent: the same year, seed and data give the same plan (a draft is replaced)."""
    return services.plan_generate(year=year, seed=seed, rate=Decimal(rate)).pk
