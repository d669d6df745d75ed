import django.db.models.deletion
from django.db import migrations, models

# Only the two single-column indexes go. Django's own AlterField would also drop and re-add
# both foreign keys, re-validating 16 million rows at national scale for nothing.
INDEXES = {
    "declarations_indicatorvalue_indicator_id_7c90a804": "indicator_id",
    "declarations_indicatorvalue_standard_id_613a6898": "standard_id",
}


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_indicator_national_mandatory"),
        ("declarations", "0003_search_text"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{name}"',
                    f'CREATE INDEX "{name}" ON declarations_indicatorvalue ("{column}")',
                )
                for name, column in INDEXES.items()
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="indicatorvalue",
                    name="indicator",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="values",
                        to="catalog.indicator",
                        verbose_name="指标",
                    ),
                ),
                migrations.AlterField(
                    model_name="indicatorvalue",
                    name="standard",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="values",
                        to="declarations.standard",
                        verbose_name="标准",
                    ),
                ),
            ],
        )
    ]
