import json
import math
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from apps.core import audit, signals
from apps.core.workflow import SYSTEM, Workflow
from apps.leaders import notifications, ranking_sql
from apps.leaders.enums import (
    OPEN_OBJECTION_STATUSES,
    CandidateListStatus,
    CandidateStatus,
    JobStatus,
    LeaderStatus,
    NotificationKind,
    ObjectionStatus,
)
from apps.leaders.models import (
    Candidate,
    CandidateList,
    Leader,
    Objection,
    Ranking,
    RankingJob,
)

# The leader title's workflow, as data: staff revoke (by hand, or a failed spot check);
# the nightly job expires.
LEADER = Workflow(
    "leader",
    LeaderStatus,
    noun=pgettext_lazy("workflow", "领跑者"),
    transitions={
        (LeaderStatus.ACTIVE, LeaderStatus.REVOKED): "leaders.revoke_leader",
        (LeaderStatus.ACTIVE, LeaderStatus.EXPIRED): SYSTEM,
        (LeaderStatus.EXPIRED, LeaderStatus.REVOKED): "leaders.revoke_leader",
    },
)


def leader_transition_refused(current: str, target: str) -> str:
    """The message for a move the workflow does not allow: the page's and the import's."""
    return LEADER.refusal(current, target)


def _change_status(leader: Leader, target: str, *, actor, action: str, **fields) -> Leader:
    LEADER.check(leader, target, actor)
    old = leader.status
    leader.status = target
    for name, value in fields.items():
        setattr(leader, name, value)
    leader.save(update_fields=["status", *fields, "updated_at"])
    audit.record(
        actor=actor,
        action=action,
        target=leader,
        changes={"status": [old, target], **{k: [None, v] for k, v in fields.items()}},
    )
    return leader


def leader_revocable(leader: Leader) -> bool:
    """Whether the title's workflow allows a revocation from its current status."""
    return LEADER.allows(leader.status, LeaderStatus.REVOKED)


@transaction.atomic
def leader_revoke(*, leader: Leader, reason: str, actor, on: date | None = None) -> Leader:
    """The one way a title is revoked, by bureau staff on the title's staff page or after a
    failed spot check (apps.supervision): publicly, with date and reason. The title's page
    and certificate say so from then on; the enterprise is told (outbox, email after
    commit) and the news app publishes an announcement (core.signals.leader_title_revoked)."""
    if actor is not None and not actor.has_perm("leaders.revoke_leader", leader):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("撤销领跑者必须填写理由")})
    limit = Leader._meta.get_field("revocation_reason").max_length
    if len(reason) > limit:
        message = _("撤销理由不能超过 %(n)d 个字（现有 %(m)d 个）")
        raise ValidationError({"reason": message % {"n": limit, "m": len(reason)}})
    leader = (
        Leader.objects.select_for_update(of=("self",))
        .select_related("category", "standard__enterprise")
        .get(pk=leader.pk)
    )
    leader = _change_status(
        leader,
        LeaderStatus.REVOKED,
        actor=actor,
        action="leader.revoke",
        revoked_on=on or timezone.localdate(),
        revocation_reason=reason,
    )
    standard = leader.standard
    url = reverse("leaders:leader_detail", args=[leader.verification_code])
    notifications.notify(
        enterprises=[standard.enterprise],
        kind=NotificationKind.REVOKED,
        subject=_("%(year)s年度领跑者称号已撤销：%(no)s")
        % {"year": leader.year, "no": standard.standard_no},
        body=_("您企业标准 %(no)s 的 %(year)s 年度领跑者称号已于 %(day)s 撤销。理由：%(reason)s")
        % {
            "no": standard.standard_no,
            "year": leader.year,
            "day": leader.revoked_on,
            "reason": leader.revocation_reason,
        },
        link=url,
    )
    signals.leader_title_revoked.send(
        sender=Leader,
        instance=leader,
        year=leader.year,
        title=_("%(enterprise)s %(no)s %(year)d 年度企业标准领跑者称号")
        % {"enterprise": standard.enterprise.name, "no": standard.standard_no, "year": leader.year},
        url=url,
        revoked_on=leader.revoked_on,
        reason=leader.revocation_reason,
        actor=actor if _is_user(actor) else None,
    )
    return leader


@transaction.atomic
def leaders_expire(*, today: date | None = None) -> int:
    """Mark every active title past its validity as expired (nightly beat job)."""
    today = today or timezone.localdate()
    expired = list(
        Leader.objects.select_for_update().filter(status=LeaderStatus.ACTIVE, valid_until__lt=today)
    )
    for leader in expired:
        _change_status(leader, LeaderStatus.EXPIRED, actor=None, action="leader.expire")
    return len(expired)


# ---------------------------------------------------------------------------------------------
# Rankings (CONTRACT.md §3)


class RankingNotCompilable(ValidationError):
    pass


def _not_compilable(scheme) -> RankingNotCompilable:
    return RankingNotCompilable(
        _("方案 %(code)s 尚未批准，不能编制排行榜") % {"code": scheme.scheme_code}
    )


def ranking_compile(*, scheme, actor=None) -> Ranking:
    """Compile one approved scheme's ranking and candidates (see `rankings_compile`)."""
    return rankings_compile(schemes=[scheme], actor=actor)[0]


