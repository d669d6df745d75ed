"""Jobs never strand: a background job whose Celery message was lost (Redis restarted with no
persistence, a worker gone without redelivery) is sent again by the quarter-hourly sweeps."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.core.imports.services import import_runs_requeue_stale
from apps.core.models import AuditEntry, ImportRun
from apps.leaders.enums import JobStatus
from apps.leaders.models import RankingJob
from apps.leaders.services.jobs import ranking_jobs_requeue_stale
from tests.factories.evaluators import approved_scheme
from tests.imports.test_admin import GOOD, upload

pytestmark = pytest.mark.django_db

LATER = timedelta(hours=3)


def test_a_compile_job_whose_message_was_lost_is_compiled_by_the_sweep(
    django_capture_on_commit_callbacks,
):
    scheme = approved_scheme()
    job = RankingJob.objects.create(scheme=scheme)  # queued; its message never arrived
    assert ranking_jobs_requeue_stale() == []  # not stale yet
    with django_capture_on_commit_callbacks(execute=True):
        requeued = ranking_jobs_requeue_stale(now=timezone.now() + LATER)
    job.refresh_from_db()
    assert requeued == [job.pk]
    assert (job.status, job.attempts) == (JobStatus.DONE, 1)
    assert job.ranking is not None
    assert AuditEntry.objects.filter(action="ranking.requeue").count() == 1


def test_a_running_job_is_only_requeued_past_the_tasks_hard_time_limit(settings):
    job = RankingJob.objects.create(
        scheme=approved_scheme(), status=JobStatus.RUNNING, started_at=timezone.now()
    )
    limit = timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT)
    assert ranking_jobs_requeue_stale(now=timezone.now() + limit - LATER / 3) == []
    assert ranking_jobs_requeue_stale(now=timezone.now() + limit + LATER) == [job.pk]


def test_done_and_failed_jobs_are_left_alone():
    scheme = approved_scheme()
    RankingJob.objects.create(scheme=scheme, status=JobStatus.DONE)
    RankingJob.objects.create(scheme=scheme, status=JobStatus.FAILED)
    assert ranking_jobs_requeue_stale(now=timezone.now() + LATER) == []


def test_a_background_import_whose_message_was_lost_is_finished_by_the_sweep(
    client_for, bureau_user, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_BACKGROUND_THRESHOLD = 10
    client = client_for(bureau_user)
    upload(client, GOOD)  # the on-commit send never happens: the message is "lost"
    run = ImportRun.objects.get()
    assert run.status == "queued"
    with django_capture_on_commit_callbacks(execute=True):
        assert import_runs_requeue_stale(now=timezone.now() + LATER) == [run.pk]
    run.refresh_from_db()
    assert run.status == "validated"
    client.post(reverse("admin:core_importrun_confirm", args=[run.pk]))  # apply message lost
    with django_capture_on_commit_callbacks(execute=True):
        assert import_runs_requeue_stale(now=timezone.now() + LATER) == [run.pk]
    run.refresh_from_db()
    assert (run.status, run.created) == ("succeeded", 2)


def test_routes_send_imports_and_compiles_to_their_own_queues():
    from config.celery import app

    router = app.amqp.router
    queue = {
        name: router.route({}, name)["queue"].name
        for name in ["core.import_run_apply", "leaders.compile_jobs", "portal.refresh_statistics"]
    }
    assert queue == {
        "core.import_run_apply": "imports",
        "leaders.compile_jobs": "compile",
        "portal.refresh_statistics": "default",
    }
