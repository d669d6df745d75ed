"""Import/export kinds `standards` and `indicator_values` (CONTRACT.md section 2).

Imports write the current public state (`Standard`, `IndicatorValue`) directly; they create
no `StandardVersion`. The standards import writes `search_text` itself, set-based for the
whole file, with the database's own function, and leaves `search_document` (the bigram index's
entries, most of an import's cost) to a background job (`StandardsImport`). They run
the workflow's rules all the same: a standard's status moves only along
the standard's workflow (never back from abolished), and a value lies in the range the form
allows, with the form's message.
"""

from dataclasses import replace
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from apps.catalog.models import Indicator
from apps.core.imports import (
    STAGE,
    STAGE_RAW,
    TIMESTAMPS_ON_INSERT,
    Check,
    Choice,
    Code,
    Column,
    Date,
    DecimalNumber,
    ExportFilter,
    Field,
    ImportKind,
    Integer,
    StatusRule,
    Text,
    Uscc,
    register,
)
from apps.core.workflow import forward_pairs
from apps.declarations import synonym_imports  # noqa: F401  (registers `synonyms`)
from apps.declarations.enums import (
    StandardStatus,
    standard_transition_refused,
)
from apps.declarations.search_sql import SEARCH_BATCH
from apps.declarations.services import STANDARD
from apps.declarations.tasks import search_index_pending
from apps.declarations.validators import (
    MAX_ABS_VALUE,
    PERCENT_RANGE,
    is_percent,
    value_range_problem,
)

USCC = Column("uscc", "统一社会信用代码", Uscc(), required=True)
STANDARD_NO = Column("standard_no", "标准编号", Text(100, cacheable=True), required=True)
ENTERPRISE_JOIN = "LEFT JOIN enterprises_enterprise e ON e.uscc = s.uscc"
ENTERPRISE_EXISTS = Check(
    column="uscc",
    sql="SELECT row_no, uscc FROM import_stage "
    "WHERE uscc IS NOT NULL AND enterprise_id IS NULL ORDER BY row_no",
    message=_("企业 %(uscc)s 不存在（请先导入企业）"),
)
# The standard's kind follows from its number: Q/ enterprise, T/ group, GB national,
# DB local; anything else is an industry standard (e.g. QB/T, JB/T).
STANDARD_TYPE = (
    "CASE WHEN upper(st.standard_no) LIKE 'Q/%' THEN 'enterprise' "
    "WHEN upper(st.standard_no) LIKE 'T/%' THEN 'group' "
    "WHEN upper(st.standard_no) LIKE 'GB%' THEN 'national' "
    "WHEN upper(st.standard_no) LIKE 'DB%' THEN 'local' ELSE 'industry' END"
)


# The search columns of new rows, for the whole batch in the INSERT itself: the recheck text
# from the values inserted and the enterprise's name resolved once in the staging table; the
# document is left NULL, for `search_index_pending` after the commit (search_sql.py,
# migration 0009). The per-row trigger stands aside for both (its WHEN clause, under
# `declarations.search_batch`). Until the job has run, search finds these rows through the
# recheck text alone (search.py): exactly, and slower only while thousands are waiting.
def search_text(arguments: str) -> str:
    """The recheck text as SQL over `arguments` (number, name, products, enterprise)."""
    return f"declarations_search_text({arguments})"


SEARCH_ON_INSERT = {
    "search_document": "NULL",
    "search_text": search_text("st._k_standard_no, st._f_name, st._f_products, st.enterprise_name"),
}


class StandardsImport(ImportKind):
    """Changed rows get their recheck text in the same set-based UPDATE, from their new
    values, and lose their document only where that text changed; the per-row update trigger
    stands aside for that one statement (it checks `declarations.search_batch`, set local to
    the transaction and set back right after). After the commit the background job indexes
    the rows left without a document."""

    def write(self, cursor, present: set[str]) -> None:
        # In an UPDATE every `t.` column is the stored value: the file's where it has one.
        name = "st._f_name" if "name" in present else "t.name"
        products = "st._f_products" if "products" in present else "t.products"
        text = search_text(f"t.standard_no, {name}, {products}, st.enterprise_name")
        batch = replace(
            self,
            on_update=[
                *self.on_update,
                Field(
                    "search_document",
                    f"CASE WHEN {text} IS DISTINCT FROM t.search_text THEN NULL "
                    "ELSE t.search_document END",
                ),
                Field("search_text", text),
            ],
        )
        cursor.execute("SELECT set_config(%s, 'on', true)", [SEARCH_BATCH])
        ImportKind.write(batch, cursor, present)
        cursor.execute("SELECT set_config(%s, 'off', true)", [SEARCH_BATCH])
        transaction.on_commit(search_index_pending.delay, robust=True)