@transaction.atomic
def rankings_compile(*, schemes, actor=None) -> list[Ranking]:
    """Compile approved schemes' rankings and candidates set-based (three statements, see
    `ranking_sql`), replacing each scheme's current ranking atomically. Row locks on the
    schemes (taken in id order) make concurrent compiles of a scheme run one after the
    other; a compile interrupted anywhere rolls back whole, so a rerun gives the same result
    as an undisturbed run."""
    from apps.evaluators import services as evaluator_services
    from apps.evaluators.enums import SchemeStatus
    from apps.evaluators.models import Scheme

    locked = list(
        Scheme.objects.select_for_update().filter(pk__in=[s.pk for s in schemes]).order_by("pk")
    )
    for scheme in locked:
        if scheme.status != SchemeStatus.APPROVED:
            raise _not_compilable(scheme)
    if not locked:
        return []
    compiled_by = actor if _is_user(actor) else None
    rankings = {}
    for scheme in locked:
        _retire_current_ranking(scheme)
        rankings[scheme.pk] = Ranking.objects.create(scheme=scheme, compiled_by=compiled_by)
    scheme_ids = [s.pk for s in locked]
    with connection.cursor() as cursor:
        # JIT compiling these many-branched statements costs more than it saves, every time;
        # the per-standard aggregate of the core values wants its hash tables in memory.
        cursor.execute("SELECT set_config('jit', 'off', true)")
        cursor.execute(
            "SELECT set_config('work_mem', %s, true)", [settings.RANKING_COMPILE_WORK_MEM]
        )
        cursor.execute("DROP TABLE IF EXISTS ranking_compile_core, ranking_compile_qual")
        criteria, core_codes = _core_criteria_arrays(scheme_ids)
        # Up to 31 core criteria a scheme, the packed tiers fit a bigint (cheaper to sum).
        slot_type = "bigint" if max(criteria["slot_values"], default=1) < 4**31 else "numeric"
        cursor.execute(
            ranking_sql.CORE_PER_STANDARD.format(slot_type=slot_type),
            {"scheme_ids": scheme_ids, **criteria},
        )
        qualitative = _qualitative_criteria(scheme_ids)
        common_multiple = _scores_common_multiple(cursor, scheme_ids)
        cursor.execute(
            ranking_sql.QUAL_PER_STANDARD,
            {
                "scheme_ids": scheme_ids,
                "qual_ids": [c.pk for c in qualitative],
                "qual_weights": [c.weight for c in qualitative],
                "common_multiple": common_multiple,
            },
        )
        cursor.execute("ANALYZE ranking_compile_core")
        cursor.execute("ANALYZE ranking_compile_qual")
        # Its CTEs hide their sizes from the planner, which then sorts millions of rows to
        # merge-join them with a few hundred; hash joins are right at every scale.
        cursor.execute("SELECT set_config('enable_mergejoin', 'off', true)")
        cursor.execute(
            ranking_sql.RANK_AND_INSERT,
            {
                "scheme_ids": scheme_ids,
                "ranking_ids": [rankings[pk].pk for pk in scheme_ids],
                "max_leaders": [s.max_leaders for s in locked],
                "min_participants": [s.min_participants for s in locked],
                "qual_counts": [
                    sum(1 for c in qualitative if c.scheme_id == pk) for pk in scheme_ids
                ],
                "core_codes": [json.dumps(core_codes.get(pk, [])) for pk in scheme_ids],
                "common_multiple": common_multiple,
            },
        )
        totals = {row[0]: row[1:] for row in cursor.fetchall()}
        cursor.execute("RESET enable_mergejoin")
        cursor.execute("DROP TABLE ranking_compile_core, ranking_compile_qual")
    for scheme in locked:
        ranking = rankings[scheme.pk]
        ranking.entrants, ranking.participants, candidates = totals.get(ranking.pk, (0, 0, 0))
        ranking.save(update_fields=["entrants", "participants"])
        first_results = scheme.results_published_at is None
        # From the first compile on, each enterprise sees its own scores and rejection reasons.
        evaluator_services.scheme_results_publish(scheme=scheme, actor=compiled_by)
        if first_results:
            # Telling every entrant enterprise is its own job after commit: the compile stays
            # set-based work even at national scale.
            from apps.leaders.tasks import notify_ranking_out

            notify_ranking_out.delay_on_commit(scheme_id=scheme.pk)
        audit.record(
            actor=actor,
            action="ranking.compile",
            target=ranking,
            changes={
                "scheme": [None, scheme.scheme_code],
                "entrants": [None, ranking.entrants],
                "participants": [None, ranking.participants],
                "candidates": [None, candidates],
            },
        )
    return [rankings[s.pk] for s in schemes]


