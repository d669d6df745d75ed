from django.db import migrations, models

from apps.declarations.search_sql import SEARCH_TEXT_INSTALL, SEARCH_TEXT_UNINSTALL


class Migration(migrations.Migration):
    dependencies = [
        ("declarations", "0002_search_trigger"),
    ]

    operations = [
        migrations.AddField(
            model_name="standard",
            name="search_text",
            field=models.TextField(editable=False, null=True, verbose_name="检索文本"),
        ),
        migrations.RunSQL(SEARCH_TEXT_INSTALL, SEARCH_TEXT_UNINSTALL),
    ]
