from django.db.models import QuerySet

from apps.leaders.models import Leader


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
