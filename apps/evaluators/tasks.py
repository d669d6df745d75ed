from celery import shared_task
from django.db import transaction

from apps.evaluators.services import waiting


@shared_task(name="evaluators.tell_comment_ended")
def tell_comment_ended() -> int:
    """Daily: staff are told of each scheme whose public comment ended yesterday."""
    with transaction.atomic():
        return waiting.schemes_comment_ended()
