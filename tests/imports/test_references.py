"""New rows' foreign keys checked once per referenced row (`references.insert_new_rows`):
the referenced rows are locked and verified, the per-row triggers are left out only where
the database role may do so and every INSERT trigger is accounted for."""

import uuid

import pytest
from django.db import IntegrityError, connection, transaction

from apps.core.imports.references import (
    Reference,
    insert_new_rows,
    may_skip_row_triggers,
    references_to_check,
)
from tests.factories.catalog import IndicatorFactory
from tests.factories.declarations import StandardFactory

pytestmark = pytest.mark.django_db

VALUES = "declarations_indicatorvalue"
COLUMNS = ["standard_id", "indicator_id", "value"]


def _source(cursor, rows):
    cursor.execute("CREATE TEMP TABLE source_rows (standard_id bigint, indicator_id bigint)")
    cursor.executemany("INSERT INTO source_rows VALUES (%s, %s)", rows)


def _insert(cursor):
    insert_new_rows(
        cursor,
        VALUES,
        COLUMNS,
        ["st.standard_id", "st.indicator_id", "1.5"],
        "FROM source_rows st WHERE true",
        "st.standard_id",
    )


def _standard_with_indicator():
    standard = StandardFactory()
    return standard, IndicatorFactory(category=standard.category)


def test_the_values_table_is_checked_set_based():
    with connection.cursor() as cursor:
        references = references_to_check(cursor, VALUES, COLUMNS, ())
    assert sorted(references, key=lambda r: r.column) == [
        Reference("indicator_id", "catalog_indicator", "id"),
        Reference("standard_id", "declarations_standard", "id"),
    ]


def test_an_insert_trigger_not_named_keeps_the_row_by_row_path():
    columns = ["enterprise_id", "category_id", "standard_no"]
    with connection.cursor() as cursor:
        assert references_to_check(cursor, "declarations_standard", columns, ()) is None
        named = references_to_check(
            cursor, "declarations_standard", columns, ("declarations_standard_search_insert",)
        )
    assert {reference.column for reference in named} == {"enterprise_id", "category_id"}


def test_new_rows_are_written_and_their_referenced_rows_locked():
    standard, indicator = _standard_with_indicator()
    with connection.cursor() as cursor:
        assert may_skip_row_triggers(cursor)  # the test database's role is a superuser
        _source(cursor, [(standard.pk, indicator.pk)])
        _insert(cursor)
        cursor.execute(f"SELECT value FROM {VALUES} WHERE standard_id = %s", [standard.pk])
        assert cursor.fetchall() == [(pytest.approx(1.5),)]
        # The lock the trigger would have taken: this transaction holds the standard's row.
        cursor.execute(
            "SELECT xmax::text = (txid_current() %% (2^32)::bigint)::text "
            "FROM declarations_standard WHERE id = %s",
            [standard.pk],
        )
        assert cursor.fetchone() == (True,)
        cursor.execute("SHOW session_replication_role")
        assert cursor.fetchone() == ("origin",)


def test_a_reference_to_a_missing_row_fails_and_writes_nothing():
    standard, indicator = _standard_with_indicator()
    with connection.cursor() as cursor:
        _source(cursor, [(standard.pk, indicator.pk), (standard.pk + 10_000, indicator.pk)])
        missing = f"standard_id = {standard.pk + 10_000} "
        with pytest.raises(IntegrityError, match=missing), transaction.atomic():
            _insert(cursor)
        cursor.execute(f"SELECT count(*) FROM {VALUES} WHERE standard_id = %s", [standard.pk])
        assert cursor.fetchone() == (0,)


def test_a_role_without_the_privilege_keeps_the_per_row_checks():
    standard, indicator = _standard_with_indicator()
    role = f"import_plain_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE ROLE {role} NOLOGIN")
        cursor.execute(f"GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA public TO {role}")
        cursor.execute(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {role}")
        _source(cursor, [(standard.pk + 10_000, indicator.pk)])
        cursor.execute(f"GRANT SELECT ON source_rows TO {role}")
        cursor.execute(f"SET LOCAL ROLE {role}")
        assert not may_skip_row_triggers(cursor)
        # The trigger's check, deferred to commit: made immediate here to see it.
        with pytest.raises(IntegrityError, match="foreign key"), transaction.atomic():
            _insert(cursor)
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("RESET ROLE")
        cursor.execute(f"GRANT SET ON PARAMETER session_replication_role TO {role}")
        cursor.execute(f"SET LOCAL ROLE {role}")
        assert may_skip_row_triggers(cursor)
        cursor.execute("RESET ROLE")
