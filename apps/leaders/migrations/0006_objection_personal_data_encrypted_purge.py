"""Personal fields encrypted at rest with SM4 (apps/core/crypto.py, docs/security.md
"Personal information"): the column becomes text and every existing plaintext value is
encrypted under PII_ENCRYPTION_KEY. Rolled back, the values are decrypted first."""

import apps.core.crypto
from django.db import migrations, models

from apps.core import crypto


def encrypt_existing(apps, schema_editor):
    crypto.encrypt_column(schema_editor, "leaders_objection", "name")
    crypto.encrypt_column(schema_editor, "leaders_objection", "contact", index_column="contact_index")


def decrypt_existing(apps, schema_editor):
    crypto.decrypt_column(schema_editor, "leaders_objection", "name")
    crypto.decrypt_column(schema_editor, "leaders_objection", "contact")


class Migration(migrations.Migration):

    dependencies = [
        ('leaders', '0005_notification_kind_incentive'),
    ]

    operations = [
        migrations.AddField(
            model_name='objection',
            name='contact_index',
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=32, verbose_name='联系方式索引'),
        ),
        migrations.AddField(
            model_name='objection',
            name='personal_data_purged_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='个人信息删除时间'),
        ),
        migrations.AddField(
            model_name='objection',
            name='privacy_consent_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='同意个人信息处理说明时间'),
        ),
        migrations.AlterField(
            model_name='objection',
            name='contact',
            field=apps.core.crypto.EncryptedTextField(blank=True, blind_index='contact_index', max_length=200, verbose_name='联系方式'),
        ),
        migrations.AlterField(
            model_name='objection',
            name='name',
            field=apps.core.crypto.EncryptedTextField(blank=True, max_length=100, verbose_name='异议人姓名或单位'),
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing),
    ]

