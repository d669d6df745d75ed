from django.db.models import QuerySet
from django.utils import timezone

from apps.news.models import Article


def articles_public(*, campaign: str | None = None, kind: str | None = None) -> QuerySet[Article]:
    queryset = Article.objects.filter(is_published=True, published_at__lte=timezone.now())
    if campaign:
        queryset = queryset.filter(campaign=campaign)
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by("-published_at", "-id")