def rankings_compile_parallel(*, schemes, actor=None, workers: int | None = None) -> list[Ranking]:
    """Compile many schemes as `workers` concurrent transactions (RANKING_COMPILE_WORKERS,
    default 2: one per core), each a `rankings_compile` of a share of the schemes with about
    the same number of entrants, on its own database connection. The statements that insert
    the entries run on one core each, so two shares take about half the time of one; each
    scheme's ranking is still replaced atomically, and a failed share rolls back alone (the
    rerun is idempotent). Inside a transaction already (or with one worker) it is one
    `rankings_compile`: the caller's transaction would not be visible to other connections."""
    workers = workers or settings.RANKING_COMPILE_WORKERS
    shares = _shares_by_entrants(schemes, workers)
    if len(shares) <= 1 or connection.in_atomic_block:
        return rankings_compile(schemes=schemes, actor=actor)

    def compile_share(share):
        try:
            return rankings_compile(schemes=share, actor=actor)
        finally:
            connections.close_all()  # this thread's own connection

    with ThreadPoolExecutor(max_workers=len(shares)) as pool:
        compiled = [ranking for share in pool.map(compile_share, shares) for ranking in share]
    by_scheme = {ranking.scheme_id: ranking for ranking in compiled}
    return [by_scheme[scheme.pk] for scheme in schemes]


def _shares_by_entrants(schemes, workers: int) -> list[list]:
    """Split schemes into at most `workers` non-empty shares of about equal entrants (the
    public standards of each scheme's category): largest first, each to the lightest share."""
    from apps.declarations.enums import StandardStatus
    from apps.declarations.models import Standard

    if workers <= 1 or len(schemes) <= 1:
        return [list(schemes)] if schemes else []
    sizes = dict(
        Standard.objects.filter(
            status=StandardStatus.PUBLIC, category_id__in={s.category_id for s in schemes}
        )
        .values_list("category_id")
        .annotate(n=models.Count("id"))
        .order_by()
    )
    shares: list[tuple[int, list]] = [(0, []) for _ in range(min(workers, len(schemes)))]
    for scheme in sorted(schemes, key=lambda s: (-sizes.get(s.category_id, 0), s.pk)):
        lightest = min(range(len(shares)), key=lambda i: shares[i][0])
        total, members = shares[lightest]
        shares[lightest] = (total + sizes.get(scheme.category_id, 0) + 1, [*members, scheme])
    return [members for _, members in shares if members]


def _core_criteria_arrays(scheme_ids) -> tuple[dict[str, list], dict[int, list[str]]]:
    """The schemes' core criteria as parallel arrays for `CORE_PER_STANDARD`: weights in
    whole cents (weights have two decimal places) and each criterion's slot value 4^slot
    (slot: its place among its scheme's core criteria, by position)."""
    from apps.evaluators.models import SchemeCriterion

    criteria = (
        SchemeCriterion.objects.filter(scheme_id__in=scheme_ids, kind="core")
        .select_related("indicator")
        .order_by("scheme_id", "position", "id")
    )
    arrays = {
        name: []
        for name in (
            "criterion_scheme_ids",
            "indicator_ids",
            "weight_cents",
            "baselines",
            "advanced",
            "leading",
            "higher",
            "slot_values",
        )
    }
    codes: dict[int, list[str]] = {}
    slot, previous_scheme = 0, None
    for criterion in criteria:
        slot = slot + 1 if criterion.scheme_id == previous_scheme else 0
        previous_scheme = criterion.scheme_id
        arrays["criterion_scheme_ids"].append(criterion.scheme_id)
        arrays["indicator_ids"].append(criterion.indicator_id)
        arrays["weight_cents"].append(int(criterion.weight * 100))
        arrays["baselines"].append(criterion.baseline)
        arrays["advanced"].append(criterion.advanced)
        arrays["leading"].append(criterion.leading)
        arrays["higher"].append(criterion.indicator.direction == "higher")
        arrays["slot_values"].append(4**slot)
        codes.setdefault(criterion.scheme_id, []).append(criterion.criterion_code)
    return arrays, codes


def _scores_common_multiple(cursor, scheme_ids) -> int:
    """A common multiple of every possible number of scores of one criterion of one standard:
    lcm(1..E), E the most evaluators who scored any one of the schemes (an evaluator scores a
    criterion of a standard at most once)."""
    cursor.execute(
        "SELECT coalesce(max(n), 1) FROM (SELECT count(DISTINCT evaluator_id) AS n "
        "FROM evaluators_assessment WHERE scheme_id = ANY(%s) AND decision = 'accept' "
        "GROUP BY scheme_id) per_scheme",
        [scheme_ids],
    )
    return math.lcm(*range(1, cursor.fetchone()[0] + 1))


def _qualitative_criteria(scheme_ids) -> list:
    from apps.evaluators.models import SchemeCriterion

    return list(SchemeCriterion.objects.filter(scheme_id__in=scheme_ids, kind="qualitative"))


def _retire_current_ranking(scheme) -> None:
    """The previous current ranking stops being current. Its entries (millions for a national
    scheme) are deleted after commit by `purge_retired_rankings`, unless a candidate list was
    made from it: the compile itself only flips a flag."""
    retired = Ranking.objects.filter(scheme=scheme, is_current=True).update(is_current=False)
    if retired:
        from apps.leaders.tasks import purge_retired_rankings

        purge_retired_rankings.delay_on_commit()


# Entries deleted per statement when purging, so no one transaction grows huge.
PURGE_BATCH = 50_000


