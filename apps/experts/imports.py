"""Import/export kind `experts` (CONTRACT.md section 2)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from apps.core.imports import (
    STAGE,
    TIMESTAMPS_ON_INSERT,
    CellError,
    Check,
    Choice,
    Code,
    Column,
    Email,
    Field,
    ImportKind,
    Parser,
    StatusRule,
    Text,
    Uscc,
    register,
)
from apps.core.imports.parsers import copy_text
from apps.core.workflow import forward_pairs
from apps.experts.enums import ExpertRole, ExpertStatus
from apps.experts.services.profiles import (
    EXPERT,
    EXPERT_MOVES_BACK,
    expert_transition_refused,
)


class ValueList(Parser):
    """`;`-separated values (a Chinese `；` too), each checked by `item`; stored sorted and
    without repeats as a PostgreSQL text array."""

    sql_type = "text[]"
    cacheable = True

    def __init__(self, item: Parser):
        self.item = item

    def parse(self, text: str) -> list[str]:
        values = set()
        for part in text.replace("；", ";").split(";"):
            if part := part.strip():
                try:
                    values.add(self.item.parse(part))
                except CellError as error:
                    raise CellError(error.args[0]) from None
        return sorted(values)

    def copy(self, value) -> str:
        if value is None:
            return super().copy(value)
        quoted = ",".join('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in value)
        return copy_text("{" + quoted + "}")

    def export(self, value) -> str:
        return ";".join(value or [])

    def describe(self) -> str:
        return _("以“;”分隔的多个值")


class ExpertKind(ImportKind):
    """The plain merge, plus the specialties (a many-to-many) replaced per expert."""

    SPECIALTIES_NOW = (
        "ARRAY(SELECT c.code::text FROM experts_expert_specialties es "
        "JOIN catalog_category c ON c.id = es.category_id "
        "WHERE es.expert_id = t.id ORDER BY c.code)"
    )

    def stage_sql(self, present: set[str]) -> str:
        sql = super().stage_sql(present)
        if "specialties" in present:
            changed = (
                f" OR (t.id IS NOT NULL AND {self.SPECIALTIES_NOW} "
                "IS DISTINCT FROM coalesce(s.specialties, '{}')) AS _changed"
            )
            sql = sql.replace(" AS _changed", changed)
        return sql

    def write(self, cursor, present: set[str]) -> None:
        super().write(cursor, present)
        if "specialties" not in present:
            return
        cursor.execute(
            f"DELETE FROM experts_expert_specialties es USING experts_expert x, {STAGE} st "
            "WHERE es.expert_id = x.id AND x.email = st._k_email"
        )
        cursor.execute(
            "INSERT INTO experts_expert_specialties (expert_id, category_id) "
            f"SELECT x.id, c.id FROM {STAGE} st JOIN experts_expert x ON x.email = st._k_email "
            "CROSS JOIN LATERAL unnest(coalesce(st.specialties, '{}')) AS code(value) "
            "JOIN catalog_category c ON c.code = code.value"
        )


# The expert account with the same email, unless it is linked to another expert already.
USER_FOR_EMAIL = (
    "(SELECT u.id FROM accounts_user u WHERE lower(u.email) = st._k_email "
    "AND u.role = 'expert' AND NOT EXISTS "
    "(SELECT 1 FROM experts_expert x WHERE x.user_id = u.id))"
)

EXPERTS = register(
    ExpertKind(
        name="experts",
        label=_lazy("专家"),
        columns=[
            Column("email", "邮箱", Email(), required=True),
            Column("name", "姓名", Text(100), required=True),
            Column("organisation", "单位", Text(200), required=True),
            Column("organisation_uscc", "单位统一社会信用代码", Uscc()),
            Column("title", "职称", Text(100)),
            Column("specialties", "专业领域", ValueList(Code(32))),
            Column(
                "roles", "角色", ValueList(Choice(ExpertRole)), default=[ExpertRole.COMMITTEE.value]
            ),
            Column("status", "状态", Choice(ExpertStatus), default=ExpertStatus.APPOINTED.value),
        ],
        key=("email",),
        table="experts_expert",
        checks=[
            Check(
                column="specialties",
                sql="SELECT row_no, string_agg(code.value, ', ' ORDER BY code.value) AS codes "
                f"FROM {STAGE} s CROSS JOIN LATERAL unnest(s.specialties) AS code(value) "
                "WHERE NOT EXISTS (SELECT 1 FROM catalog_category c WHERE c.code = code.value) "
                "GROUP BY row_no ORDER BY row_no",
                message=_lazy("专业领域 %(codes)s 不是已有的类别代码（请先导入类别）"),
            )
        ],
        # recommended -> appointed -> retired, never back (CONTRACT.md §2).
        status_rule=StatusRule(
            pairs=forward_pairs(EXPERT, back=EXPERT_MOVES_BACK),
            message=expert_transition_refused,
        ),
        target_key=[Field("email", "s.email")],
        fields=[
            Field("name", "s.name", "name"),
            Field("organisation", "s.organisation", "organisation"),
            Field("organisation_uscc", "s.organisation_uscc", "organisation_uscc"),
            Field("title", "s.title", "title"),
            Field("roles", "s.roles::varchar(12)[]", "roles"),
            Field("status", "s.status", "status"),
        ],
        on_insert={
            **TIMESTAMPS_ON_INSERT,
            "recommendation": "''",
            "phone": "''",  # encrypted, kept by staff and the expert, not imported
            "user_id": USER_FOR_EMAIL,
            "appointed_on": "CASE WHEN st._f_status = 'appointed' THEN current_date END",
            "retired_on": "CASE WHEN st._f_status = 'retired' THEN current_date END",
        },
        on_update=[
            Field("updated_at", "now()"),
            Field(
                "appointed_on",
                "CASE WHEN st._f_status = 'appointed' "
                "THEN coalesce(t.appointed_on, current_date) ELSE t.appointed_on END",
                "status",
            ),
            Field(
                "retired_on",
                "CASE WHEN st._f_status = 'retired' THEN coalesce(t.retired_on, current_date) END",
                "status",
            ),
        ],
        sql="SELECT t.email, t.name, t.organisation, t.organisation_uscc, t.title, "
        "ARRAY(SELECT c.code::text FROM experts_expert_specialties es "
        "JOIN catalog_category c ON c.id = es.category_id WHERE es.expert_id = t.id "
        "ORDER BY c.code), t.roles::text[], t.status FROM experts_expert t {where} "
        "ORDER BY t.email",
        pk_expr="t.id",
        description=_lazy(
            "专家库：按邮箱新增或更新；专业领域为类别代码，角色为 committee 和/或 inspector，"
            "均以“;”分隔。"
        ),
        example=[
            [
                "li.gong@example.cn",
                "李工",
                "中国标准化研究院",
                "",
                "研究员",
                "C-AC;C-RICE",
                "committee;inspector",
                "appointed",
            ]
        ],
    )
)
