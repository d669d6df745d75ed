"""Import/export kind `leaders` (CONTRACT.md §2: lists published elsewhere, e.g. the national
list) and export kind `ranking` (§5)."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from apps.catalog.imports import CATEGORY_CODE, CATEGORY_EXISTS, CATEGORY_JOIN
from apps.core.imports import (
    TIMESTAMPS_ON_INSERT,
    Check,
    Choice,
    Column,
    Date,
    DecimalNumber,
    ExportFilter,
    Field,
    ImportKind,
    Integer,
    SqlExport,
    StatusRule,
    Text,
    Uscc,
    register,
)
from apps.core.workflow import forward_pairs
from apps.declarations.imports import ENTERPRISE_EXISTS, ENTERPRISE_JOIN
from apps.leaders.enums import LeaderStatus
from apps.leaders.models import VERIFICATION_ALPHABET
from apps.leaders.services.titles import LEADER, leader_transition_refused, valid_until_sql

# A fresh verification code per row (the subquery refers to the row, so it runs per row).
NEW_CODE = (
    f"(SELECT string_agg(substr('{VERIFICATION_ALPHABET}', "
    f"1 + floor(random() * {len(VERIFICATION_ALPHABET)})::int, 1), '') "
    "FROM generate_series(1, 12 + 0 * st.row_no))"
)
REVOKED_ON = "CASE WHEN st._f_status = 'revoked' THEN {existing} END"

LEADERS = register(
    ImportKind(
        name="leaders",
        label=_("领跑者名单"),
        columns=[
            Column("year", "年度", Integer(2000, 2100), required=True),
            Column("uscc", "统一社会信用代码", Uscc(), required=True),
            Column("standard_no", "标准编号", Text(100), required=True),
            CATEGORY_CODE,
            Column("published_on", "发布日期", Date(), required=True),
            Column(
                "status",
                "状态",
                Choice(LeaderStatus, only={LeaderStatus.ACTIVE, LeaderStatus.REVOKED}),
                default=LeaderStatus.ACTIVE.value,
            ),
            Column("rank", "名次", Integer(1, 100000)),
            Column("score", "得分", DecimalNumber(6, 2, minimum=0, maximum=100)),
            Column("valid_until", "有效期至", Date(), help=_("默认：发布日期起一年")),
        ],
        key=("year", "uscc", "standard_no"),
        table="leaders_leader",
        joins=(
            ENTERPRISE_JOIN + " " + CATEGORY_JOIN + " LEFT JOIN declarations_standard std"
            " ON std.enterprise_id = e.id AND std.standard_no = s.standard_no"
        ),
        resolved={
            "enterprise_id": "e.id",
            "category_id": "cat.id",
            "standard_id": "std.id",
            "standard_category_id": "std.category_id",
        },
        checks=[
            ENTERPRISE_EXISTS,
            CATEGORY_EXISTS,
            Check(
                column="standard_no",
                sql="SELECT row_no, uscc, standard_no FROM import_stage "
                "WHERE enterprise_id IS NOT NULL AND standard_no IS NOT NULL "
                "AND standard_id IS NULL ORDER BY row_no",
                message=_("企业 %(uscc)s 没有编号为 %(standard_no)s 的已声明标准"),
            ),
            Check(
                column="category_code",
                sql="SELECT row_no, standard_no, category_code FROM import_stage "
                "WHERE standard_id IS NOT NULL AND category_id IS NOT NULL "
                "AND standard_category_id <> category_id ORDER BY row_no",
                message=_("标准 %(standard_no)s 不属于类别 %(category_code)s"),
            ),
            Check(
                column="valid_until",
                sql="SELECT row_no, valid_until, published_on FROM import_stage "
                "WHERE valid_until IS NOT NULL AND published_on IS NOT NULL "
                "AND valid_until < published_on ORDER BY row_no",
                message=_("有效期至 %(valid_until)s 早于发布日期 %(published_on)s"),
            ),
        ],
        # A revoked title is never made active again (CONTRACT.md §2).
        status_rule=StatusRule(pairs=forward_pairs(LEADER), message=leader_transition_refused),
        target_key=[Field("year", "s.year"), Field("standard_id", "std.id")],
        fields=[
            Field("category_id", "cat.id", "category_code"),
            Field("published_on", "s.published_on", "published_on"),
            Field("status", "s.status", "status"),
            Field("rank", "s.rank", "rank"),
            Field("score", "s.score", "score"),
            Field(
                "valid_until",
                format_lazy("coalesce(s.valid_until, {})", valid_until_sql("s.published_on")),
                "valid_until",
            ),
        ],
        on_insert={
            **TIMESTAMPS_ON_INSERT,
            "source": "'import'",
            "verification_code": NEW_CODE,
            "revoked_on": REVOKED_ON.format(existing="current_date"),
            "revocation_reason": (
                "CASE WHEN st._f_status = 'revoked' THEN '按外部公布的名单导入' ELSE '' END"
            ),
        },
        on_update=[
            Field("updated_at", "now()"),
            Field(
                "revoked_on",
                REVOKED_ON.format(existing="coalesce(t.revoked_on, current_date)"),
                "status",
            ),
        ],
        sql="SELECT t.year, e.uscc, s.standard_no, c.code, t.published_on, t.status, t.rank, "
        "t.score, t.valid_until FROM leaders_leader t "
        "JOIN declarations_standard s ON s.id = t.standard_id "
        "JOIN enterprises_enterprise e ON e.id = s.enterprise_id "
        "JOIN catalog_category c ON c.id = t.category_id {where} "
        "ORDER BY t.year, c.code, t.rank NULLS LAST, e.uscc, s.standard_no",
        filters={"year": ExportFilter("t.year = %s", Integer())},
        pk_expr="t.id",
        description=_(
            "在其他平台（如全国企业标准信息公共服务平台）发布的领跑者名单："
            "按年度 + 统一社会信用代码 + 标准编号新增或更新；"
            "标准须已在本平台声明（任意状态）且属于该类别。"
        ),
        example=[
            [
                "2025",
                "91110108MA01ABCD2X",
                "Q/JDQ 001-2026",
                "C-AC",
                "2025-12-01",
                "active",
                "1",
                "93.33",
                "",
            ]
        ],
    )
)

RANKING = register(
    SqlExport(
        name="ranking",
        label=_("排行榜"),
        columns=[
            Column("rank", "名次"),
            Column("uscc", "统一社会信用代码"),
            Column("enterprise", "企业名称"),
            Column("standard_no", "标准编号"),
            Column("score", "得分"),
            Column("candidate", "领跑者候选"),
            Column("excluded_reason", "未排名原因"),
        ],
        sql="""
            SELECT coalesce(e.rank::text, ''), ent.uscc, ent.name, st.standard_no,
                   coalesce(e.score::text, ''),
                   CASE WHEN e.candidate THEN 'true' ELSE 'false' END,
                   coalesce(e.excluded_reason, '')
            FROM leaders_rankingentry e
            JOIN leaders_ranking r ON r.id = e.ranking_id AND r.is_current
            JOIN evaluators_scheme sc ON sc.id = r.scheme_id
            JOIN declarations_standard st ON st.id = e.standard_id
            JOIN enterprises_enterprise ent ON ent.id = st.enterprise_id
            {where}
            ORDER BY sc.year, sc.scheme_code, e.position
        """,
        filters={
            "scheme": ExportFilter("sc.scheme_code = %s"),
            "year": ExportFilter("sc.year = %s", Integer()),
        },
    )
)