def rankings_purge_retired() -> int:
    """Delete the rankings that are no longer current and that no candidate list refers to,
    with their entries (in batches); returns how many rankings went."""
    purged = 0
    for ranking in Ranking.objects.filter(is_current=False).exclude(
        pk__in=CandidateList.objects.values("ranking_id")
    ):
        with connection.cursor() as cursor:
            while True:
                cursor.execute(
                    "DELETE FROM leaders_rankingentry WHERE id IN (SELECT id FROM "
                    "leaders_rankingentry WHERE ranking_id = %s LIMIT %s)",
                    [ranking.pk, PURGE_BATCH],
                )
                if cursor.rowcount < PURGE_BATCH:
                    break
        # Candidate lists are made only from current rankings, so none can refer to it now.
        ranking.delete()
        purged += 1
    return purged


def _is_user(actor) -> bool:
    return bool(getattr(actor, "is_authenticated", False))


def _require(actor, perm: str, obj=None) -> None:
    if actor is not None and not actor.has_perm(perm, obj):
        raise PermissionDenied


# ---------------------------------------------------------------------------------------------
# Compile jobs: a year's fan-out, visible to staff


def ranking_jobs_queue(*, schemes, actor=None) -> list[RankingJob]:
    """Queue one compile job per scheme. The jobs run as at most RANKING_COMPILE_WORKERS
    Celery tasks, each compiling a share of the schemes with about the same number of
    entrants in one pass (`_shares_by_entrants`, `ranking_jobs_run`): one task per scheme
    would pass over the indicator values once per scheme. The tasks start after this
    commits."""
    from apps.leaders.tasks import compile_jobs

    _require(actor, "leaders.compile_rankings")
    schemes = list({scheme.pk: scheme for scheme in schemes}.values())
    batch = uuid.uuid4()
    jobs = RankingJob.objects.bulk_create(
        RankingJob(scheme=scheme, batch=batch, requested_by=actor if _is_user(actor) else None)
        for scheme in schemes
    )
    job_of_scheme = {job.scheme_id: job.pk for job in jobs}
    for share in _shares_by_entrants(schemes, settings.RANKING_COMPILE_WORKERS):
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
    from apps.evaluators.enums import SchemeStatus

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
            _job_finish([job], JobStatus.FAILED, error=_not_compilable(job.scheme).message)
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
    from apps.leaders.tasks import compile_jobs

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


# ---------------------------------------------------------------------------------------------
# Candidate lists: snapshot → expert review → public notice → publication

# The candidate list's workflow, as data. Every status change goes through
# `candidate_list_transition`; `_GUARDS` hold the refusals that depend on more than the
# current status.
MANAGE_LISTS = "leaders.manage_candidate_lists"
CANDIDATE_LIST = Workflow(
    "candidate_list",
    CandidateListStatus,
    noun=pgettext_lazy("workflow", "候选名单"),
    transitions={
        (CandidateListStatus.DRAFT, CandidateListStatus.EXPERT_REVIEW): MANAGE_LISTS,
        (CandidateListStatus.DRAFT, CandidateListStatus.WITHDRAWN): MANAGE_LISTS,
        # The experts' majority moves it on (`candidate_list_review_closed`).
        (CandidateListStatus.EXPERT_REVIEW, CandidateListStatus.REVIEWED): SYSTEM,
        (CandidateListStatus.EXPERT_REVIEW, CandidateListStatus.RETURNED): SYSTEM,
        (CandidateListStatus.RETURNED, CandidateListStatus.EXPERT_REVIEW): MANAGE_LISTS,
        (CandidateListStatus.RETURNED, CandidateListStatus.WITHDRAWN): MANAGE_LISTS,
        (CandidateListStatus.REVIEWED, CandidateListStatus.NOTICE): MANAGE_LISTS,
        (CandidateListStatus.REVIEWED, CandidateListStatus.WITHDRAWN): MANAGE_LISTS,
        (CandidateListStatus.NOTICE, CandidateListStatus.PUBLISHED): MANAGE_LISTS,
        (CandidateListStatus.NOTICE, CandidateListStatus.WITHDRAWN): MANAGE_LISTS,
    },
)

# The objection's workflow, as data (status changes only in `_objection_set_status`).
OBJECTION = Workflow(
    "objection",
    ObjectionStatus,
    noun=pgettext_lazy("workflow", "异议"),
    transitions={
        (ObjectionStatus.OPEN, ObjectionStatus.EXPERT_REVIEW): MANAGE_LISTS,
        # The experts' answers are in (`objection_review_closed`).
        (ObjectionStatus.EXPERT_REVIEW, ObjectionStatus.REVIEWED): SYSTEM,
        (ObjectionStatus.REVIEWED, ObjectionStatus.UPHELD): MANAGE_LISTS,
        (ObjectionStatus.REVIEWED, ObjectionStatus.DISMISSED): MANAGE_LISTS,
        (ObjectionStatus.REVIEWED, ObjectionStatus.EXPERT_REVIEW): MANAGE_LISTS,
    },
)


def leader_valid_until(published_on: date) -> date:
    """A title is valid for `LEADER_VALIDITY_MONTHS` (default 12), the last day included."""
    return published_on + relativedelta(months=settings.LEADER_VALIDITY_MONTHS) - timedelta(days=1)


