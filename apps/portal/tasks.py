from celery import shared_task

from apps.portal import statistics


@shared_task(name="portal.refresh_statistics")
def refresh_statistics() -> str:
    """Nightly and after each leader-list publication: recompute the dashboard's figures."""
    return statistics.statistics_refresh()["computed_at"]
