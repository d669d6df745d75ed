from celery import shared_task
from django.db import transaction

from apps.evaluators.models import Scheme
from apps.leaders import notifications, selectors
from apps.leaders.models import Ranking
from apps.leaders.services.candidate_lists import notices_close
from apps.leaders.services.jobs import (
    ranking_jobs_queue,
    ranking_jobs_requeue_stale,
    ranking_jobs_run,
)
from apps.leaders.services.objector_data import objector_data_purge_due
from apps.leaders.services.rankings import ranking_compile, rankings_purge_retired
from apps.leaders.services.titles import leaders_expire


@shared_task(name="leaders.expire_titles")
def expire_titles() -> int:
    return leaders_expire()


@shared_task(name="leaders.compile_scheme", acks_late=True, reject_on_worker_lost=True)
def compile_scheme(*, scheme_id: int, job_id: int | None = None) -> int | None:
    """Messages queued before jobs ran in shares (one task per scheme). Kept for one release
    so that a deployment never strands a queued job; nothing queues it any more."""
    if job_id is not None:
        return ranking_jobs_run(job_ids=[job_id])[0].ranking_id

    return ranking_compile(scheme=Scheme.objects.get(pk=scheme_id)).pk


@shared_task(name="leaders.compile_jobs", acks_late=True, reject_on_worker_lost=True)
def compile_jobs(*, job_ids: list[int]) -> list[int | None]:
    """Compile a share of a batch of jobs in one pass (see `ranking_jobs_queue`); a
    redelivered task after a killed worker simply reruns them."""
    return [job.ranking_id for job in ranking_jobs_run(job_ids=job_ids)]


@shared_task(name="leaders.requeue_stale_jobs")
def requeue_stale_jobs() -> int:
    """Every quarter hour: compile jobs whose message was lost are sent again."""
    return len(ranking_jobs_requeue_stale())


@shared_task(name="leaders.compile_year")
def compile_year(*, year: int) -> int:
    """Queue one job per approved scheme of the year, compiled in shares."""
    return len(ranking_jobs_queue(schemes=selectors.schemes_to_compile(year=year)))


@shared_task(name="leaders.purge_retired_rankings")
def purge_retired_rankings() -> int:
    """Delete superseded rankings' entries after a compile (and nightly, as a safety net)."""
    return rankings_purge_retired()


@shared_task(name="leaders.compile_due")
def compile_due() -> int:
    """Daily beat job: compile every approved scheme whose ranking date (cutoff) has passed
    and that has no ranking compiled after it."""
    return len(ranking_jobs_queue(schemes=selectors.schemes_due_for_compile()))


@shared_task(name="leaders.notify_ranking_out")
def notify_ranking_out(*, scheme_id: int) -> int:
    """Tell each entrant enterprise of the scheme's current ranking that it is out."""
    ranking = (
        Ranking.objects.filter(scheme_id=scheme_id, is_current=True)
        .select_related("scheme__category")
        .first()
    )
    if ranking is None:
        return 0
    with transaction.atomic():
        return notifications.notify_ranking_out(ranking=ranking)


@shared_task(name="leaders.close_notices")
def close_notices() -> int:
    return notices_close()


@shared_task(name="leaders.send_notifications", acks_late=True)
def send_notifications() -> int:
    """Send the pending outbox in batches until it is empty."""
    total = 0
    while sent := notifications.notifications_send():
        total += sent
    return total


@shared_task(name="leaders.purge_objector_data")
def purge_objector_data() -> int:
    """Daily: objectors' personal data past OBJECTOR_DATA_RETENTION_DAYS after the notice."""
    return objector_data_purge_due()
