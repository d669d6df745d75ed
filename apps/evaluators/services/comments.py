"""Commenters' contact details (docs/security.md "Personal information"): deleted
COMMENTER_CONTACT_RETENTION_DAYS after the scheme's public comment period ended, by a daily
job (`evaluators.purge_commenter_contacts`). The commenter's name and the comment's text stay
with the scheme as the record of its comment period; each scheme's deletion is audited."""

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from apps.core import audit
from apps.evaluators.models import Scheme, SchemeComment


def comments_due_for_contact_purge(*, today: date | None = None) -> QuerySet[SchemeComment]:
    today = today or timezone.localdate()
    cutoff = today - timedelta(days=settings.COMMENTER_CONTACT_RETENTION_DAYS)
    return SchemeComment.objects.filter(scheme__public_comment_ends_on__lt=cutoff).exclude(
        contact=""
    )


def commenter_contacts_purge_due(*, today: date | None = None) -> int:
    """Blank every contact due, one transaction per scheme; returns how many were blanked."""
    due = comments_due_for_contact_purge(today=today)
    purged = 0
    for scheme_id in due.order_by("scheme").values_list("scheme", flat=True).distinct():
        with transaction.atomic():
            scheme = Scheme.objects.select_for_update().get(pk=scheme_id)
            count = due.filter(scheme=scheme).update(contact="", updated_at=timezone.now())
            audit.record(
                actor=None,
                action="scheme.commenter_contact_purge",
                target=scheme,
                changes={"comments": [None, count]},
            )
        purged += count
    return purged
