"""Personal fields encrypted at rest with SM4 (apps/core/crypto.py, docs/security.md
"Personal information"): the column becomes text and every existing plaintext value is
encrypted under PII_ENCRYPTION_KEY. Rolled back, the values are decrypted first."""

import apps.core.crypto
from django.db import migrations

from apps.core import crypto


def encrypt_existing(apps, schema_editor):
    crypto.encrypt_column(schema_editor, "enterprises_enterprise", "contact_phone")


def decrypt_existing(apps, schema_editor):
    crypto.decrypt_column(schema_editor, "enterprises_enterprise", "contact_phone")


class Migration(migrations.Migration):

    dependencies = [
        ('enterprises', '0002_enterprise_public_and_name_changes'),
    ]

    operations = [
        migrations.AlterField(
            model_name='enterprise',
            name='contact_phone',
            field=apps.core.crypto.EncryptedTextField(blank=True, max_length=30, verbose_name='联系电话'),
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing),
    ]

