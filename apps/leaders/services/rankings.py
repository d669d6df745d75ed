"""Rankings (CONTRACT.md §3): the set-based compile of approved schemes and the purge of
retired rankings."""

import json
import math
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, connections, models, transaction
from django.utils.translation import gettext as _

from apps.core import audit
from apps.declarations.enums import StandardStatus
from apps.declarations.models import Standard
from apps.evaluators.enums import SchemeStatus
from apps.evaluators.models import Scheme, SchemeCriterion
from apps.evaluators.services.schemes import scheme_results_publish
from apps.leaders import ranking_sql
from apps.leaders.enums import CandidateListStatus
from apps.leaders.models import CandidateList, Ranking
from apps.leaders.services import waiting
from apps.leaders.services.common import is_user


class RankingNotCompilable(ValidationError):
    pass


def not_compilable(scheme) -> RankingNotCompilable:
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
    locked = list(
        Scheme.objects.select_for_update().filter(pk__in=[s.pk for s in schemes]).order_by("pk")
    )
    for scheme in locked:
        if scheme.status != SchemeStatus.APPROVED:
            raise not_compilable(scheme)
    if not locked:
        return []
    compiled_by = actor if is_user(actor) else None
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
        scheme_results_publish(scheme=scheme, actor=compiled_by)
        if first_results:
            # Telling every entrant enterprise is its own job after commit: the compile stays
            # set-based work even at national scale.
            from apps.leaders.tasks import notify_ranking_out  # real cycle: tasks import this

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
    _tell_staff_lists_due(locked, totals, rankings)
    return [rankings[s.pk] for s in schemes]


def _tell_staff_lists_due(schemes, totals, rankings) -> None:
    """Schemes whose ranking has candidates and that have no candidate list yet now wait on
    staff to make one."""
    with_candidates = [s.pk for s in schemes if totals.get(rankings[s.pk].pk, (0, 0, 0))[2]]
    if not with_candidates:
        return
    listed = CandidateList.objects.filter(scheme__in=with_candidates).exclude(
        status=CandidateListStatus.WITHDRAWN
    )
    waiting.schemes_ranked(
        list(
            Scheme.objects.filter(pk__in=with_candidates)
            .exclude(pk__in=listed.values("scheme"))
            .select_related("category")
            .order_by("scheme_code")
        )
    )


def rankings_compile_parallel(*, schemes, actor=None, workers: int | None = None) -> list[Ranking]:
    """Compile many schemes as `workers` concurrent transactions (RANKING_COMPILE_WORKERS,
    default 2: one per core), each a `rankings_compile` of a share of the schemes with about
    the same number of entrants, on its own database connection. The statements that insert
    the entries run on one core each, so two shares take about half the time of one; each
    scheme's ranking is still replaced atomically, and a failed share rolls back alone (the
    rerun is idempotent). Inside a transaction already (or with one worker) it is one
    `rankings_compile`: the caller's transaction would not be visible to other connections."""
    workers = workers or settings.RANKING_COMPILE_WORKERS
    shares = shares_by_entrants(schemes, workers)
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


def shares_by_entrants(schemes, workers: int) -> list[list]:
    """Split schemes into at most `workers` non-empty shares of about equal entrants (the
    public standards of each scheme's category): largest first, each to the lightest share."""
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
    return list(SchemeCriterion.objects.filter(scheme_id__in=scheme_ids, kind="qualitative"))


def _retire_current_ranking(scheme) -> None:
    """The previous current ranking stops being current. Its entries (millions for a national
    scheme) are deleted after commit by `purge_retired_rankings`, unless a candidate list was
    made from it: the compile itself only flips a flag."""
    retired = Ranking.objects.filter(scheme=scheme, is_current=True).update(is_current=False)
    if retired:
        from apps.leaders.tasks import purge_retired_rankings  # real cycle: tasks import this

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
