"""Import/export kinds `categories`, `key_areas`, `indicators` (CONTRACT.md section 2)."""

from django.utils.translation import gettext_lazy as _

from apps.catalog.enums import CategoryKind, Direction, Sector
from apps.core.imports import (
    TIMESTAMPS_ON_INSERT,
    Check,
    Choice,
    Code,
    Column,
    DecimalNumber,
    ExportFilter,
    Field,
    ImportKind,
    Integer,
    Text,
    register,
)

UPDATED_AT = [Field("updated_at", "now()")]
CATEGORY_CODE = Column("category_code", "类别代码", Code(32), required=True)
CATEGORY_JOIN = "LEFT JOIN catalog_category cat ON cat.code = s.category_code"
CATEGORY_EXISTS = Check(
    column="category_code",
    sql="SELECT row_no, category_code FROM import_stage "
    "WHERE category_code IS NOT NULL AND category_id IS NULL ORDER BY row_no",
    message=_("类别代码 %(category_code)s 不存在（请先导入类别）"),
)

CATEGORIES = register(
    ImportKind(
        name="categories",
        label=_("产品/服务类别"),
        columns=[
            Column("code", "类别代码", Code(32), required=True),
            Column("name", "类别名称", Text(100), required=True),
            Column("sector", "领域", Choice(Sector), required=True),
            Column("kind", "类型", Choice(CategoryKind), default=CategoryKind.PRODUCT.value),
        ],
        key=("code",),
        table="catalog_category",
        target_key=[Field("code", "s.code")],
        fields=[Field(name, f"s.{name}", name) for name in ["name", "sector", "kind"]],
        on_insert=TIMESTAMPS_ON_INSERT,
        on_update=UPDATED_AT,
        sql="SELECT t.code, t.name, t.sector, t.kind FROM catalog_category t {where} "
        "ORDER BY t.code",
        pk_expr="t.id",
        description=_("产品或服务类别：按类别代码新增或更新。"),
        example=[["C-AC", "房间空气调节器", "consumer_goods", "product"]],
    )
)

KEY_AREAS = register(
    ImportKind(
        name="key_areas",
        label=_("重点领域"),
        columns=[Column("year", "年度", Integer(2000, 2100), required=True), CATEGORY_CODE],
        key=("year", "category_code"),
        table="catalog_keyarea",
        joins=CATEGORY_JOIN,
        resolved={"category_id": "cat.id"},
        checks=[CATEGORY_EXISTS],
        target_key=[Field("year", "s.year"), Field("category_id", "cat.id")],
        on_insert=TIMESTAMPS_ON_INSERT,
        sql="SELECT t.year, c.code FROM catalog_keyarea t "
        "JOIN catalog_category c ON c.id = t.category_id {where} ORDER BY t.year, c.code",
        filters={"year": ExportFilter("t.year = %s", Integer())},
        pk_expr="t.id",
        description=_("某一年度的重点领域（参评类别）：年度 + 类别代码。"),
        example=[["2026", "C-AC"]],
    )
)

INDICATORS = register(
    ImportKind(
        name="indicators",
        label=_("核心指标"),
        columns=[
            CATEGORY_CODE,
            Column("code", "指标代码", Code(32), required=True),
            Column("name", "指标名称", Text(100), required=True),
            Column("unit", "单位", Text(30)),
            Column("direction", "方向", Choice(Direction), required=True),
            Column("national_value", "国家标准值", DecimalNumber()),
            Column("international_value", "国际标准值", DecimalNumber()),
        ],
        key=("category_code", "code"),
        table="catalog_indicator",
        joins=CATEGORY_JOIN,
        resolved={"category_id": "cat.id"},
        checks=[CATEGORY_EXISTS],
        target_key=[Field("category_id", "cat.id"), Field("code", "s.code")],
        fields=[
            Field(name, f"s.{name}", name)
            for name in ["name", "unit", "direction", "national_value", "international_value"]
        ],
        on_insert=TIMESTAMPS_ON_INSERT,
        on_update=UPDATED_AT,
        sql="SELECT c.code, t.code, t.name, t.unit, t.direction, t.national_value, "
        "t.international_value FROM catalog_indicator t "
        "JOIN catalog_category c ON c.id = t.category_id {where} ORDER BY c.code, t.code",
        pk_expr="t.id",
        description=_("类别的核心指标：方向、国家标准值和国际标准值。"),
        example=[["C-AC", "APF", "全年能源消耗效率", "W·h/W·h", "higher", "4.00", ""]],
    )
)
