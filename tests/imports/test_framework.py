"""The framework's extension points, with a kind declared here: row rules (cross-column),
SQL checks over all rows, absent columns, and the engine's result for previews."""

import io

import pytest

from apps.catalog.enums import Sector
from apps.catalog.models import Category
from apps.core.imports import (
    TIMESTAMPS_ON_INSERT,
    Check,
    Choice,
    Code,
    Column,
    Date,
    Field,
    ImportKind,
    Text,
)
from apps.core.imports.engine import run_import

pytestmark = pytest.mark.django_db


def _no_service_named_goods(values):
    if values["sector"] == "services" and values["name"] and "产品" in values["name"]:
        yield "name", "服务类别的名称不应包含“产品”"


KIND = ImportKind(
    name="test_categories",
    label="test",
    table="catalog_category",
    columns=[
        Column("code", "类别代码", Code(32), required=True),
        Column("name", "类别名称", Text(100), required=True),
        Column("sector", "领域", Choice(Sector), required=True),
        Column("since", "起始日期", Date()),
    ],
    key=("code",),
    target_key=[Field("code", "s.code")],
    fields=[Field("name", "s.name", "name"), Field("sector", "s.sector", "sector")],
    checks=[
        Check(
            column="sector",
            sql="SELECT min(row_no) AS row_no, sector, count(*) AS n FROM import_stage "
            "WHERE sector IS NOT NULL GROUP BY sector HAVING count(*) > 2 ORDER BY 1",
            message="领域 %(sector)s 在一个文件中最多 2 行，实际 %(n)s 行",
        )
    ],
    row_rules=[_no_service_named_goods],
    on_insert={**TIMESTAMPS_ON_INSERT, "kind": "'product'"},
    on_update=[Field("updated_at", "now()")],
    sql="SELECT t.code, t.name, t.sector, NULL FROM catalog_category t {where} ORDER BY 1",
)


def run(content: str, **options):
    data = content.encode("utf-8")
    return run_import(KIND, io.BytesIO(data), "test.csv", size=len(data), **options)


def test_row_rules_and_sql_checks_report_with_the_rest():
    result = run(
        "code,name,sector,since\n"
        "A,家电产品,services,2026/1/2\n"
        "B,乙,emerging,\n"
        "C,丙,emerging,\n"
        "D,丁,emerging,yesterday\n"
    )
    assert result.error_lines() == [
        "row 2, column name: 服务类别的名称不应包含“产品”",
        "row 3, column sector: 领域 emerging 在一个文件中最多 2 行，实际 3 行",
        "row 5, column since: “yesterday” 不是有效的日期（格式为 YYYY-MM-DD 或 YYYY/M/D）",
    ]
    assert (result.written, result.rows) == (False, 4)
    assert not Category.objects.exists()


def test_preview_classifies_rows_and_dry_run_writes_nothing():
    Category.objects.create(code="B", name="乙", sector="emerging")
    Category.objects.create(code="C", name="丙", sector="emerging")
    result = run(
        "sector,code,name\nemerging,A,甲\nemerging,B,乙\nservices,C,丙\n",
        dry_run=True,
        preview_rows=10,
    )
    assert result.ok and not result.written
    assert [(row.row, row.action, row.key) for row in result.preview] == [
        (2, "new", ["A"]),
        (3, "unchanged", ["B"]),
        (4, "update", ["C"]),
    ]
    assert result.summary == "test_categories: created 1, updated 1, unchanged 1"
    assert Category.objects.count() == 2
    result = run("sector,code,name\nemerging,A,甲\nemerging,B,乙\nservices,C,丙\n")
    assert result.written
    assert dict(Category.objects.values_list("code", "sector")) == {
        "A": "emerging",
        "B": "emerging",
        "C": "services",
    }
