"""An import's new rows on fresh pages rather than in the gaps of a large table's old ones.

PostgreSQL puts a new row on any page its free-space map says has room. A table whose rows
vary in size keeps, in most of its pages, a gap smaller than a typical row; rows written
smaller than usual fit those gaps. Imported standards are such rows: their search document
comes later, from a background job, so they are a third of a finished row's size. 400,000
of them into the national table (3.17 M standards) went one to an old page, about 100,000
pages read, dirtied and logged whole (full-page images, 1.1 GB of WAL), and that `INSERT`
took 5.4 s where the same rows on fresh pages took 4.3 s (docs/benchmarks.md, "Importing
standards", session 13).

A page is offered only if it has room for the row plus the space the table's `fillfactor`
keeps free. So for the import's set-based `INSERT` alone (`references.insert_new_rows`) the
table's fillfactor is set to 90, inside the import's transaction, and reset right after:
no other session ever sees it, the gaps (less than a row) no longer qualify, and the new
pages are filled to 90 %.

Taken only where it changes nothing for anyone else:
- the role owns the table (`ALTER TABLE` needs it; otherwise the rows go where they would);
- the table has no fillfactor of its own (an operator's setting is left alone);
- the lock `ALTER TABLE … SET (fillfactor)` takes is free at once (SHARE UPDATE EXCLUSIVE:
  reads and writes never wait for it; a VACUUM or an index build on the table holds it, and
  one that starts during the import waits for its commit, seconds);
- the transaction has no trigger events queued on the table (PostgreSQL refuses an
  `ALTER TABLE` then): e.g. deferred key checks of rows the import's `UPDATE` moved to
  another enterprise or category, or wrote earlier in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import OperationalError, transaction

IMPORT_FILLFACTOR = 90
# The lock is held elsewhere; or this transaction has queued trigger events on the table
# (deferred foreign-key checks of rows it wrote before the import).
NOT_NOW = {"55P03", "55006"}


@contextmanager
def on_fresh_pages(cursor, table: str) -> Iterator[bool]:
    """Run the block (an INSERT into `table` that queues no trigger events) with the
    table's fillfactor lowered; yields whether it was."""
    lowered = _lower_fillfactor(cursor, table)
    yield lowered
    # Not in a `finally`: after an error the transaction is aborted and rolls back anyway.
    if lowered:
        cursor.execute(f"ALTER TABLE {table} RESET (fillfactor)")


def _lower_fillfactor(cursor, table: str) -> bool:
    cursor.execute(
        "SELECT pg_has_role(c.relowner, 'USAGE'), coalesce(c.reloptions, '{}'), "
        "current_setting('lock_timeout') FROM pg_class c WHERE c.oid = %s::regclass",
        [table],
    )
    owner, options, lock_timeout = cursor.fetchone()
    if not owner or any(option.startswith("fillfactor=") for option in options):
        return False
    try:
        with transaction.atomic():
            # Set local to the savepoint: it goes back with it, or with the transaction.
            cursor.execute("SELECT set_config('lock_timeout', '100ms', true)")
            cursor.execute(f"ALTER TABLE {table} SET (fillfactor = {IMPORT_FILLFACTOR})")
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [lock_timeout])
    except OperationalError as error:
        if getattr(error.__cause__, "pgcode", None) not in NOT_NOW:
            raise
        return False
    return True