@transaction.atomic
def candidate_list_create(*, scheme, actor) -> CandidateList:
    """Snapshot the candidates of the scheme's current ranking. Recompiling later never
    changes the list, and keeps the ranking it was made from."""
    _require(actor, "leaders.manage_candidate_lists")
    from apps.evaluators.models import Scheme

    scheme = Scheme.objects.select_for_update().select_related("category").get(pk=scheme.pk)
    ranking = Ranking.objects.filter(scheme=scheme, is_current=True).first()
    if ranking is None:
        raise ValidationError(
            _("方案 %(code)s 尚未编制排行榜，请先编制") % {"code": scheme.scheme_code}
        )
    live = CandidateList.objects.filter(scheme=scheme).exclude(status=CandidateListStatus.WITHDRAWN)
    if live.exists():
        raise ValidationError(
            _("方案 %(code)s 已有候选名单（%(status)s），撤回后才能重新生成")
            % {"code": scheme.scheme_code, "status": live.first().get_status_display()}
        )
    entries = list(ranking.entries.filter(candidate=True).select_related("standard__enterprise"))
    if not entries:
        raise ValidationError(
            _("排行榜中没有领跑者候选（参评企业不足 %(n)d 家或无标准达到条件），不能生成候选名单")
            % {"n": scheme.min_participants}
        )
    candidate_list = CandidateList.objects.create(
        scheme=scheme, ranking=ranking, created_by=actor if _is_user(actor) else None
    )
    Candidate.objects.bulk_create(
        Candidate(
            candidate_list=candidate_list,
            standard=entry.standard,
            position=position,
            rank=entry.rank,
            score=entry.score,
            tiers=entry.tiers or {},
        )
        for position, entry in enumerate(entries, start=1)
    )
    audit.record(
        actor=actor,
        action="candidate_list.create",
        target=candidate_list,
        changes={
            "ranking": [None, ranking.pk],
            "candidates": [None, [e.standard.standard_no for e in entries]],
        },
    )
    notifications.notify(
        enterprises=_distinct_enterprises(e.standard for e in entries),
        kind=NotificationKind.CANDIDATE,
        subject=_("您企业的标准列入%(year)s年度“%(category)s”领跑者候选名单")
        % {"year": scheme.year, "category": scheme.category.name},
        body=_(
            "根据方案 %(code)s 的排行榜，您企业的标准列入领跑者候选名单。候选名单将经专家评审"
            "和公示，公示无异议后发布领跑者名单。"
        )
        % {"code": scheme.scheme_code},
        link=reverse("leaders:ranking_detail", args=[scheme.scheme_code]),
    )
    return candidate_list


def _distinct_enterprises(standards) -> list:
    seen = {}
    for standard in standards:
        seen.setdefault(standard.enterprise_id, standard.enterprise)
    return list(seen.values())


def _guard(candidate_list: CandidateList, target: str, today: date) -> None:
    """Refusals beyond the transition table, each with its own message."""
    active = candidate_list.candidates.filter(status=CandidateStatus.ACTIVE)
    if target == CandidateListStatus.NOTICE and not active.exists():
        raise ValidationError(_("候选名单中没有候选，不能公示"))
    if target == CandidateListStatus.PUBLISHED:
        if today <= candidate_list.notice_ends_on:
            raise ValidationError(
                _("公示期至 %(end)s，公示期内不能发布名单")
                % {"end": candidate_list.notice_ends_on.isoformat()}
            )
        open_objections = Objection.objects.filter(
            candidate__candidate_list=candidate_list, status__in=OPEN_OBJECTION_STATUSES
        ).count()
        if open_objections:
            raise ValidationError(
                _("还有 %(n)d 项异议尚未处理完毕，不能发布名单") % {"n": open_objections}
            )
        if not active.exists():
            raise ValidationError(_("所有候选均已取消，没有可发布的领跑者"))
        taken = list(
            Leader.objects.filter(
                year=candidate_list.scheme.year,
                standard__in=active.values("standard"),
            ).values_list("standard__standard_no", flat=True)
        )
        if taken:
            raise ValidationError(
                _("以下标准已是 %(year)d 年度领跑者，不能重复发布：%(numbers)s")
                % {"year": candidate_list.scheme.year, "numbers": "、".join(sorted(taken))}
            )


