"""Import/export kinds `agencies` and `evaluators` (CONTRACT.md section 2)."""

from functools import partial

from django.db import transaction
from django.utils.translation import gettext_lazy as _lazy

from apps.accounts.tasks import invite_new_users
from apps.core.imports import (
    STAGE,
    TIMESTAMPS_ON_INSERT,
    Check,
    Choice,
    Column,
    Email,
    Field,
    ImportKind,
    Text,
    Uscc,
    register,
)
from apps.core.imports.spec import STAGE_RAW
from apps.evaluators.enums import AgencyKind

AGENCY_EXISTS = Check(
    column="agency_uscc",
    sql=f"SELECT row_no, agency_uscc FROM {STAGE} "
    "WHERE agency_uscc IS NOT NULL AND agency_id IS NULL ORDER BY row_no",
    message=_lazy("评估机构 %(agency_uscc)s 不存在（请先导入评估机构）"),
)

AGENCIES = register(
    ImportKind(
        name="agencies",
        label=_lazy("评估机构"),
        columns=[
            Column("uscc", "统一社会信用代码", Uscc(), required=True),
            Column("name", "机构名称", Text(200), required=True),
            Column("kind", "机构类型", Choice(AgencyKind), required=True),
            Column("contact_email", "联系邮箱", Email()),
        ],
        key=("uscc",),
        table="evaluators_agency",
        target_key=[Field("uscc", "s.uscc")],
        fields=[Field(name, f"s.{name}", name) for name in ["name", "kind", "contact_email"]],
        on_insert={**TIMESTAMPS_ON_INSERT, "qualifications": "''"},
        on_update=[Field("updated_at", "now()")],
        sql="SELECT t.uscc, t.name, t.kind, t.contact_email FROM evaluators_agency t {where} "
        "ORDER BY t.uscc",
        pk_expr="t.id",
        description=_lazy("第三方评估机构：按统一社会信用代码新增或更新。评估不向企业收费。"),
        example=[["51110102MJ0000001B", "北京市标准化协会", "association", "eval@example.cn"]],
    )
)


class EvaluatorKind(ImportKind):
    """Evaluator accounts (role `evaluator`, no usable password) and their agency membership.
    Each new account gets the invitation mail to set a password once the import commits."""

    def stage_sql(self, present: set[str]) -> str:
        return (
            f"CREATE TEMP TABLE {STAGE} AS SELECT s.*, ag.id AS agency_id, u.id AS _target_id, "
            "u.role AS user_role, (u.id IS NOT NULL AND (u.name IS DISTINCT FROM s.name "
            "OR m.agency_id IS DISTINCT FROM ag.id)) AS _changed "
            f"FROM {STAGE_RAW} s "
            "LEFT JOIN evaluators_agency ag ON ag.uscc = s.agency_uscc "
            "LEFT JOIN accounts_user u ON lower(u.email) = s.email "
            "LEFT JOIN evaluators_agencymembership m ON m.user_id = u.id"
        )

    def write(self, cursor, present: set[str]) -> None:
        cursor.execute(
            f"UPDATE accounts_user u SET name = st.name FROM {STAGE} st "
            "WHERE u.id = st._target_id AND u.name IS DISTINCT FROM st.name"
        )
        cursor.execute(
            "INSERT INTO accounts_user (password, is_superuser, email, name, phone, role, "
            "is_active, is_staff, date_joined) "
            "SELECT '!' || md5(random()::text || st.email), false, st.email, st.name, '', "
            f"'evaluator', true, false, now() FROM {STAGE} st WHERE st._target_id IS NULL "
            "ORDER BY st.row_no RETURNING id"
        )
        created = [row[0] for row in cursor.fetchall()]
        if created:
            # A job (Celery), not here: mailing thousands of people must not hold the import's
            # transaction. If the job cannot be queued (broker down) the import still stands
            # (robust: logged): the accounts wait on the staff's list of invitations.
            transaction.on_commit(partial(invite_new_users.delay, user_ids=created), robust=True)
        cursor.execute(
            "INSERT INTO evaluators_agencymembership (user_id, agency_id, created_at, updated_at) "
            f"SELECT u.id, st.agency_id, now(), now() FROM {STAGE} st "
            "JOIN accounts_user u ON lower(u.email) = st.email "
            "ON CONFLICT (user_id) DO UPDATE SET agency_id = EXCLUDED.agency_id, "
            "updated_at = now() "
            "WHERE evaluators_agencymembership.agency_id IS DISTINCT FROM EXCLUDED.agency_id"
        )


EVALUATORS = register(
    EvaluatorKind(
        name="evaluators",
        label=_lazy("评估人员"),
        columns=[
            Column("email", "邮箱", Email(), required=True),
            Column("name", "姓名", Text(100), required=True),
            Column("agency_uscc", "机构统一社会信用代码", Uscc(), required=True),
        ],
        key=("email",),
        table="accounts_user",
        checks=[
            AGENCY_EXISTS,
            Check(
                column="email",
                sql=f"SELECT row_no, email FROM {STAGE} "
                "WHERE user_role IS NOT NULL AND user_role <> 'evaluator' ORDER BY row_no",
                message=_lazy("邮箱 %(email)s 已用于其他角色的账户"),
            ),
        ],
        sql="SELECT u.email, u.name, a.uscc FROM evaluators_agencymembership t "
        "JOIN accounts_user u ON u.id = t.user_id "
        "JOIN evaluators_agency a ON a.id = t.agency_id {where} ORDER BY u.email",
        pk_expr="t.id",
        description=_lazy(
            "评估机构人员账户：按邮箱新增或更新，并加入机构。新账户会收到设置密码的邀请邮件。"
        ),
        example=[["zhang@example.cn", "张评估", "51110102MJ0000001B"]],
    )
)
