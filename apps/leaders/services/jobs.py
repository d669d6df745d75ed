"""Compile jobs: a year's fan-out, visible to staff."""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils import timezone

from apps.core import audit
from apps.evaluators.enums import SchemeStatus
from apps.leaders.enums import JobStatus
from apps.leaders.models import RankingJob
from apps.leaders.services.common import is_user, require
from apps.leaders.services.rankings import (
    RankingNotCompilable,
    not_compilable,
    rankings_compile,
    shares_by_entrants,
)


def ranking_jobs_queue(*, schemes, actor=None) -> list[RankingJob]:
    """Queue one compile job per scheme. The jobs run as at most RANKING_COMPILE_WORKERS
    Celery tasks, each compiling a share of the schemes with about the same number of
    entrants in one pass (`shares_by_entrants`, `ranking_jobs_run`): one task per scheme
    would pass over the indicator values once per scheme. The tasks start after this
    commits."""
    from apps.leaders.tasks import compile_jobs  # tasks import this module: a real cycle

    require(actor, "leaders.compile_rankings")
    schemes = list({scheme.pk: scheme for scheme in schemes}.values())
    batch = uuid.uuid4()
    jobs = RankingJob.objects.bulk_create(
        RankingJob(scheme=scheme, batch=batch, requested_by=actor if is_user(actor) else None)
        for scheme in schemes
    )
    job_of_scheme = {job.scheme_id: job.pk for job in jobs}
    for share in shares_by_entrants(schemes, settings.RANKING_COMPILE_WORKERS):
        compile_jobs.delay_on_commit(job_ids=[job_of_scheme[scheme.pk] for scheme in share])
    if jobs:
        audit.record(
            actor=actor,
            action="ranking.queue",
            target=jobs[0],
            changes={"batch": [None, str(batch)], "schemes": [None, len(jobs)]},
        )
    return jobs


def ranking_jobs_run(*, job_ids) -> list[RankingJob]:
    """Run queued jobs as one compile: running → done (each with its ranking) or failed
    (with the error). A job whose scheme is not approved fails alone; any other error fails
    the jobs compiled together, since their compile rolls back whole. The status rows commit
    on their own so staff see progress while the compile runs; a worker killed mid-run leaves
    `running`, and the redelivered task simply runs the jobs again."""
    running = RankingJob.objects.filter(pk__in=job_ids)
    running.update(
        status=JobStatus.RUNNING,
        started_at=timezone.now(),
        finished_at=None,
        error="",
        attempts=models.F("attempts") + 1,
    )
    pending = list(running.select_related("requested_by", "scheme").order_by("pk"))
    while pending:
        refused = [job for job in pending if job.scheme.status != SchemeStatus.APPROVED]
        for job in refused:
            _job_finish([job], JobStatus.FAILED, error=not_compilable(job.scheme).message)
        pending = [job for job in pending if job not in refused]
        if not pending:
            break
        try:
            rankings = rankings_compile(
                schemes=[job.scheme for job in pending], actor=pending[0].requested_by
            )
        except RankingNotCompilable as error:
            # A scheme's status changed after it was read above: the compile rolled back,
            # read the statuses again so that only that scheme's job fails.
            for job in pending:
                job.scheme.refresh_from_db(fields=["status"])
            if all(job.scheme.status == SchemeStatus.APPROVED for job in pending):
                _job_finish(pending, JobStatus.FAILED, error=error.message)
                break
            continue
        except (ValidationError, PermissionDenied) as error:
            message = "; ".join(getattr(error, "messages", [])) or str(error) or repr(error)
            _job_finish(pending, JobStatus.FAILED, error=message)
        except Exception as error:
            _job_finish(pending, JobStatus.FAILED, error=repr(error)[:2000])
            raise
        else:
            for job, ranking in zip(pending, rankings, strict=True):
                _job_finish([job], JobStatus.DONE, ranking=ranking)
        break
    return list(RankingJob.objects.filter(pk__in=job_ids).order_by("pk"))


def _job_finish(jobs, status: str, **fields) -> None:
    RankingJob.objects.filter(pk__in=[job.pk for job in jobs]).update(
        status=status, finished_at=timezone.now(), **fields
    )


def ranking_jobs_requeue_stale(*, now=None) -> list[int]:
    """Send again the jobs whose message was lost (a Redis restart without persistence, a
    worker gone without redelivery): `queued` longer than JOB_STALE_AFTER, or `running`
    longer than the task's hard time limit (no worker can still be on it). A job run twice
    compiles the same ranking again, so a needless resend costs time, never correctness."""
    from apps.leaders.tasks import compile_jobs  # tasks import this module: a real cycle

    now = now or timezone.now()
    stale = RankingJob.objects.filter(
        models.Q(status=JobStatus.QUEUED, queued_at__lt=now - settings.JOB_STALE_AFTER)
        | models.Q(
            status=JobStatus.RUNNING,
            started_at__lt=now - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60),
        )
    )
    job_ids = list(stale.order_by("pk").values_list("pk", flat=True))
    if job_ids:
        RankingJob.objects.filter(pk__in=job_ids).update(status=JobStatus.QUEUED)
        compile_jobs.delay_on_commit(job_ids=job_ids)
        audit.record(
            actor=None,
            action="ranking.requeue",
            target=RankingJob.objects.get(pk=job_ids[0]),
            changes={"jobs": [None, job_ids]},
        )
    return job_ids
