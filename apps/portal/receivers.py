from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from apps.catalog.models import Category, KeyArea
from apps.core import pagecache
from apps.core.signals import leader_list_published, notice_opened
from apps.leaders.models import Leader, Ranking
from apps.news.models import Article


@receiver(leader_list_published, dispatch_uid="portal_statistics_on_list_published")
def on_leader_list_published(sender, **kwargs):
    from apps.portal.tasks import refresh_statistics

    transaction.on_commit(refresh_statistics.delay)


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
    transaction.on_commit(pagecache.invalidate)


for model in (Ranking, Leader, Article, Category, KeyArea):
    for signal in (post_save, post_delete):
        signal.connect(
            on_public_row_change,
            sender=model,
            dispatch_uid=f"portal_pagecache_{signal is post_save}_{model._meta.label_lower}",
        )
