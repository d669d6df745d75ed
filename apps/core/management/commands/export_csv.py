"""`python manage.py export_csv KIND PATH [--year Y] [--scheme CODE]` (CONTRACT.md section 5).

PATH ending in `.xlsx` writes an Excel workbook; anything else a UTF-8 CSV with BOM.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from apps.core.imports import export_kinds, get_export_kind
from apps.core.imports.exporters import export_rows, write_csv, write_xlsx


class Command(BaseCommand):
    help = "Export one kind of data as CSV (UTF-8 with BOM) or XLSX."

    def add_arguments(self, parser):
        parser.add_argument("kind", help="one of: " + ", ".join(export_kinds()))
        parser.add_argument("path")
        parser.add_argument("--year", type=int)
        parser.add_argument("--scheme")
        parser.add_argument(
            "--headers", choices=["en", "zh"], default="en", help="column titles (default en)"
        )

    def handle(self, *args, kind: str, path: str, year, scheme, headers: str, **options):
        try:
            export_kind = get_export_kind(kind)
            rows = export_rows(export_kind, filters={"year": year, "scheme": scheme})
        except (LookupError, ValueError) as error:
            raise CommandError(str(error)) from None
        header = export_kind.headers(headers)
        target = Path(path)
        if target.suffix.lower() == ".xlsx":
            count = write_xlsx(target, header, rows)
        else:
            with target.open("w", encoding="utf-8-sig", newline="") as handle:
                count = write_csv(handle, header, rows)
        self.stdout.write(f"{kind}: exported {count}")