@transaction.atomic
def candidate_list_transition(
    *,
    candidate_list: CandidateList,
    to: str,
    actor,
    reason: str = "",
    today: date | None = None,
) -> CandidateList:
    """The candidate list's one status-changing service. The row lock makes two staff acting
    at once run one after the other: the second sees the new status and is refused, so a
    list is never published twice."""
    today = today or timezone.localdate()
    candidate_list = (
        CandidateList.objects.select_for_update(of=("self",))
        .select_related("scheme__category")
        .get(pk=candidate_list.pk)
    )
    old = candidate_list.status
    CANDIDATE_LIST.check(candidate_list, to, actor)
    _guard(candidate_list, to, today)
    fields = ["status"]
    changes: dict = {"status": [old, to]}
    if to == CandidateListStatus.NOTICE:
        candidate_list.notice_starts_on = today
        candidate_list.notice_ends_on = today + timedelta(
            days=candidate_list.scheme.notice_days - 1
        )
        fields += ["notice_starts_on", "notice_ends_on"]
    elif to == CandidateListStatus.RETURNED:
        candidate_list.returned_reason = reason
        fields.append("returned_reason")
    elif to == CandidateListStatus.WITHDRAWN:
        if not reason.strip():
            raise ValidationError({"reason": _("撤回候选名单必须填写理由")})
        candidate_list.withdrawn_reason = reason.strip()
        fields.append("withdrawn_reason")
    elif to == CandidateListStatus.PUBLISHED:
        candidate_list.published_on = today
        fields.append("published_on")
    candidate_list.status = to
    for name in fields[1:]:
        changes[name] = [None, getattr(candidate_list, name)]
    candidate_list.full_clean()
    candidate_list.save(update_fields=[*fields, "updated_at"])
    audit.record(actor=actor, action=f"candidate_list.{to}", target=candidate_list, changes=changes)
    if to == CandidateListStatus.NOTICE:
        _notify_list(candidate_list, NotificationKind.NOTICE_START)
        _announce_notice(candidate_list, actor=actor)
    elif to == CandidateListStatus.PUBLISHED:
        _notice_end(candidate_list)
        leaders = _publish_leaders(candidate_list, actor=actor, today=today)
        _announce_publication(candidate_list, leaders, actor=actor)
    return candidate_list


def _list_title(candidate_list: CandidateList) -> str:
    scheme = candidate_list.scheme
    return _("%(year)d 年度%(category)s企业标准领跑者") % {
        "year": scheme.year,
        "category": scheme.category.name,
    }


def _announce_notice(candidate_list: CandidateList, *, actor) -> None:
    """Tell the apps above (news) that a notice opened: core.signals.notice_opened."""
    signals.notice_opened.send(
        sender=CandidateList,
        instance=candidate_list,
        year=candidate_list.scheme.year,
        title=_("%(title)s候选名单") % {"title": _list_title(candidate_list)},
        url=reverse("leaders:notice_detail", args=[candidate_list.pk]),
        opens_on=candidate_list.notice_starts_on,
        closes_on=candidate_list.notice_ends_on,
        actor=actor if _is_user(actor) else None,
    )


def _announce_publication(candidate_list: CandidateList, leaders: list, *, actor) -> None:
    """Tell the apps above (news, incentives, statistics): core.signals.leader_list_published."""
    scheme = candidate_list.scheme
    signals.leader_list_published.send(
        sender=CandidateList,
        instance=candidate_list,
        year=scheme.year,
        title=_("%(title)s名单") % {"title": _list_title(candidate_list)},
        url=f"{reverse('leaders:leader_list')}?year={scheme.year}",
        published_on=candidate_list.published_on,
        leader_count=len(leaders),
        actor=actor if _is_user(actor) else None,
    )


def _publish_leaders(candidate_list: CandidateList, *, actor, today: date) -> list[Leader]:
    scheme = candidate_list.scheme
    candidates = list(
        candidate_list.candidates.filter(status=CandidateStatus.ACTIVE).select_related(
            "standard__enterprise"
        )
    )
    leaders = Leader.objects.bulk_create(
        Leader(
            year=scheme.year,
            category=scheme.category,
            standard=candidate.standard,
            rank=candidate.rank,
            score=candidate.score,
            published_on=today,
            valid_until=leader_valid_until(today),
            candidate=candidate,
        )
        for candidate in candidates
    )
    for leader, candidate in zip(leaders, candidates, strict=True):
        audit.record(
            actor=actor,
            action="leader.publish",
            target=leader,
            changes={
                "standard": [None, candidate.standard.standard_no],
                "valid_until": [None, leader.valid_until],
            },
        )
        notifications.notify(
            enterprises=[candidate.standard.enterprise],
            kind=NotificationKind.PUBLISHED,
            subject=_("恭喜！您企业的标准入选%(year)s年度企业标准领跑者名单")
            % {"year": scheme.year},
            body=_(
                "您企业标准 %(no)s 入选 %(year)s 年度“%(category)s”企业标准领跑者名单，"
                "有效期至 %(until)s。证书和验证码见领跑者页面。"
            )
            % {
                "no": candidate.standard.standard_no,
                "year": scheme.year,
                "category": scheme.category.name,
                "until": leader.valid_until,
            },
            link=reverse("leaders:leader_detail", args=[leader.verification_code]),
        )
    return leaders


def _notify_list(candidate_list: CandidateList, kind: str) -> None:
    scheme = candidate_list.scheme
    standards = [
        c.standard
        for c in candidate_list.candidates.filter(status=CandidateStatus.ACTIVE).select_related(
            "standard__enterprise"
        )
    ]
    values = {
        "year": scheme.year,
        "category": scheme.category.name,
        "start": candidate_list.notice_starts_on,
        "end": candidate_list.notice_ends_on,
    }
    if kind == NotificationKind.NOTICE_START:
        subject = _("%(year)s年度“%(category)s”领跑者候选名单开始公示") % values
        body = _("候选名单公示期为 %(start)s 至 %(end)s。公示期内任何人可对候选提出异议。") % values
    else:
        subject = _("%(year)s年度“%(category)s”领跑者候选名单公示结束") % values
        body = _("公示期（%(start)s 至 %(end)s）已结束，异议处理完毕后将发布领跑者名单。") % values
    notifications.notify(
        enterprises=_distinct_enterprises(standards),
        kind=kind,
        subject=subject,
        body=body,
        link=reverse("leaders:notice_detail", args=[candidate_list.pk]),
    )


