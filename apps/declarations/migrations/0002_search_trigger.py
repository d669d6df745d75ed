from django.db import migrations

from apps.declarations.search_sql import INSTALL, UNINSTALL


class Migration(migrations.Migration):
    dependencies = [
        ("declarations", "0001_initial"),
        ("enterprises", "0001_initial"),
    ]

    operations = [migrations.RunSQL(INSTALL, UNINSTALL)]
