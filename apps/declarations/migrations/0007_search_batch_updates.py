"""The per-row search trigger on UPDATE stands aside while a batch import writes the search
columns itself (`apps.declarations.imports.StandardsImport.write`).

The import sets `declarations.search_batch` to `on` for its own UPDATE statement only
(`set_config(..., true)`: local to the transaction, and set back right after), and that
statement assigns `search_document` and `search_text` computed set-based from the new values
with the same functions the trigger calls. Every other write (the forms, the services, the
admin, an enterprise's new name) still goes through the trigger as before. Inserts need no
such switch: `declarations_standard_search_insert` already leaves alone a row that arrives
with both columns set.
"""

from django.db import migrations

INSTALL = r"""
CREATE OR REPLACE TRIGGER declarations_standard_search_update
  BEFORE UPDATE OF standard_no, name, products, enterprise_id, search_document, search_text
  ON declarations_standard
  FOR EACH ROW
  WHEN (current_setting('declarations.search_batch', true) IS DISTINCT FROM 'on')
  EXECUTE FUNCTION declarations_standard_search_trigger();
"""

UNINSTALL = r"""
CREATE OR REPLACE TRIGGER declarations_standard_search_update
  BEFORE UPDATE OF standard_no, name, products, enterprise_id, search_document, search_text
  ON declarations_standard
  FOR EACH ROW EXECUTE FUNCTION declarations_standard_search_trigger();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("declarations", "0006_search_synonyms"),
    ]

    operations = [migrations.RunSQL(INSTALL, UNINSTALL)]