def _notice_end(candidate_list: CandidateList) -> None:
    if not candidate_list.notice_end_notified:
        _notify_list(candidate_list, NotificationKind.NOTICE_END)
        candidate_list.notice_end_notified = True
        candidate_list.save(update_fields=["notice_end_notified", "updated_at"])


@transaction.atomic
def notices_close(*, today: date | None = None) -> int:
    """Daily: tell the candidates of every notice that has ended (once per list)."""
    today = today or timezone.localdate()
    ended = list(
        CandidateList.objects.select_for_update(of=("self",))
        .select_related("scheme__category")
        .filter(
            status=CandidateListStatus.NOTICE,
            notice_ends_on__lt=today,
            notice_end_notified=False,
        )
    )
    for candidate_list in ended:
        _notice_end(candidate_list)
        audit.record(actor=None, action="candidate_list.notice_end", target=candidate_list)
    return len(ended)


@transaction.atomic
def candidate_list_send_to_review(
    *, candidate_list: CandidateList, size: int, actor, seed: int | None = None
):
    """Draw experts for the list's review. Experts from a candidate's enterprise or the
    evaluating agency, or who declared a conflict with one, are never drawn."""
    from apps.experts import services as experts
    from apps.experts.enums import ReviewKind

    _require(actor, "leaders.manage_candidate_lists")
    candidate_list = CandidateList.objects.select_related("scheme__category", "scheme__agency").get(
        pk=candidate_list.pk
    )
    if not CANDIDATE_LIST.allows(candidate_list.status, CandidateListStatus.EXPERT_REVIEW):
        raise ValidationError(
            _("候选名单“%(status)s”时不能送专家评审")
            % {"status": candidate_list.get_status_display()}
        )
    usccs = list(
        candidate_list.candidates.values_list("standard__enterprise__uscc", flat=True).distinct()
    )
    review = experts.review_draw(
        target=candidate_list,
        kind=ReviewKind.CANDIDATE_LIST,
        title=str(candidate_list),
        category=candidate_list.scheme.category,
        size=size,
        excluded_usccs=[*usccs, candidate_list.scheme.agency.uscc],
        actor=actor,
        seed=seed,
    )
    candidate_list_transition(
        candidate_list=candidate_list, to=CandidateListStatus.EXPERT_REVIEW, actor=actor
    )
    return review


def candidate_list_review_closed(*, review, actor) -> None:
    """The experts' majority decides: approve → reviewed (ready for notice); otherwise the
    list is returned with the experts' comments."""
    from apps.experts.enums import Decision

    candidate_list = CandidateList.objects.get(pk=review.object_id)
    if review.outcome == Decision.APPROVE:
        candidate_list_transition(
            candidate_list=candidate_list, to=CandidateListStatus.REVIEWED, actor=actor
        )
        return
    reasons = "\n".join(
        f"{member.expert.name}：{member.comments}"
        for member in review.members.select_related("expert").exclude(comments="")
    )
    candidate_list_transition(
        candidate_list=candidate_list,
        to=CandidateListStatus.RETURNED,
        actor=actor,
        reason=reasons or _("专家评审未通过"),
    )


# ---------------------------------------------------------------------------------------------
# Objections


@transaction.atomic
def objection_file(
    *,
    candidate: Candidate,
    name: str,
    contact: str,
    grounds: str,
    attachment=None,
    ip_address: str | None = None,
    today: date | None = None,
) -> Objection:
    """Anyone files an objection against an active candidate while the notice runs."""
    from apps.declarations.validators import validate_pdf

    today = today or timezone.localdate()
    candidate = (
        Candidate.objects.select_for_update(of=("self",))
        .select_related("candidate_list", "standard__enterprise")
        .get(pk=candidate.pk)
    )
    candidate_list = candidate.candidate_list
    if not candidate_list.notice_running(today):
        raise ValidationError(_("该候选名单当前不在公示期内，不能提出异议"))
    if candidate.status != CandidateStatus.ACTIVE:
        raise ValidationError(_("该候选已被取消，不能再提出异议"))
    errors = {}
    for field, value, label in (
        ("name", name, _("请填写异议人姓名或单位")),
        ("contact", contact, _("请填写联系方式，以便核实异议")),
        ("grounds", grounds, _("请填写异议理由")),
    ):
        if not (value or "").strip():
            errors[field] = label
    if attachment:
        try:
            validate_pdf(attachment)
        except ValidationError as error:
            errors["attachment"] = error.messages
    if errors:
        raise ValidationError(errors)
    objection = Objection(
        candidate=candidate,
        name=name.strip(),
        contact=contact.strip(),
        grounds=grounds.strip(),
        ip_address=ip_address,
    )
    # Checked before the file is stored, so a refused objection leaves no file behind.
    objection.full_clean(exclude=["attachment"])
    if attachment:
        objection.attachment.save("objection.pdf", attachment, save=False)
    objection.save()
    audit.record(
        actor=None,
        action="objection.file",
        target=objection,
        changes={"candidate": [None, str(candidate)], "ip_address": [None, ip_address]},
    )
    return objection


