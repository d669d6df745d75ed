"""Recompute the HMAC-SM3 chain of audit archive files; exit 1 at the first broken line."""

from django.core.management.base import BaseCommand, CommandError

from apps.core import audit_archive


class Command(BaseCommand):
    help = "校验审计归档文件的哈希链；发现断点时以状态 1 退出并指出文件、行号和记录编号。"

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", help="归档文件或目录（按文件名顺序校验）")

    def handle(self, *args, paths, **options):
        files = audit_archive.archive_files(paths)
        if not files:
            raise CommandError("没有找到归档文件。")
        broken = audit_archive.verify(files)
        if broken:
            raise CommandError(str(broken))
        self.stdout.write(f"OK: {len(files)} file(s), chain intact")
