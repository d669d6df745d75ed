from django.db import transaction
from django.dispatch import receiver

from apps.core.signals import leader_list_published


@receiver(leader_list_published, dispatch_uid="portal_statistics_on_list_published")
def on_leader_list_published(sender, **kwargs):
    from apps.portal.tasks import refresh_statistics

    transaction.on_commit(refresh_statistics.delay)
