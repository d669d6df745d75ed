"""`python manage.py index_search`: give the standards a bulk import left without a search
document theirs now, instead of waiting for the worker (docs/declarations.md, "Search")."""

from django.core.management.base import BaseCommand

from apps.declarations import services


class Command(BaseCommand):
    help = (
        "Index the standards a CSV import left for the background job "
        "(declarations.search_index_pending): for a server without a Celery worker."
    )

    def handle(self, *args, **options):
        indexed = services.search_index_pending()
        self.stdout.write(f"search: indexed {indexed} standards")
