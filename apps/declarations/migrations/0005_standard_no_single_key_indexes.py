import django.db.models.deletion
from django.db import migrations, models

# The unique (enterprise, standard_no) index and the (category, status, published_on) index
# already serve every look-up by enterprise or by category alone; the single-column indexes
# only cost each new or changed standard two more index writes. As in 0004, only the indexes
# go: Django's AlterField would also drop and re-add both foreign keys, re-checking every row.
INDEXES = {
    "declarations_standard_enterprise_id_9a7e1889": "enterprise_id",
    "declarations_standard_category_id_3d3ba7e5": "category_id",
}


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_indicator_national_mandatory"),
        ("enterprises", "0001_initial"),
        ("declarations", "0004_indicatorvalue_no_single_key_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{name}"',
                    f'CREATE INDEX "{name}" ON declarations_standard ("{column}")',
                )
                for name, column in INDEXES.items()
            ],
            state_operations=[
                migrations.AlterField(
                    model_name="standard",
                    name="enterprise",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="standards",
                        to="enterprises.enterprise",
                        verbose_name="企业",
                    ),
                ),
                migrations.AlterField(
                    model_name="standard",
                    name="category",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="standards",
                        to="catalog.category",
                        verbose_name="类别",
                    ),
                ),
            ],
        )
    ]
