"""The quality credit record follows leader titles.

Two paths, both set-based through `services.credit_records_sync`:
- Django's `post_save` on `Leader` (a signal of a lower layer) syncs that one title after the
  commit: a revocation or a title created through the ORM is on the record at once;
- `leader_list_published` (apps.core.signals) and the nightly beat job sync every title, which
  also covers titles written in bulk (CSV imports use COPY and send no signals).
"""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from apps.core.signals import leader_list_published
from apps.incentives import services
from apps.leaders.models import Leader


@receiver(post_save, sender=Leader, dispatch_uid="incentives_credit_on_leader_save")
def on_leader_saved(sender, instance, **kwargs):
    leader_id = instance.pk
    transaction.on_commit(lambda: services.credit_records_sync(leader_ids=[leader_id]))


@receiver(leader_list_published, dispatch_uid="incentives_credit_on_list_published")
def on_leader_list_published(sender, **kwargs):
    transaction.on_commit(lambda: services.credit_records_sync())
