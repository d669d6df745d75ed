"""`python manage.py reencrypt_personal_data`: after PII_ENCRYPTION_KEY changed (the old key
moved to PII_ENCRYPTION_OLD_KEYS), rewrite every encrypted personal field under the new key
and recompute the blind indexes; then the old key can be dropped (docs/operations.md)."""

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from apps.core import crypto


class Command(BaseCommand):
    help = "Re-encrypt every personal field under the current PII_ENCRYPTION_KEY."

    def handle(self, *args, **options):
        total = 0
        for model, field in crypto.encrypted_fields():
            index = model._meta.get_field(field.blind_index).column if field.blind_index else ""
            with transaction.atomic():
                count = crypto.reencrypt_column(
                    connection, model._meta.db_table, field.column, index_column=index
                )
            total += count
            if count:
                self.stdout.write(f"{model._meta.label}.{field.name}: {count}")
        self.stdout.write(f"re-encrypted {total} value(s) under key {crypto.current_key().key_id}")
