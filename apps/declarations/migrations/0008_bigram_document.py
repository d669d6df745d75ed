"""The search document holds bigrams only, from the recheck text (search_sql.BIGRAM_INSTALL):
53 entries a standard instead of 90, a third less of what a standards import pays. Every
document is rebuilt here, set-based, and the GIN index built afresh after (at national scale,
3.17 M standards, minutes: docs/declarations.md)."""

from django.db import migrations

from apps.declarations.search_sql import BIGRAM_INSTALL, BIGRAM_UNINSTALL, REBUILD_DOCUMENTS


class Migration(migrations.Migration):
    dependencies = [
        ("declarations", "0007_search_batch_updates"),
    ]

    operations = [
        migrations.RunSQL(BIGRAM_INSTALL + REBUILD_DOCUMENTS, BIGRAM_UNINSTALL + REBUILD_DOCUMENTS)
    ]
