"""Kill a real Celery worker in the middle of a ranking compile, an import and a spot-check
plan generation; restart a worker, which takes the unacknowledged job back: the result equals
an undisturbed run and nothing was half-written. Then: the database drops the portal's
connections and the portal carries on; two staff approve one plan at once."""

import threading
import urllib.request
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from apps.core.imports import services as import_services
from apps.core.models import AuditEntry, ImportRun
from apps.enterprises.models import Enterprise
from apps.evaluators.models import Assessment, SchemeCriterion
from apps.leaders.models import Ranking, RankingJob
from apps.leaders.services.rankings import ranking_compile, rankings_purge_retired
from apps.supervision import services as plan_services
from apps.supervision.models import SpotCheckItem, SpotCheckPlan
from tests.factories.accounts import UserFactory
from tests.factories.enterprises import EnterpriseFactory
from tests.factories.evaluators import (
    StandardFactory,
    approved_scheme,
    evaluator_user,
    indicator_values,
)
from tests.factories.experts import ExpertFactory
from tests.factories.uscc import make_uscc
from tests.faults.processes import WORKER_APP, gunicorn, sessions, sql, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

JOB_TIMEOUT = 60


def _run_killed_then_rerun(workers, pauses, *, table, task, kwargs, written_so_far):
    """Start a worker on the job, wait until it is paused mid-way in its transaction, kill it,
    check nothing of it was written, then let a restarted worker take the job back."""
    pauses.add(table, "job")
    first = workers.start()
    workers.send(task, **kwargs)
    wait_for(lambda: sessions(WORKER_APP, sleeping=True), timeout=JOB_TIMEOUT, what="the pause")
    workers.kill(first)
    written_so_far()
    pauses.release("job")
    workers.start(visibility_timeout=1)


# ---- ranking compile ---------------------------------------------------------------------


def _ranking_snapshot(ranking):
    return [
        (e.standard.standard_no, e.rank, e.score, e.tiers, e.candidate, e.excluded_reason)
        for e in ranking.entries.select_related("standard").order_by("standard__standard_no")
    ]


def test_compile_killed_mid_way_is_rolled_back_and_the_rerun_equals_an_undisturbed_one(
    workers, pauses
):
    scheme = approved_scheme()
    evaluator = evaluator_user(scheme.agency)
    criteria = {c.criterion_code: c for c in SchemeCriterion.objects.filter(scheme=scheme)}
    for n in range(40):
        standard = StandardFactory(
            enterprise=EnterpriseFactory(uscc=make_uscc(7000 + n)), category=scheme.category
        )
        indicator_values(
            standard,
            EFF=86 + n % 12,
            NOISE=54 - n % 11,
            STANDBY=str(Decimal("0.95") - Decimal(n % 9) / 20),
        )
        for code in ("Q1", "Q2"):
            Assessment.objects.create(
                scheme=scheme,
                standard=standard,
                evaluator=evaluator,
                criterion=criteria[code],
                score=Decimal(60 + (n * 7) % 40),
            )
    undisturbed = ranking_compile(scheme=scheme)
    expected = _ranking_snapshot(undisturbed)
    assert len(expected) == 40 and any(row[4] for row in expected)
    audits = AuditEntry.objects.filter(action="ranking.compile").count()

    def nothing_half_written():
        assert list(Ranking.objects.filter(scheme=scheme)) == [undisturbed]
        assert _ranking_snapshot(Ranking.objects.get(pk=undisturbed.pk)) == expected
        assert AuditEntry.objects.filter(action="ranking.compile").count() == audits

    job = RankingJob.objects.create(scheme=scheme)
    _run_killed_then_rerun(
        workers,
        pauses,
        table="leaders_rankingentry",
        task="leaders.compile_jobs",
        kwargs={"job_ids": [job.pk]},
        written_so_far=nothing_half_written,
    )
    rerun = wait_for(
        lambda: (
            Ranking.objects.filter(scheme=scheme, is_current=True)
            .exclude(pk=undisturbed.pk)
            .first()
        ),
        timeout=JOB_TIMEOUT,
        what="the rerun compile",
    )
    assert _ranking_snapshot(rerun) == expected
    job = wait_for(
        lambda: RankingJob.objects.filter(pk=job.pk, status="done").first(),
        timeout=JOB_TIMEOUT,
        what="the job marked done",
    )
    assert (job.attempts, job.ranking_id) == (2, rerun.pk)
    # The rerun superseded the undisturbed ranking; the purge job (queued after its commit on
    # the default queue, which this test's worker does not serve) deletes it.
    assert not Ranking.objects.get(pk=undisturbed.pk).is_current
    rankings_purge_retired()
    assert Ranking.objects.filter(scheme=scheme).count() == 1
    assert AuditEntry.objects.filter(action="ranking.compile").count() == audits + 1


# ---- import ------------------------------------------------------------------------------


