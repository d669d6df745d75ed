"""Inserting an import's new rows with their foreign keys checked once per referenced row.

PostgreSQL checks a foreign key with a trigger for every inserted row: a planned look-up and
a row lock on the referenced table, each time. For 2 M indicator values that was 17.5 s at
commit, as much as the rest of the write. The import has already resolved every reference
in its staging table, so here, for the whole batch at once:

1. each referenced row is locked `FOR KEY SHARE`, once (the lock the trigger takes: no other
   transaction can delete the row or change its key until this one ends);
2. a new row whose reference matches no locked row fails the import (it cannot happen after
   the import's own checks, unless the row was deleted in between);
3. the INSERT runs with `session_replication_role = replica`, which leaves out the per-row
   triggers for that one statement, and the setting is put back.

Setting `session_replication_role` needs a superuser or, from PostgreSQL 15,
`GRANT SET ON PARAMETER session_replication_role TO <role>` (README). Without it the INSERT
runs with the triggers as usual: the same result, slower. The batch path is taken only when
every INSERT trigger on the table is a foreign-key check verified here, or one the kind names
as standing aside for its rows (it would not change them); any other trigger (a deferred
unique check, an audit trigger added later) keeps the row-by-row path.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass

from django.db import IntegrityError

from apps.core.imports.pages import on_fresh_pages

TRIGGER_ON_INSERT = 1 << 2  # pg_trigger.tgtype's TRIGGER_TYPE_INSERT bit


@dataclass(frozen=True)
class Reference:
    column: str
    table: str  # the referenced table, quoted as regclass text
    key: str  # the referenced column


def may_skip_row_triggers(cursor) -> bool:
    cursor.execute("SELECT has_parameter_privilege('session_replication_role', 'SET')")
    return cursor.fetchone()[0]


def references_to_check(
    cursor, table: str, columns: list[str], standing_aside: tuple[str, ...]
) -> list[Reference] | None:
    """The foreign keys an INSERT of `columns` into `table` must check, or None where the
    INSERT must keep its per-row triggers."""
    cursor.execute(
        "SELECT t.tgname, t.tgisinternal, t.tgfoid = 'pg_catalog.\"RI_FKey_check_ins\"'"
        "::regproc FROM pg_trigger t WHERE t.tgrelid = %s::regclass "
        "AND t.tgenabled <> 'D' AND t.tgtype & %s <> 0",
        [table, TRIGGER_ON_INSERT],
    )
    for name, internal, foreign_key_check in cursor.fetchall():
        if not (foreign_key_check if internal else name in standing_aside):
            return None
    cursor.execute(
        "SELECT array_length(c.conkey, 1), a.attname, a.atthasdef, "
        "c.confrelid::regclass::text, f.attname FROM pg_constraint c "
        "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
        "JOIN pg_attribute f ON f.attrelid = c.confrelid AND f.attnum = c.confkey[1] "
        "WHERE c.conrelid = %s::regclass AND c.contype = 'f'",
        [table],
    )
    references = []
    for width, column, has_default, referenced, key in cursor.fetchall():
        if width != 1:
            return None  # a composite key: not written here
        if column in columns:
            references.append(Reference(column, referenced, key))
        elif has_default:
            return None  # the database fills it in: check it the usual way
    return references


def insert_new_rows(
    cursor,
    table: str,
    columns: list[str],
    values: list[str],
    rows: str,
    order: str,
    standing_aside: tuple[str, ...] = (),
    fresh_pages: bool = False,
) -> None:
    """INSERT into `table` the `rows` (SQL: `FROM ... WHERE ...`, the source row named
    `st`): `values` are SQL over `st`, one per column of `columns`. With `fresh_pages`, the
    set-based INSERT puts them on fresh pages (`pages.on_fresh_pages`); the row-by-row one
    cannot, as it queues a key check per row and PostgreSQL then refuses the `ALTER TABLE`
    that puts the table's fillfactor back."""
    statement = (
        f"INSERT INTO {table} ({', '.join(columns)}) "
        f"SELECT {', '.join(values)} {rows} ORDER BY {order}"
    )
    references = (
        references_to_check(cursor, table, columns, standing_aside)
        if may_skip_row_triggers(cursor)
        else None
    )
    if references is None:
        cursor.execute(statement)
        return
    expression = dict(zip(columns, values, strict=True))
    for reference in references:
        _lock_referenced(cursor, reference, expression[reference.column], rows)
    with on_fresh_pages(cursor, table) if fresh_pages else nullcontext():
        cursor.execute("SELECT set_config('session_replication_role', 'replica', true)")
        cursor.execute(statement)
        cursor.execute("SELECT set_config('session_replication_role', 'origin', true)")


def _lock_referenced(cursor, reference: Reference, expression: str, rows: str) -> None:
    """Lock the rows the new rows refer to; fail if one of them is not there."""
    cursor.execute(
        f"WITH wanted AS MATERIALIZED (SELECT DISTINCT {expression} AS key {rows} "
        f"AND {expression} IS NOT NULL), locked AS (SELECT FROM {reference.table} r "
        f"WHERE r.{reference.key} IN (SELECT key FROM wanted) FOR KEY SHARE OF r) "
        "SELECT (SELECT count(*) FROM wanted) - (SELECT count(*) FROM locked)"
    )
    if cursor.fetchone()[0] == 0:
        return
    cursor.execute(
        f"SELECT ({expression})::text {rows} AND NOT EXISTS "
        f"(SELECT FROM {reference.table} r WHERE r.{reference.key} = {expression}) LIMIT 1"
    )
    raise IntegrityError(
        f"{reference.column} = {cursor.fetchone()[0]} refers to no row of {reference.table}"
    )
