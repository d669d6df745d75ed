from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from apps.catalog.enums import Sector
from apps.core.pagecache import public_page
from apps.enterprises.selectors import enterprise_of
from apps.leaders import selectors
from apps.leaders.models import Leader

LEADER_PAGE_SIZE = 50


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@public_page(params=("year", "sector", "category", "page"))
def leader_list(request):
    years = selectors.leader_years()
    year = _int_or_none(request.GET.get("year")) or (years[0] if years else None)
    sector = request.GET.get("sector") or None
    category = request.GET.get("category") or None
    leaders = selectors.leaders_public(year=year, sector=sector, category=category)
    # A national year lists thousands of titles: pages of LEADER_PAGE_SIZE (offsets stay
    # shallow, a year's list is bounded).
    page = Paginator(leaders, LEADER_PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [(leader, leader.status_on(today)) for leader in page]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "leaders/leader_list.html",
        {
            "rows": rows,
            "page": page,
            "querystring": query.urlencode(),
            "years": years,
            "year": year,
            "sector": sector,
            "sectors": Sector.choices,
        },
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


@public_page(params=("year", "sector"))
def ranking_list(request):
    years = selectors.ranking_years()
    year = _int_or_none(request.GET.get("year")) or (years[0] if years else None)
    sector = request.GET.get("sector") or None
    rankings = selectors.rankings_public(year=year, sector=sector)
    return render(
        request,
        "leaders/ranking_list.html",
        {
            "rankings": rankings,
            "years": years,
            "year": year,
            "sector": sector,
            "sectors": Sector.choices,
        },
    )


RANKING_PAGE_SIZE = 100


@public_page(params=("after",))
def ranking_detail(request, scheme_code):
    """A ranking, 100 entries a page by keyset (`?after=<position>`: a national ranking has
    hundreds of thousands of entries, and the index on (ranking, position) finds any page
    directly); the score distribution and the candidate count cover all entries."""
    ranking = selectors.ranking_current(scheme_code)
    if ranking is None:
        raise Http404
    after = _int_or_none(request.GET.get("after")) or 0
    entries = list(
        selectors.ranking_entries(ranking).filter(position__gt=after)[: RANKING_PAGE_SIZE + 1]
    )
    more = len(entries) > RANKING_PAGE_SIZE
    entries = entries[:RANKING_PAGE_SIZE]
    criteria = list(
        ranking.scheme.criteria.filter(kind="core").order_by("position", "criterion_code")
    )
    own_uscc = _own_uscc(request.user)
    rows = [
        {
            "entry": entry,
            # Each core criterion with this entry's tier, so a phone's card names it.
            "tiers": [(c, (entry.tiers or {}).get(c.criterion_code)) for c in criteria],
            "own": entry.standard.enterprise.uscc == own_uscc,
        }
        for entry in entries
    ]
    return render(
        request,
        "leaders/ranking_detail.html",
        {
            "ranking": ranking,
            "scheme": ranking.scheme,
            "criteria": criteria,
            "rows": rows,
            "candidates": ranking.entries.filter(candidate=True).count(),
            "chart": selectors.ranking_score_histogram(ranking),
            "notice": selectors.notices_public().filter(scheme=ranking.scheme).first(),
            "after": after,
            "next_after": entries[-1].position if more else None,
        },
    )


def _own_uscc(user) -> str | None:
    enterprise = enterprise_of(user)
    return enterprise.uscc if enterprise else None
