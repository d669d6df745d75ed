"""A bulk import leaves the search document to a background job (search_sql.DEFERRED_INSTALL):
the insert trigger stands aside under `declarations.search_batch`, and the partial index
`standard_search_pending` finds the rows still waiting, for search and for the job."""

from django.db import migrations, models

from apps.declarations.search_sql import DEFERRED_INSTALL, DEFERRED_UNINSTALL


class Migration(migrations.Migration):
    dependencies = [
        ("declarations", "0008_bigram_document"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="standard",
            index=models.Index(
                condition=models.Q(("search_document__isnull", True)),
                fields=["id"],
                name="standard_search_pending",
            ),
        ),
        migrations.RunSQL(DEFERRED_INSTALL, DEFERRED_UNINSTALL),
    ]
