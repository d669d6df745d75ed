from django.db.models import QuerySet

from apps.leaders.models import Leader, Ranking


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


def leader_years() -> list[int]:
    return list(Leader.objects.order_by("-year").values_list("year", flat=True).distinct())


def schemes_to_compile(*, year: int, scheme_code: str | None = None):
    from apps.evaluators.enums import SchemeStatus
    from apps.evaluators.models import Scheme

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
