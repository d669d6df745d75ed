import pytest
from django.db import connection, transaction

from apps.core.prepared import PreparedStatement

pytestmark = pytest.mark.django_db

STATEMENT = PreparedStatement("test_add", "SELECT $1::int + $2::int", ("int", "int"))


def _prepared_names() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements WHERE name LIKE 'test_add%%'")
        return [row[0] for row in cursor.fetchall()]


def test_prepared_once_per_session_and_kept_across_rollbacks(django_assert_num_queries):
    def add(a, b):
        with connection.cursor() as cursor:
            STATEMENT.execute(cursor, [a, b])
            return cursor.fetchone()[0]

    with django_assert_num_queries(1):  # the PREPARE is session setup, not a query
        assert add(1, 2) == 3
    try:
        with transaction.atomic():
            assert add(3, 4) == 7
            raise RuntimeError("roll back")
    except RuntimeError:
        pass
    with django_assert_num_queries(1):
        assert add(5, 6) == 11
    assert _prepared_names() == [STATEMENT.name]
