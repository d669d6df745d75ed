"""Notifications (outbox, email after commit), compile jobs and the certificate."""

import datetime
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from apps.evaluators.models import Scheme
from apps.leaders import tasks
from apps.leaders.models import Leader, Notification, Ranking, RankingJob
from apps.leaders.services import jobs as jobs_service
from apps.leaders.services.candidate_lists import candidate_list_transition, notices_close
from apps.leaders.services.jobs import ranking_jobs_queue
from apps.leaders.services.rankings import ranking_compile, rankings_compile
from apps.leaders.services.titles import leader_revoke
from tests.factories.enterprises import MembershipFactory
from tests.factories.evaluators import approved_scheme
from tests.factories.leaders import LeaderFactory
from tests.factories.lifecycle import list_in_notice, ranked_scheme

pytestmark = pytest.mark.django_db


def kinds():
    return sorted(Notification.objects.values_list("kind", flat=True))


def test_ranking_out_notifies_each_entrant_enterprise_once_by_email_after_commit(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        scheme = ranked_scheme(entrants=3)
    assert kinds() == ["ranking_out"] * 3
    assert len(callbacks) >= 1
    assert Notification.objects.filter(status="sent").count() == 3
    # A recompile does not tell them again.
    with django_capture_on_commit_callbacks(execute=True):
        ranking_compile(scheme=scheme)
    assert Notification.objects.count() == 3


def test_email_goes_to_contact_and_active_members(django_capture_on_commit_callbacks):
    leader = LeaderFactory(valid_until=datetime.date(2030, 1, 1))
    enterprise = leader.standard.enterprise
    enterprise.contact_email = "Contact@Firm.cn"
    enterprise.save()
    member = MembershipFactory(enterprise=enterprise).user
    with django_capture_on_commit_callbacks(execute=True):
        leader_revoke(leader=leader, reason="监督抽查不合格", actor=None)
    (message,) = mail.outbox
    assert sorted(message.to) == sorted(["contact@firm.cn", member.email])
    assert "监督抽查不合格" in message.body
    assert f"/leaders/{leader.verification_code}/" in message.body
    notification = Notification.objects.get()
    assert (notification.kind, notification.status, notification.attempts) == (
        "revoked",
        "sent",
        1,
    )


def test_notifications_wait_for_the_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ranked_scheme(entrants=3)
    assert Notification.objects.count() == 0
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    assert Notification.objects.filter(status="sent").count() == 3


def test_enterprise_without_email_is_told_in_the_portal_only(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        ranked_scheme(entrants=3)
    assert mail.outbox == []
    assert set(Notification.objects.values_list("status", "error")) == {
        ("sent", "企业未登记邮箱，仅在平台内通知")
    }


def test_lifecycle_notifies_candidates_notice_start_end_and_publication(bureau_user):
    scheme = ranked_scheme(entrants=3)
    Notification.objects.all().delete()
    candidate_list = list_in_notice(scheme, bureau_user)
    assert kinds() == ["candidate"] * 3 + ["notice_start"] * 3
    day = candidate_list.notice_ends_on + datetime.timedelta(days=1)
    assert notices_close(today=candidate_list.notice_ends_on) == 0
    assert notices_close(today=day) == 1
    assert notices_close(today=day) == 0  # once per list
    candidate_list_transition(
        candidate_list=candidate_list, to="published", actor=bureau_user, today=day
    )
    assert (
        kinds() == ["candidate"] * 3 + ["notice_end"] * 3 + ["notice_start"] * 3 + ["published"] * 3
    )


def test_publication_sends_notice_end_when_the_daily_job_has_not(bureau_user):
    candidate_list = list_in_notice(ranked_scheme(entrants=3), bureau_user)
    candidate_list_transition(
        candidate_list=candidate_list,
        to="published",
        actor=bureau_user,
        today=candidate_list.notice_ends_on + datetime.timedelta(days=1),
    )
    assert Notification.objects.filter(kind="notice_end").count() == 3


def test_enterprise_sees_its_own_notices_only(client, enterprise_user, other_enterprise_user):
    mine = enterprise_user.membership.enterprise
    theirs = other_enterprise_user.membership.enterprise
    Notification.objects.create(enterprise=mine, kind="candidate", subject="我的通知", body="正文")
    Notification.objects.create(enterprise=theirs, kind="candidate", subject="别人的通知", body="x")
    client.force_login(enterprise_user)
    page = client.get("/workspace/notifications/").content.decode()
    assert "我的通知" in page and "别人的通知" not in page


# ---------------------------------------------------------------- compile jobs


def test_year_fan_out_records_job_progress_and_timing(
    bureau_user, django_capture_on_commit_callbacks
):
    first = approved_scheme(year=2026)
    second = approved_scheme(year=2026)
    with django_capture_on_commit_callbacks(execute=True):
        jobs = ranking_jobs_queue(schemes=[first, second], actor=bureau_user)
    assert len({job.batch for job in jobs}) == 1
    for job in RankingJob.objects.all():
        assert job.status == "done"
        assert job.attempts == 1
        assert job.started_at <= job.finished_at
        assert job.ranking.scheme_id == job.scheme_id
        assert job.duration is not None


def test_year_fan_out_runs_as_one_task_per_share_not_per_scheme(
    bureau_user, settings, django_capture_on_commit_callbacks
):
    """A year's jobs run as RANKING_COMPILE_WORKERS tasks, each compiling its share of the
    schemes in one pass; every scheme's job ends done with its own ranking."""
    settings.RANKING_COMPILE_WORKERS = 2
    schemes = [approved_scheme(year=2026) for _ in range(3)]
    with (
        mock.patch.object(tasks.compile_jobs, "delay") as delay,
        django_capture_on_commit_callbacks(execute=True),
    ):
        jobs = ranking_jobs_queue(schemes=schemes, actor=bureau_user)
    shares = [call.kwargs["job_ids"] for call in delay.call_args_list]
    assert len(shares) == 2
    assert sorted(job_id for share in shares for job_id in share) == sorted(j.pk for j in jobs)
    assert RankingJob.objects.filter(status="queued").count() == 3
    for share in shares:
        tasks.compile_jobs(job_ids=share)
    for job in RankingJob.objects.select_related("ranking"):
        assert (job.status, job.attempts) == ("done", 1)
        assert job.ranking.scheme_id == job.scheme_id and job.ranking.is_current


def test_a_scheme_not_approved_fails_alone_in_its_share(
    bureau_user, settings, django_capture_on_commit_callbacks
):
    settings.RANKING_COMPILE_WORKERS = 1
    approved = approved_scheme(year=2026)
    draft = approved_scheme(year=2026, status="draft")
    with django_capture_on_commit_callbacks(execute=True):
        ranking_jobs_queue(schemes=[approved, draft], actor=bureau_user)
    done = RankingJob.objects.get(scheme=approved)
    failed = RankingJob.objects.get(scheme=draft)
    assert done.status == "done" and done.ranking.scheme_id == approved.pk
    assert failed.status == "failed" and draft.scheme_code in failed.error
    assert "尚未批准" in failed.error and failed.ranking is None


def test_a_scheme_unapproved_while_its_share_waits_fails_alone(
    bureau_user, settings, django_capture_on_commit_callbacks
):
    """The status is checked again under the compile's locks: a scheme whose approval is
    withdrawn between the job's start and the compile fails alone, the others compile."""
    settings.RANKING_COMPILE_WORKERS = 1
    staying, withdrawn = approved_scheme(year=2026), approved_scheme(year=2026)
    with django_capture_on_commit_callbacks(execute=False):
        jobs = ranking_jobs_queue(schemes=[staying, withdrawn], actor=bureau_user)
    real_compile = rankings_compile
    calls = []

    def withdraw_first(**kwargs):
        if not calls:
            Scheme.objects.filter(pk=withdrawn.pk).update(status="draft")
        calls.append([scheme.pk for scheme in kwargs["schemes"]])
        return real_compile(**kwargs)

    with mock.patch.object(jobs_service, "rankings_compile", side_effect=withdraw_first):
        tasks.compile_jobs(job_ids=[job.pk for job in jobs])
    assert calls == [sorted([staying.pk, withdrawn.pk]), [staying.pk]]
    assert RankingJob.objects.get(scheme=staying).status == "done"
    failed = RankingJob.objects.get(scheme=withdrawn)
    assert failed.status == "failed" and withdrawn.scheme_code in failed.error
    assert not Ranking.objects.filter(scheme=withdrawn).exists()


def test_a_scheme_queued_twice_is_one_job(bureau_user, django_capture_on_commit_callbacks):
    scheme = approved_scheme(year=2026)
    with django_capture_on_commit_callbacks(execute=True):
        jobs = ranking_jobs_queue(schemes=[scheme, scheme], actor=bureau_user)
    assert len(jobs) == 1
    assert RankingJob.objects.get().status == "done"


def test_a_message_of_the_earlier_per_scheme_task_still_runs_its_job():
    scheme = ranked_scheme(entrants=2)
    job = RankingJob.objects.create(scheme=scheme)
    ranking_id = tasks.compile_scheme(scheme_id=scheme.pk, job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.ranking_id) == ("done", ranking_id)


def test_an_unexpected_error_fails_the_share_and_reaches_the_worker(
    bureau_user, settings, django_capture_on_commit_callbacks
):
    """The share's compile rolls back whole, so each of its jobs says so; the task raises
    (the worker logs it) and nothing is half-written."""
    settings.RANKING_COMPILE_WORKERS = 1
    schemes = [approved_scheme(year=2026) for _ in range(2)]
    with django_capture_on_commit_callbacks(execute=False):
        jobs = ranking_jobs_queue(schemes=schemes, actor=bureau_user)
    with (
        mock.patch.object(jobs_service, "rankings_compile", side_effect=RuntimeError("disk full")),
        pytest.raises(RuntimeError),
    ):
        tasks.compile_jobs(job_ids=[job.pk for job in jobs])
    for job in RankingJob.objects.all():
        assert job.status == "failed" and "disk full" in job.error
    assert not Ranking.objects.exists()


def test_failed_job_records_the_reason(bureau_user, django_capture_on_commit_callbacks):
    draft = approved_scheme(status="draft")
    with django_capture_on_commit_callbacks(execute=True):
        ranking_jobs_queue(schemes=[draft], actor=bureau_user)
    job = RankingJob.objects.get()
    assert job.status == "failed"
    assert "尚未批准" in job.error


def test_rerun_of_a_job_gives_the_same_ranking():
    """A worker killed mid-run leaves the job `running`; the redelivered task runs it again
    and the result is the same as an undisturbed run."""
    scheme = ranked_scheme(entrants=4)
    expected = list(
        scheme.rankings.get(is_current=True)
        .entries.order_by("position")
        .values_list("standard_id", "rank", "score", "candidate")
    )
    job = RankingJob.objects.create(scheme=scheme, status="running", attempts=1)
    tasks.compile_jobs(job_ids=[job.pk])
    job.refresh_from_db()
    assert (job.status, job.attempts) == ("done", 2)
    assert (
        list(
            job.ranking.entries.order_by("position").values_list(
                "standard_id", "rank", "score", "candidate"
            )
        )
        == expected
    )


def test_due_schemes_are_those_past_cutoff_without_a_later_ranking():
    today = timezone.localdate()
    past = approved_scheme(year=today.year - 1)  # cutoff 31 Dec last year
    approved_scheme(year=today.year + 1)  # cutoff not reached
    approved_scheme(year=today.year - 1, status="draft")
    compiled = approved_scheme(year=today.year - 1)
    ranking_compile(scheme=compiled)
    from apps.leaders.selectors import schemes_due_for_compile

    assert schemes_due_for_compile(today=today) == [past]
    queued = RankingJob.objects.create(scheme=past)
    assert schemes_due_for_compile(today=today) == []
    queued.status = "failed"
    queued.save()
    assert schemes_due_for_compile(today=today) == [past]


def test_daily_compile_task_queues_and_runs_due_schemes(django_capture_on_commit_callbacks):
    past = approved_scheme(year=timezone.localdate().year - 1)
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.compile_due() == 1
    assert RankingJob.objects.get().status == "done"
    assert past.rankings.filter(is_current=True).exists()


# ---------------------------------------------------------------- certificate


def test_certificate_is_a_pdf_with_the_code(client):
    leader = LeaderFactory(valid_until=datetime.date(2030, 1, 1))
    response = client.get(f"/leaders/{leader.verification_code}/certificate.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert leader.verification_code.encode() in response.content
    assert b"/FontFile2" in response.content  # the CJK font is embedded (test_certificate.py)


def test_certificate_unknown_code_is_404(client):
    assert client.get("/leaders/NOPE/certificate.pdf").status_code == 404


def test_published_leader_page_links_certificate_and_mark(client, bureau_user):
    candidate_list = list_in_notice(ranked_scheme(entrants=3), bureau_user)
    candidate_list_transition(
        candidate_list=candidate_list,
        to="published",
        actor=bureau_user,
        today=candidate_list.notice_ends_on + datetime.timedelta(days=1),
    )
    leader = Leader.objects.first()
    page = client.get(f"/leaders/{leader.verification_code}/").content.decode()
    assert f"/leaders/{leader.verification_code}/certificate.pdf" in page
    assert "leader-mark" in page
