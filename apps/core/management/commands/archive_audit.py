"""Write the audit log of one month (or every month due) to a hash-chained archive file."""

from django.core.management.base import BaseCommand, CommandError

from apps.core import audit_archive


class Command(BaseCommand):
    help = "把一个月的审计记录归档为 HMAC-SM3 哈希链文件（不删除任何记录）。"

    def add_arguments(self, parser):
        parser.add_argument("--month", help="YYYY-MM；省略时归档所有已结束且未归档的月份")

    def handle(self, *args, month=None, **options):
        try:
            if month:
                path, count = audit_archive.archive_month(audit_archive.parse_month(month))
                self.stdout.write(f"{path}: {count} entries")
            else:
                for path in audit_archive.archive_due():
                    self.stdout.write(str(path))
        except audit_archive.ArchiveError as error:
            raise CommandError(str(error)) from error
