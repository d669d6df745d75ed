from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from apps.catalog.models import Category, KeyArea
from apps.core import pagecache
from apps.core.commit import on_commit_once
from apps.core.signals import leader_list_published, leader_title_revoked, notice_opened
from apps.incentives.models import Application, CreditRecord
from apps.leaders.models import Leader, Ranking
from apps.news.models import Article
from apps.portal.tasks import refresh_statistics
from apps.supervision.models import SpotCheckItem, SpotCheckPlan

REFRESH_QUEUED = "portal:statistics:refresh-queued"


def statistics_changed(**_kwargs) -> None:
    """The figures changed (a list published, a title revoked, an application decided, a plan
    approved or a spot check recorded): recompute them once the burst is over. One refresh is
    queued per `STATISTICS_DEBOUNCE_SECONDS`, after the commit; the nightly job remains."""
    on_commit_once(_queue_statistics_refresh)


def _queue_statistics_refresh() -> None:
    delay = settings.STATISTICS_DEBOUNCE_SECONDS
    if cache.add(REFRESH_QUEUED, 1, timeout=delay):
        refresh_statistics.apply_async(countdown=delay)


@receiver(leader_list_published, dispatch_uid="portal_statistics_on_list_published")
@receiver(leader_title_revoked, dispatch_uid="portal_statistics_on_title_revoked")
def on_statistics_event(sender, **kwargs):
    statistics_changed()


for model in (Application, CreditRecord, SpotCheckPlan, SpotCheckItem):
    for signal in (post_save, post_delete):
        signal.connect(
            statistics_changed,
            sender=model,
            dispatch_uid=f"portal_statistics_{signal is post_save}_{model._meta.label_lower}",
        )


# The page cache (apps.core.pagecache) of hot public pages: stale after every publication,
# notice, ranking compile, leader title change, news article or catalogue change.
@receiver(leader_list_published, dispatch_uid="portal_pagecache_on_list_published")
@receiver(notice_opened, dispatch_uid="portal_pagecache_on_notice_opened")
def on_public_event(sender, **kwargs):
    _invalidate_pages()


def on_public_row_change(sender, **kwargs):
    _invalidate_pages()


def _invalidate_pages():
    # Now, so no page of the old data outlives the change; and again after the commit, so a
    # page rendered by another request between the two (from the old, committed rows) goes.
    pagecache.invalidate()
    on_commit_once(pagecache.invalidate)


for model in (Ranking, Leader, Article, Category, KeyArea):
    for signal in (post_save, post_delete):
        signal.connect(
            on_public_row_change,
            sender=model,
            dispatch_uid=f"portal_pagecache_{signal is post_save}_{model._meta.label_lower}",
        )
