"""Personal fields encrypted at rest with SM4 (apps/core/crypto.py, docs/security.md
"Personal information"): the column becomes text and every existing plaintext value is
encrypted under PII_ENCRYPTION_KEY. Rolled back, the values are decrypted first."""

import apps.core.crypto
from django.db import migrations

from apps.core import crypto


def encrypt_existing(apps, schema_editor):
    crypto.encrypt_column(schema_editor, "evaluators_schemecomment", "contact")


def decrypt_existing(apps, schema_editor):
    crypto.decrypt_column(schema_editor, "evaluators_schemecomment", "contact")


class Migration(migrations.Migration):

    dependencies = [
        ('evaluators', '0002_scheme_one_approved_per_agency'),
    ]

    operations = [
        migrations.AlterField(
            model_name='schemecomment',
            name='contact',
            field=apps.core.crypto.EncryptedTextField(blank=True, max_length=100, verbose_name='联系方式'),
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing),
    ]

