from celery import shared_task

from apps.experts.services.reviews import reviews_remind_overdue


@shared_task(name="experts.remind_overdue_reviews")
def remind_overdue_reviews() -> int:
    """Daily: drawn experts past their deadline, and staff who may re-draw them."""
    return reviews_remind_overdue()
