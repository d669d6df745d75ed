from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from apps.core.pagecache import public_page
from apps.news import selectors
from apps.news.enums import ArticleKind, Campaign


@public_page(params=("campaign", "kind", "page"))
def article_list(request):
    campaign = request.GET.get("campaign") or ""
    campaign = campaign if campaign in Campaign.values else ""
    kind = request.GET.get("kind") or ""
    kind = kind if kind in ArticleKind.values else ""
    page = Paginator(
        selectors.articles_public(campaign=campaign or None, kind=kind or None), 20
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "news/article_list.html",
        {
            "page": page,
            "campaign": campaign,
            "kind": kind,
            "campaigns": Campaign.choices,
            "kinds": ArticleKind.choices,
        },
    )


def article_detail(request, pk):
    article = get_object_or_404(selectors.articles_public(), pk=pk)
    return render(request, "news/article_detail.html", {"article": article})
