"""Personal fields encrypted at rest with SM4 (apps/core/crypto.py, docs/security.md
"Personal information"): the column becomes text and every existing plaintext value is
encrypted under PII_ENCRYPTION_KEY. Rolled back, the values are decrypted first."""

import apps.core.crypto
from django.db import migrations, models

from apps.core import crypto


def encrypt_existing(apps, schema_editor):
    crypto.encrypt_column(schema_editor, "accounts_user", "phone")


def decrypt_existing(apps, schema_editor):
    crypto.decrypt_column(schema_editor, "accounts_user", "phone")


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0004_user_language'),
    ]

    operations = [
        migrations.AddField(
            model_name='user',
            name='privacy_consent_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='同意个人信息处理说明时间'),
        ),
        migrations.AlterField(
            model_name='user',
            name='phone',
            field=apps.core.crypto.EncryptedTextField(blank=True, max_length=30, verbose_name='电话'),
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing),
    ]

