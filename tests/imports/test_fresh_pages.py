"""Imported standards go to fresh pages, not into the gaps of the table's old ones
(`apps.core.imports.pages`), and the table's own settings are never changed for others."""

import uuid

import psycopg2
import pytest
from django.db import connection

from apps.core.imports.pages import on_fresh_pages
from apps.declarations.models import Standard
from tests.factories.declarations import StandardFactory
from tests.imports.conftest import USCC_A

pytestmark = pytest.mark.django_db

TABLE = "declarations_standard"
HEADER = "uscc,standard_no,name,category_code,published_on\n"


def _reloptions():
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE oid = %s::regclass", [TABLE])
        return cursor.fetchone()[0]


def _set_fillfactor(value):
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {TABLE} SET (fillfactor = {value})")


def _pages_with_gaps(enterprise, category):
    """Full pages of long rows, each with a gap a short row fits; the last page's number."""
    StandardFactory.create_batch(
        120, enterprise=enterprise, category=category, products="长产品说明" * 60
    )
    with connection.cursor() as cursor:
        # Their deferred key checks now: with trigger events queued on the table,
        # PostgreSQL refuses the ALTER TABLE (as it would in an import run after them).
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"SELECT max((ctid::text::point)[0])::int FROM {TABLE}")
        return cursor.fetchone()[0]


def _short_rows(count):
    return HEADER + "".join(
        f"{USCC_A},Q/NEW {n:03d}-2026,短,C-AC,2026-01-02\n" for n in range(count)
    )


def _pages_of_new_rows():
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT array_agg(DISTINCT (ctid::text::point)[0]::int) FROM {TABLE} "
            "WHERE standard_no LIKE 'Q/NEW %%'"
        )
        return cursor.fetchone()[0]


def test_imported_rows_skip_the_gaps_of_old_pages(run_import, catalogue, enterprises):
    last_old_page = _pages_with_gaps(enterprises[0], catalogue["C-AC"])
    outcome = run_import("standards", _short_rows(40))
    assert outcome.code == 0, outcome.err
    assert min(_pages_of_new_rows()) >= last_old_page
    assert _reloptions() is None  # set for the INSERT only, reset before the commit


def test_with_the_operators_fillfactor_the_rows_fill_the_gaps(run_import, catalogue, enterprises):
    """The control: an operator's own fillfactor is left alone, and rows go where they
    would (which shows the gaps above were there to be filled)."""
    last_old_page = _pages_with_gaps(enterprises[0], catalogue["C-AC"])
    _set_fillfactor(100)
    outcome = run_import("standards", _short_rows(40))
    assert outcome.code == 0, outcome.err
    assert min(_pages_of_new_rows()) < last_old_page
    assert _reloptions() == ["fillfactor=100"]


def test_not_lowered_without_ownership_with_queued_checks_or_with_a_fillfactor():
    with connection.cursor() as cursor:
        with on_fresh_pages(cursor, TABLE) as lowered:
            assert lowered
            assert _reloptions() == ["fillfactor=90"]
        assert _reloptions() is None

        role = f"import_plain_{uuid.uuid4().hex[:12]}"
        cursor.execute(f"CREATE ROLE {role} NOLOGIN")
        cursor.execute(f"GRANT SELECT ON {TABLE} TO {role}")
        cursor.execute(f"SET LOCAL ROLE {role}")
        with on_fresh_pages(cursor, TABLE) as lowered:
            assert not lowered
        cursor.execute("RESET ROLE")

    _set_fillfactor(70)
    with connection.cursor() as cursor, on_fresh_pages(cursor, TABLE) as lowered:
        assert not lowered
    assert _reloptions() == ["fillfactor=70"]

    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE {TABLE} RESET (fillfactor)")
    StandardFactory()  # its deferred key checks are queued on the table
    with connection.cursor() as cursor, on_fresh_pages(cursor, TABLE) as lowered:
        assert not lowered
    assert _reloptions() is None


def test_a_held_lock_is_not_waited_for(run_import, catalogue, enterprises):
    """A VACUUM or an index build holds the lock ALTER TABLE needs: the import goes on at
    once without the lower fillfactor."""
    parameters = connection.get_connection_params()  # the test database, on any server
    other = psycopg2.connect(**parameters)
    try:
        with other.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {TABLE} IN SHARE UPDATE EXCLUSIVE MODE")
        outcome = run_import("standards", _short_rows(3))
    finally:
        other.rollback()
        other.close()
    assert outcome.code == 0, outcome.err
    assert Standard.objects.filter(standard_no__startswith="Q/NEW ").count() == 3
    with connection.cursor() as cursor:
        cursor.execute("SHOW lock_timeout")
        assert cursor.fetchone()[0] == "0"  # the short timeout went with its savepoint
    assert _reloptions() is None


def test_an_import_that_also_moves_rows_to_another_category(run_import, standards):
    """Its UPDATE queues the moved rows' key checks: the new rows go where they would, and
    the import succeeds."""
    content = (
        "uscc,standard_no,name,category_code,published_on\n"
        f"{USCC_A},Q/JDQ 001-2026,房间空气调节器,C-RICE,2026-03-15\n"
    ) + _short_rows(2).removeprefix(HEADER)
    outcome = run_import("standards", content)
    assert outcome.code == 0, outcome.err
    assert outcome.out == "standards: created 2, updated 1, unchanged 0"
    assert _reloptions() is None
