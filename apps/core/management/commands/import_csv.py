"""`python manage.py import_csv KIND PATH [--dry-run]` (CONTRACT.md section 2)."""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from apps.core.imports import get_import_kind, import_kinds
from apps.core.imports.services import import_file


class Command(BaseCommand):
    help = "Import a .csv or .xlsx file of one kind; all rows or none. Exit status 1 on errors."

    def add_arguments(self, parser):
        parser.add_argument("kind", help="one of: " + ", ".join(import_kinds()))
        parser.add_argument("path")
        parser.add_argument(
            "--dry-run", action="store_true", help="validate and report, write nothing"
        )

    def handle(self, *args, kind: str, path: str, dry_run: bool, **options):
        try:
            get_import_kind(kind)
        except LookupError as error:
            raise CommandError(str(error)) from None
        try:
            _run, result = import_file(kind=kind, path=path, dry_run=dry_run)
        except FileNotFoundError:
            raise CommandError(f"no such file: {path}") from None
        except DatabaseError as error:
            # E.g. someone else wrote a row with the same key meanwhile: nothing was written.
            self.stderr.write(f"row -, column -: {error}".strip())
            sys.exit(1)
        if not result.ok:
            for line in result.error_lines():
                self.stderr.write(line)
            sys.exit(1)
        self.stdout.write(result.summary)
        if dry_run:
            self.stdout.write("dry run: nothing written")
