from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet

from apps.enterprises.models import Enterprise
from apps.incentives import eligibility
from apps.incentives.enums import ApplicationStatus, PilotTag, ProviderKind
from apps.incentives.models import Application, CreditRecord, EnterprisePilot, Programme
from apps.incentives.rules import provider_id_of
from apps.leaders.models import Leader


def programmes_public() -> QuerySet[Programme]:
    return (
        Programme.objects.filter(published=True)
        .select_related("provider")
        .order_by("-closes_on", "code")
    )


def programmes_with_eligibility(enterprise, day: date) -> list[tuple[Programme, object]]:
    """Every published programme whose window has not closed, each with the enterprise's
    eligibility; the enterprise's titles are loaded once for all of them."""
    titles = eligibility.active_titles(enterprise, day)
    programmes = programmes_public().filter(closes_on__gte=day)
    return [
        (programme, eligibility.check(programme, enterprise, day, titles=titles))
        for programme in programmes
    ]


def applications_of_enterprise(enterprise) -> QuerySet[Application]:
    return (
        Application.objects.filter(enterprise=enterprise)
        .select_related("programme__provider", "leader__standard")
        .order_by("-created_at", "-id")
    )


def applications_for_provider(user, status: str | None = None) -> QuerySet[Application]:
    """Applications addressed to the provider the user acts for."""
    provider_id = provider_id_of(user)
    if provider_id is None:
        return Application.objects.none()
    queryset = Application.objects.filter(programme__provider_id=provider_id)
    if status:
        queryset = queryset.filter(status=status)
    return queryset.select_related(
        "programme", "enterprise", "leader__standard", "leader__category"
    ).order_by("status", "-created_at", "-id")


def applications_for_bureau(status: str | None = None) -> QuerySet[Application]:
    """Applications to the bureau's own programmes (decided by bureau staff)."""
    queryset = Application.objects.filter(programme__provider__kind=ProviderKind.BUREAU)
    if status:
        queryset = queryset.filter(status=status)
    return queryset.select_related(
        "programme__provider", "enterprise", "leader__standard", "leader__category"
    ).order_by("status", "-created_at", "-id")


def programmes_without_decider(day: date) -> QuerySet[Programme]:
    """Programmes not yet closed whose applications nobody can decide: the provider is not a
    bureau department and has no active user acting for it."""
    return (
        Programme.objects.filter(closes_on__gte=day)
        .exclude(provider__kind=ProviderKind.BUREAU)
        .exclude(provider__memberships__user__is_active=True)
        .select_related("provider")
        .annotate(pending=Count("applications", filter=Q(applications__status="submitted")))
        .order_by("code")
    )


def application_detail(pk: int) -> Application:
    return Application.objects.select_related(
        "programme__provider",
        "enterprise",
        "leader__standard",
        "leader__category",
        "submitted_by",
        "decided_by",
    ).get(pk=pk)


def feed_active_leaders(day: date) -> QuerySet[Leader]:
    """The active-leader feed: titles valid on `day`, with their verification codes."""
    return (
        Leader.objects.active_on(day)
        .select_related("category", "standard__enterprise")
        .order_by("standard__enterprise__uscc", "standard__standard_no", "-year")
    )


def credit_records_of(enterprise) -> QuerySet[CreditRecord]:
    return CreditRecord.objects.filter(enterprise=enterprise).select_related(
        "leader__standard", "leader__category"
    )


def enterprises_with_pilot(tag: str | None) -> QuerySet[Enterprise]:
    queryset = Enterprise.objects.filter(pilots__isnull=False)
    if tag:
        queryset = queryset.filter(pilots__tag=tag)
    return queryset.distinct().prefetch_related("pilots").order_by("uscc")


def enterprises_for_tagging(query: str, limit: int = 20) -> list[Enterprise]:
    """Staff's pilot-tag search: a full or partial USCC, or a part of the name. Each result
    carries its tags (`current_pilots`)."""
    query = query.strip()
    if not query:
        return []
    code = query.upper()
    condition = Q(name__icontains=query)
    if code.isalnum() and code.isascii():
        condition |= Q(uscc__startswith=code)
    return list(
        Enterprise.objects.filter(condition)
        .prefetch_related(
            Prefetch(
                "pilots",
                queryset=EnterprisePilot.objects.order_by("tag"),
                to_attr="current_pilots",
            )
        )
        .order_by("name", "uscc")[:limit]
    )


def pilot_counts() -> dict[str, int]:
    rows = (
        Enterprise.objects.filter(pilots__isnull=False)
        .values("pilots__tag")
        .annotate(n=Count("id", distinct=True))
    )
    counts = {row["pilots__tag"]: row["n"] for row in rows}
    return {tag.value: counts.get(tag.value, 0) for tag in PilotTag}


def uptake_by_kind() -> list[dict]:
    """Applications per programme kind and status (for the statistics dashboard)."""
    return list(
        Application.objects.values("programme__kind")
        .annotate(
            submitted=Count("id"),
            approved=Count("id", filter=Q(status=ApplicationStatus.APPROVED)),
            refused=Count("id", filter=Q(status=ApplicationStatus.REFUSED)),
            pending=Count("id", filter=Q(status=ApplicationStatus.SUBMITTED)),
            enterprises=Count(
                "enterprise", distinct=True, filter=Q(status=ApplicationStatus.APPROVED)
            ),
        )
        .order_by("programme__kind")
    )
