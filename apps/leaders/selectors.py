from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Floor, Least, TruncDate
from django.utils import timezone

from apps.evaluators.enums import SchemeStatus
from apps.evaluators.models import Scheme
from apps.experts.enums import Decision
from apps.leaders.enums import (
    OPEN_OBJECTION_STATUSES,
    PUBLIC_LIST_LABELS,
    CandidateListStatus,
    CandidateStatus,
    JobStatus,
)
from apps.leaders.models import (
    CandidateList,
    Leader,
    Notification,
    Ranking,
    RankingEntry,
    RankingJob,
)


def leaders_public(
    *, year: int | None = None, category: str | None = None, sector: str | None = None
) -> QuerySet[Leader]:
    """Published leaders (every status: revoked and expired titles stay public)."""
    queryset = Leader.objects.select_related("category", "standard__enterprise")
    if year:
        queryset = queryset.filter(year=year)
    if category:
        queryset = queryset.filter(category__code=category)
    if sector:
        queryset = queryset.filter(category__sector=sector)
    return queryset.order_by(
        "-year", "category__code", "rank", "standard__enterprise__uscc", "standard__standard_no"
    )


def leaders_for_staff(
    *, q: str = "", year: int | None = None, status: str | None = None
) -> QuerySet[Leader]:
    """Every title for the staff title pages, newest year first; `q` matches a standard
    number, an enterprise name or USCC, or a verification code."""
    queryset = Leader.objects.select_related("category", "standard__enterprise")
    if q:
        queryset = queryset.filter(
            Q(standard__standard_no__icontains=q)
            | Q(standard__enterprise__name__icontains=q)
            | Q(standard__enterprise__uscc=q.upper())
            | Q(verification_code=q.upper())
        )
    if year:
        queryset = queryset.filter(year=year)
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-year", "category__code", "rank", "standard__standard_no", "pk")


def objection_finding_suggested(reviews) -> str | None:
    """The finding the experts' latest closed review of an objection points to, as the
    finding form's value: "1" upheld, "0" dismissed, None without a majority or review."""
    closed = [review for review in reviews if review.outcome]
    if not closed:
        return None
    return {Decision.UPHELD: "1", Decision.DISMISSED: "0"}.get(closed[-1].outcome)


def leader_years() -> list[int]:
    return list(Leader.objects.order_by("-year").values_list("year", flat=True).distinct())


def schemes_to_compile(*, year: int, scheme_code: str | None = None):
    queryset = Scheme.objects.filter(year=year, status=SchemeStatus.APPROVED)
    if scheme_code:
        queryset = queryset.filter(scheme_code=scheme_code)
    return list(queryset.order_by("scheme_code"))


def ranking_current(scheme_code: str) -> Ranking | None:
    return (
        Ranking.objects.filter(scheme__scheme_code=scheme_code, is_current=True)
        .select_related("scheme__category", "scheme__agency")
        .first()
    )


def ranking_entries(ranking: Ranking):
    return ranking.entries.select_related("standard__enterprise").order_by("position")


def rankings_public(
    *, year: int | None = None, sector: str | None = None, category: str | None = None
):
    queryset = Ranking.objects.filter(is_current=True).select_related(
        "scheme__category", "scheme__agency"
    )
    if year:
        queryset = queryset.filter(scheme__year=year)
    if sector:
        queryset = queryset.filter(scheme__category__sector=sector)
    if category:
        queryset = queryset.filter(scheme__category__code=category)
    return queryset.order_by("-scheme__year", "scheme__category__code", "scheme__scheme_code")


def ranking_years() -> list[int]:
    return list(
        Ranking.objects.filter(is_current=True)
        .order_by("-scheme__year")
        .values_list("scheme__year", flat=True)
        .distinct()
    )


def schemes_due_for_compile(*, today=None):
    """Approved schemes whose ranking date (cutoff) has passed, with no ranking compiled after
    it and no compile already queued or running."""
    today = today or timezone.localdate()
    compiled_after = (
        Ranking.objects.filter(scheme=OuterRef("pk"), is_current=True)
        .annotate(day=TruncDate("compiled_at"))
        .filter(day__gt=OuterRef("cutoff_date"))
    )
    pending = RankingJob.objects.filter(
        scheme=OuterRef("pk"), status__in=[JobStatus.QUEUED, JobStatus.RUNNING]
    )
    return list(
        Scheme.objects.filter(status=SchemeStatus.APPROVED, cutoff_date__lt=today)
        .exclude(Exists(compiled_after))
        .exclude(Exists(pending))
        .order_by("scheme_code")
    )


def compile_board(*, year: int):
    """Each approved scheme of the year with its current ranking and latest compile job, for
    the staff progress page (three queries whatever the number of schemes)."""
    schemes = list(
        Scheme.objects.filter(year=year, status=SchemeStatus.APPROVED)
        .select_related("category", "agency")
        .order_by("scheme_code")
    )
    ids = [s.pk for s in schemes]
    rankings = {r.scheme_id: r for r in Ranking.objects.filter(scheme_id__in=ids, is_current=True)}
    jobs = {}
    for job in (
        RankingJob.objects.filter(scheme_id__in=ids)
        .order_by("scheme_id", "-queued_at", "-id")
        .distinct("scheme_id")
    ):
        jobs[job.scheme_id] = job
    return [{"scheme": s, "ranking": rankings.get(s.pk), "job": jobs.get(s.pk)} for s in schemes]


def candidate_lists_for_staff():
    return (
        CandidateList.objects.select_related("scheme__category", "scheme__agency")
        .annotate(
            active_candidates=Count(
                "candidates", filter=Q(candidates__status=CandidateStatus.ACTIVE), distinct=True
            ),
            open_objections=Count(
                "candidates__objections",
                filter=Q(candidates__objections__status__in=OPEN_OBJECTION_STATUSES),
                distinct=True,
            ),
        )
        .order_by("-created_at", "-id")
    )


def schemes_ready_for_list():
    """Schemes with a current ranking that has candidates and no live candidate list."""
    has_candidates = RankingEntry.objects.filter(
        ranking__scheme=OuterRef("pk"), ranking__is_current=True, candidate=True
    )
    live_list = CandidateList.objects.filter(scheme=OuterRef("pk")).exclude(
        status=CandidateListStatus.WITHDRAWN
    )
    return (
        Scheme.objects.filter(Exists(has_candidates))
        .exclude(Exists(live_list))
        .select_related("category")
        .order_by("-year", "scheme_code")
    )


def notices_public():
    """Candidate lists the public may see: in notice, or published after a notice."""
    return (
        CandidateList.objects.filter(status__in=list(PUBLIC_LIST_LABELS))
        .select_related("scheme__category", "scheme__agency")
        .order_by("-notice_starts_on", "-id")
    )


def notice_candidates(candidate_list):
    return (
        candidate_list.candidates.select_related("standard__enterprise")
        .annotate(objection_count=Count("objections"))
        .order_by("position")
    )


def notifications_of(enterprise):
    return Notification.objects.filter(enterprise=enterprise).order_by("-created_at", "-id")


def ranking_score_histogram(ranking: Ranking) -> dict:
    """Counts of ranked scores in 10-point bands (one GROUP BY over the whole ranking)."""
    bands = [0] * 10
    rows = (
        ranking.entries.filter(score__isnull=False)
        .annotate(band=Least(Floor(F("score") / 10), Value(9), output_field=IntegerField()))
        .values("band")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        bands[int(row["band"])] += row["n"]
    return {"labels": [f"{i * 10}–{i * 10 + 10}" for i in range(10)], "counts": bands}
