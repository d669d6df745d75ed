from celery import shared_task

from apps.leaders import services


@shared_task(name="leaders.expire_titles")
def expire_titles() -> int:
    return services.leaders_expire()
