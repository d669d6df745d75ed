from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.core import audit
from apps.news.enums import ArticleKind
from apps.news.models import Article, describe_source


@transaction.atomic
def announcement_publish(
    *,
    source_key: str,
    title: str,
    body: str,
    summary: str = "",
    link_url: str = "",
    published_at=None,
    actor=None,
) -> Article:
    """Publish the announcement of an event once: a second call for the same `source_key`
    returns the existing announcement unchanged."""
    existing = Article.objects.filter(source_key=source_key).first()
    if existing is not None:
        return existing
    article = Article(
        kind=ArticleKind.ANNOUNCEMENT,
        title=title[:200],
        summary=summary[:300],
        body=body,
        link_url=link_url,
        published_at=published_at or timezone.now(),
        source_key=source_key,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    article.full_clean()
    try:
        with transaction.atomic():
            article.save()
    except IntegrityError:  # the same event announced concurrently
        return Article.objects.get(source_key=source_key)
    audit.record(
        actor=actor,
        action="news.announce",
        target=article,
        changes={"title": [None, article.title], "source": [None, describe_source(source_key)]},
    )
    return article