def _objection_set_status(objection: Objection, to: str, *, actor, **fields) -> Objection:
    """The objection's one status-changing step (callers hold the row lock)."""
    old = objection.status
    OBJECTION.check(objection, to, actor)
    objection.status = to
    for name, value in fields.items():
        setattr(objection, name, value)
    objection.full_clean()
    objection.save(update_fields=["status", *fields, "updated_at"])
    audit.record(
        actor=actor,
        action=f"objection.{to}",
        target=objection,
        changes={"status": [old, to], **{k: [None, v] for k, v in fields.items()}},
    )
    return objection


@transaction.atomic
def objection_send_to_review(*, objection: Objection, size: int, actor, seed: int | None = None):
    """Assign the objection to drawn experts (none from the candidate's enterprise)."""
    from apps.experts import services as experts
    from apps.experts.enums import ReviewKind

    _require(actor, "leaders.manage_candidate_lists")
    objection = (
        Objection.objects.select_for_update(of=("self",))
        .select_related("candidate__standard__enterprise", "candidate__candidate_list__scheme")
        .get(pk=objection.pk)
    )
    if not OBJECTION.allows(objection.status, ObjectionStatus.EXPERT_REVIEW):
        raise ValidationError(
            _("异议“%(status)s”时不能送专家评审") % {"status": objection.get_status_display()}
        )
    scheme = objection.candidate.candidate_list.scheme
    review = experts.review_draw(
        target=objection,
        kind=ReviewKind.OBJECTION,
        title=str(objection),
        category=scheme.category,
        size=size,
        excluded_usccs=[objection.candidate.standard.enterprise.uscc],
        actor=actor,
        seed=seed,
    )
    _objection_set_status(objection, ObjectionStatus.EXPERT_REVIEW, actor=actor)
    return review


def objection_review_closed(*, review, actor) -> None:
    objection = Objection.objects.select_for_update().get(pk=review.object_id)
    _objection_set_status(objection, ObjectionStatus.REVIEWED, actor=actor)


@transaction.atomic
def objection_decide(
    *, objection: Objection, upheld: bool, finding: str, actor, today: date | None = None
) -> Objection:
    """Staff record the finding after the experts' review. Upheld: the candidate is removed,
    with the finding as the public reason. Dismissed: the candidate stays."""
    _require(actor, "leaders.manage_candidate_lists")
    today = today or timezone.localdate()
    objection = (
        Objection.objects.select_for_update(of=("self",))
        .select_related("candidate__standard__enterprise", "candidate__candidate_list__scheme")
        .get(pk=objection.pk)
    )
    if objection.status != ObjectionStatus.REVIEWED:
        raise ValidationError(_("异议须经专家评审完成后才能认定"))
    finding = (finding or "").strip()
    if not finding:
        raise ValidationError({"finding": _("请填写认定意见（异议成立时作为取消候选的公开理由）")})
    # Lock the list too: a finding and a publication of the same list never interleave.
    candidate_list = CandidateList.objects.select_for_update().get(
        pk=objection.candidate.candidate_list_id
    )
    if candidate_list.status != CandidateListStatus.NOTICE:
        raise ValidationError(_("候选名单已不在公示阶段，不能再认定异议"))
    _objection_set_status(
        objection,
        ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED,
        actor=actor,
        finding=finding,
        decided_at=timezone.now(),
        decided_by=actor if _is_user(actor) else None,
    )
    if upheld:
        _candidate_remove(objection.candidate, reason=finding, actor=actor, today=today)
    return objection


def _candidate_remove(candidate: Candidate, *, reason: str, actor, today: date) -> None:
    candidate = Candidate.objects.select_for_update(of=("self",)).get(pk=candidate.pk)
    if candidate.status == CandidateStatus.REMOVED:
        return
    candidate.status = CandidateStatus.REMOVED
    candidate.removed_on = today
    candidate.removal_reason = reason
    candidate.full_clean()
    candidate.save(update_fields=["status", "removed_on", "removal_reason"])
    audit.record(
        actor=actor,
        action="candidate.remove",
        target=candidate,
        changes={
            "status": [CandidateStatus.ACTIVE, CandidateStatus.REMOVED],
            "reason": [None, reason],
        },
    )
    standard = (
        Candidate.objects.select_related("standard__enterprise").get(pk=candidate.pk).standard
    )
    notifications.notify(
        enterprises=[standard.enterprise],
        kind=NotificationKind.REMOVED,
        subject=_("您企业的标准 %(no)s 被取消领跑者候选资格") % {"no": standard.standard_no},
        body=_("经异议处理，取消候选资格。理由：%(reason)s") % {"reason": reason},
        link=reverse("leaders:notice_detail", args=[candidate.candidate_list_id]),
    )