def test_import_killed_mid_way_writes_nothing_and_the_rerun_completes_it(workers, pauses):
    staff = UserFactory(role="bureau", is_staff=True)
    rows = [(make_uscc(9000 + n), f"故障测试企业{n:03d}", "chaoyang") for n in range(300)]
    content = "uscc,name,district\n" + "".join(f"{u},{name},{d}\n" for u, name, d in rows)
    run = import_services.import_upload(
        kind="enterprises",
        upload=SimpleUploadedFile("enterprises.csv", content.encode("utf-8")),
        actor=staff,
    )
    run = import_services.import_run_validate(run=run)
    assert run.status == ImportRun.Status.VALIDATED, run.errors
    import_services.import_run_confirm(run=run, actor=staff)

    def nothing_half_written():
        assert Enterprise.objects.count() == 0
        run.refresh_from_db()
        assert run.status == ImportRun.Status.APPLYING  # left by the dead worker

    _run_killed_then_rerun(
        workers,
        pauses,
        table="enterprises_enterprise",
        task="core.import_run_apply",
        kwargs={"run_id": run.pk},
        written_so_far=nothing_half_written,
    )
    wait_for(
        lambda: ImportRun.objects.get(pk=run.pk).finished, timeout=JOB_TIMEOUT, what="the rerun"
    )
    run.refresh_from_db()
    assert run.status == ImportRun.Status.SUCCEEDED, run.errors
    assert (run.created, run.updated, run.unchanged) == (300, 0, 0)
    assert sorted(Enterprise.objects.values_list("uscc", "name", "district")) == sorted(rows)


# ---- spot-check plan ---------------------------------------------------------------------


def _plan_snapshot(plan):
    return list(
        plan.items.order_by("position").values_list(
            "position", "standard_id", "reason", "inspector_1_id", "inspector_2_id"
        )
    )


def test_plan_generation_killed_mid_way_keeps_the_draft_and_the_rerun_equals_it(workers, pauses):
    for n in range(6):
        ExpertFactory(email=f"inspector{n}@example.cn", user=None, roles=["inspector"])
    for n in range(120):
        StandardFactory(enterprise=EnterpriseFactory(uscc=make_uscc(12000 + n)))
    undisturbed = plan_services.plan_generate(year=2027, seed=20270101, rate=Decimal("0.1"))
    expected = _plan_snapshot(undisturbed)
    assert len(expected) == 12

    def nothing_half_written():
        assert list(SpotCheckPlan.objects.all()) == [undisturbed]
        assert _plan_snapshot(undisturbed) == expected
        assert SpotCheckItem.objects.count() == 12

    _run_killed_then_rerun(
        workers,
        pauses,
        table="supervision_spotcheckitem",
        task="supervision.generate_plan",
        kwargs={"year": 2027, "seed": 20270101, "rate": "0.1"},
        written_so_far=nothing_half_written,
    )
    rerun = wait_for(
        lambda: SpotCheckPlan.objects.exclude(pk=undisturbed.pk).filter(year=2027).first(),
        timeout=JOB_TIMEOUT,
        what="the rerun plan",
    )
    assert _plan_snapshot(rerun) == expected
    assert SpotCheckPlan.objects.count() == 1


# ---- database connections dropped --------------------------------------------------------


def _get(url):
    with urllib.request.urlopen(url, timeout=20) as response:  # loopback only
        return response.status, response.read().decode()


def test_portal_recovers_when_the_database_drops_its_connections(transactional_db):
    with gunicorn("faults-web") as base:
        assert _get(f"{base}/standards/")[0] == 200
        dropped = sessions("faults-web")
        assert dropped  # the worker keeps its connection (CONN_MAX_AGE)
        sql("SELECT pg_terminate_backend(pid) FROM unnest(%s::int[]) AS pid", [dropped])
        wait_for(lambda: not set(dropped) & set(sessions("faults-web")), timeout=10, what="drop")
        # The next request finds the connection dead (CONN_HEALTH_CHECKS) and reconnects.
        for path in ["/standards/", "/", "/healthz"]:
            assert _get(f"{base}{path}")[0] == 200, path
        assert sessions("faults-web") and not set(dropped) & set(sessions("faults-web"))


# ---- two staff, one plan -----------------------------------------------------------------


def test_two_staff_approving_one_plan_at_once_one_wins_one_is_told(pauses):
    for n in range(4):
        ExpertFactory(email=f"inspector{n}@example.cn", user=None, roles=["inspector"])
    for n in range(10):
        StandardFactory(enterprise=EnterpriseFactory(uscc=make_uscc(15000 + n)))
    plan = plan_services.plan_generate(year=2028, seed=7, rate=Decimal("0.2"))
    staff = [UserFactory(role="bureau", is_staff=True) for _ in range(2)]
    # Hold the first approval inside its transaction for a moment, so the second one
    # really arrives while the first is under way.
    sql("CREATE TABLE IF NOT EXISTS faults_pause (name text PRIMARY KEY)")
    sql(
        "CREATE OR REPLACE FUNCTION faults_slow() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN PERFORM pg_sleep(1); RETURN NULL; END $$"
    )
    sql(
        "CREATE TRIGGER faults_slow AFTER UPDATE ON supervision_spotcheckplan "
        "FOR EACH STATEMENT EXECUTE FUNCTION faults_slow()"
    )
    barrier = threading.Barrier(2)
    outcomes = {}

    def approve(user):
        try:
            barrier.wait()
            plan_services.plan_approve(plan=SpotCheckPlan.objects.get(pk=plan.pk), actor=user)
            outcomes[user.pk] = "approved"
        except ValidationError as error:
            outcomes[user.pk] = " ".join(error.messages)
        finally:
            connection.close()

    try:
        threads = [threading.Thread(target=approve, args=(user,)) for user in staff]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        sql("DROP TRIGGER IF EXISTS faults_slow ON supervision_spotcheckplan")
        sql("DROP FUNCTION IF EXISTS faults_slow()")
    assert sorted(outcomes.values()) == sorted(["approved", "该抽查计划已批准"])
    plan.refresh_from_db()
    assert plan.status == "approved"
    assert AuditEntry.objects.filter(action="spotcheck.approve").count() == 1
