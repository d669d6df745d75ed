"""`python manage.py purge_objector_data [--dry-run]`: delete objectors' personal data
OBJECTOR_DATA_RETENTION_DAYS after their notice closed (the daily job's service)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from apps.leaders.services.objector_data import objections_due_for_purge, objector_data_purge_due


class Command(BaseCommand):
    help = (
        "Delete the name, contact details and address of objectors whose notice closed more "
        "than OBJECTOR_DATA_RETENTION_DAYS ago; the objections themselves stay."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="only count the objections that are due"
        )

    def handle(self, *args, dry_run: bool, **options):
        days = settings.OBJECTOR_DATA_RETENTION_DAYS
        if dry_run:
            due = objections_due_for_purge().count()
            self.stdout.write(f"{due} objection(s) due (notice closed more than {days} days ago)")
            return
        purged = objector_data_purge_due()
        self.stdout.write(f"purged the objector's data of {purged} objection(s) ({days} days)")