STANDARDS = register(
    StandardsImport(
        name="standards",
        label=_("企业标准"),
        columns=[
            USCC,
            STANDARD_NO,
            Column("name", "标准名称", Text(300), required=True),
            Column("category_code", "类别代码", Code(32), required=True),
            Column("published_on", "公开日期", Date(), required=True),
            Column(
                "status",
                "状态",
                Choice(StandardStatus, only={StandardStatus.PUBLIC, StandardStatus.ABOLISHED}),
                default=StandardStatus.PUBLIC.value,
            ),
            Column("products", "产品", Text()),
        ],
        key=("uscc", "standard_no"),
        table="declarations_standard",
        joins=ENTERPRISE_JOIN + " LEFT JOIN catalog_category cat ON cat.code = s.category_code",
        resolved={"enterprise_id": "e.id", "category_id": "cat.id", "enterprise_name": "e.name"},
        checks=[
            ENTERPRISE_EXISTS,
            Check(
                column="category_code",
                sql="SELECT row_no, category_code FROM import_stage "
                "WHERE category_code IS NOT NULL AND category_id IS NULL ORDER BY row_no",
                message=_("类别代码 %(category_code)s 不存在（请先导入类别）"),
            ),
        ],
        status_rule=StatusRule(pairs=forward_pairs(STANDARD), message=standard_transition_refused),
        target_key=[Field("enterprise_id", "e.id"), Field("standard_no", "s.standard_no")],
        fields=[
            Field("name", "s.name", "name"),
            Field("category_id", "cat.id", "category_code"),
            Field("published_on", "s.published_on", "published_on"),
            Field("status", "s.status", "status"),
            Field("products", "s.products", "products"),
        ],
        on_insert={
            **TIMESTAMPS_ON_INSERT,
            "standard_type": STANDARD_TYPE,
            "abolished_on": "CASE WHEN st._f_status = 'abolished' THEN current_date END",
            **SEARCH_ON_INSERT,
        },
        # It stands aside for the import's rows: they come with their recheck text, and
        # their document is left to the background job (see SEARCH_ON_INSERT).
        insert_triggers_standing_aside=("declarations_standard_search_insert",),
        # Written without their document, the new rows are a third of a finished row's size.
        fresh_pages=True,
        on_update=[
            Field("updated_at", "now()"),
            Field(
                "abolished_on",
                "CASE WHEN st._f_status = 'abolished' "
                "THEN coalesce(t.abolished_on, current_date) END",
                "status",
            ),
        ],
        sql="SELECT e.uscc, t.standard_no, t.name, c.code, t.published_on, t.status, "
        "t.products FROM declarations_standard t "
        "JOIN enterprises_enterprise e ON e.id = t.enterprise_id "
        "JOIN catalog_category c ON c.id = t.category_id {where} "
        "ORDER BY e.uscc, t.standard_no",
        condition="t.status <> 'draft'",
        filters={
            "year": ExportFilter("extract(year FROM t.published_on) = %s", Integer()),
        },
        pk_expr="t.id",
        description=_(
            "自我声明公开的标准（当前公开状态）：按统一社会信用代码 + 标准编号新增或更新。"
        ),
        example=[
            [
                "91110108MA01ABCD2H",
                "Q/JDQ 001-2026",
                "房间空气调节器",
                "C-AC",
                "2026-03-15",
                "public",
                "KFR-35GW 系列",
            ]
        ],
    )
)


