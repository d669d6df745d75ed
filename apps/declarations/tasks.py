from celery import shared_task

from apps.declarations import services


@shared_task(name="declarations.search_index_pending")
def search_index_pending() -> int:
    """After each standards import, and every minute in case that message was lost: the
    search documents the import left to the background (services.search_index_pending)."""
    return services.search_index_pending()
