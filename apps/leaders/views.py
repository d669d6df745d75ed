from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from apps.catalog.enums import Sector
from apps.leaders import selectors
from apps.leaders.models import Leader


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def leader_list(request):
    years = selectors.leader_years()
    year = _int_or_none(request.GET.get("year")) or (years[0] if years else None)
    sector = request.GET.get("sector") or None
    leaders = selectors.leaders_public(
        year=year, sector=sector, category=request.GET.get("category") or None
    )
    today = timezone.localdate()
    rows = [(leader, leader.status_on(today)) for leader in leaders]
    return render(
        request,
        "leaders/leader_list.html",
        {"rows": rows, "years": years, "year": year, "sector": sector, "sectors": Sector.choices},
    )


def leader_detail(request, code):
    leader = get_object_or_404(
        Leader.objects.select_related("category", "standard__enterprise"), verification_code=code
    )
    return render(
        request,
        "leaders/leader_detail.html",
        {"leader": leader, "status": leader.status_on(timezone.localdate())},
    )