def values_in_range(cursor, bad_rows):
    """The form's range rule (`validators.value_range_problem`) over every staged value at
    once: one pass selects the values beyond `MAX_ABS_VALUE`, or outside `PERCENT_RANGE` for
    an indicator in per cent, and only those rows are turned into messages."""
    percent = [pk for pk, unit in Indicator.objects.values_list("id", "unit") if is_percent(unit)]
    low, high = PERCENT_RANGE
    cursor.execute(
        f"SELECT row_no, value::text, indicator_id = ANY(%s) FROM {STAGE} "
        "WHERE abs(value) > %s OR (indicator_id = ANY(%s) AND (value < %s OR value > %s)) "
        "ORDER BY row_no",
        [percent, MAX_ABS_VALUE, percent, low, high],
    )
    while batch := cursor.fetchmany(10_000):
        for row_no, text, in_percent in batch:
            problem = value_range_problem(Decimal(text), text, percent=in_percent)
            if problem is not None:
                yield row_no, "value", problem[1]


INDICATOR_VALUES = register(
    ImportKind(
        name="indicator_values",
        label=_("指标值"),
        columns=[
            USCC,
            STANDARD_NO,
            Column("indicator_code", "指标代码", Code(32), required=True),
            Column("value", "指标值", DecimalNumber(), required=True),
        ],
        key=("uscc", "standard_no", "indicator_code"),
        table="declarations_indicatorvalue",
        # Each standard named in the file is resolved once (a file has ~5-10 values per
        # standard), by the unique (enterprise, number) index; OFFSET 0 keeps the planner
        # from folding this into a hash join over every standard in the country. Whether the
        # standard has any values yet is looked up once too: for new standards the per-row
        # look-up of an existing value is skipped.
        joins=(
            " LEFT JOIN (SELECT k.uscc, k.standard_no, e.id AS enterprise_id,"
            " std.id AS standard_id, std.category_id,"
            " EXISTS (SELECT FROM declarations_indicatorvalue v WHERE v.standard_id = std.id)"
            " AS has_values"
            f" FROM (SELECT DISTINCT uscc, standard_no FROM {STAGE_RAW}) k"
            " LEFT JOIN enterprises_enterprise e ON e.uscc = k.uscc"
            " LEFT JOIN declarations_standard std"
            " ON std.enterprise_id = e.id AND std.standard_no = k.standard_no OFFSET 0) std"
            " ON std.uscc = s.uscc AND std.standard_no = s.standard_no"
            " LEFT JOIN catalog_category cat ON cat.id = std.category_id"
            " LEFT JOIN catalog_indicator ind"
            " ON ind.category_id = std.category_id AND ind.code = s.indicator_code"
        ),
        resolved={
            "enterprise_id": "std.enterprise_id",
            "standard_id": "std.standard_id",
            "category_code": "cat.code",
            "indicator_id": "ind.id",
        },
        target_may_exist="std.has_values",
        checks=[
            ENTERPRISE_EXISTS,
            Check(
                column="standard_no",
                sql="SELECT row_no, uscc, standard_no FROM import_stage "
                "WHERE enterprise_id IS NOT NULL AND standard_no IS NOT NULL "
                "AND standard_id IS NULL ORDER BY row_no",
                message=_("企业 %(uscc)s 没有编号为 %(standard_no)s 的标准（请先导入标准）"),
            ),
            Check(
                column="indicator_code",
                sql="SELECT row_no, standard_no, category_code, indicator_code "
                "FROM import_stage WHERE standard_id IS NOT NULL "
                "AND indicator_code IS NOT NULL AND indicator_id IS NULL ORDER BY row_no",
                message=_(
                    "指标代码 %(indicator_code)s 不是标准 %(standard_no)s 所属类别 "
                    "%(category_code)s 的指标"
                ),
            ),
        ],
        stage_rules=[values_in_range],
        target_key=[Field("standard_id", "std.standard_id"), Field("indicator_id", "ind.id")],
        fields=[Field("value", "s.value", "value")],
        sql="SELECT e.uscc, s.standard_no, i.code, t.value "
        "FROM declarations_indicatorvalue t "
        "JOIN declarations_standard s ON s.id = t.standard_id "
        "JOIN enterprises_enterprise e ON e.id = s.enterprise_id "
        "JOIN catalog_indicator i ON i.id = t.indicator_id {where} "
        "ORDER BY e.uscc, s.standard_no, i.code",
        condition="s.status <> 'draft'",
        filters={
            "year": ExportFilter("extract(year FROM s.published_on) = %s", Integer()),
        },
        pk_expr="t.id",
        description=_("标准的核心指标值：按统一社会信用代码 + 标准编号 + 指标代码新增或更新。"),
        example=[["91110108MA01ABCD2H", "Q/JDQ 001-2026", "APF", "5.30"]],
    )
)
