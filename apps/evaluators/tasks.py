from celery import shared_task
from django.db import transaction

from apps.evaluators.services import comments, waiting


@shared_task(name="evaluators.tell_comment_ended")
def tell_comment_ended() -> int:
    """Daily: staff are told of each scheme whose public comment ended yesterday."""
    with transaction.atomic():
        return waiting.schemes_comment_ended()


@shared_task(name="evaluators.purge_commenter_contacts")
def purge_commenter_contacts() -> int:
    """Daily: commenters' contacts past COMMENTER_CONTACT_RETENTION_DAYS are deleted."""
    return comments.commenter_contacts_purge_due()
