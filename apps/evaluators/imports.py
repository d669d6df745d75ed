"""Import/export kinds `agencies`, `evaluators`, `schemes`, `assessments` (CONTRACT.md
section 2).

References and per-row rules are SQL checks over the staged rows; a scheme's rules taken
together (weights, core criteria, thresholds, national values) are the one validation service
`apps.evaluators.validation`, and schemes are written through `scheme_save`, the same
service the evaluators' form uses.
"""

from collections import defaultdict
from decimal import Decimal
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from apps.accounts.tasks import invite_new_users
from apps.catalog.models import Category, Indicator
from apps.core.imports import (
    STAGE,
    TIMESTAMPS_ON_INSERT,
    Check,
    Choice,
    Code,
    Column,
    Date,
    DecimalNumber,
    Email,
    ExportFilter,
    Field,
    ImportKind,
    Integer,
    StatusRule,
    Text,
    Uscc,
    register,
)
from apps.core.imports.spec import STAGE_RAW
from apps.core.workflow import forward_pairs
from apps.evaluators.enums import AgencyKind, AssessmentDecision, CriterionKind, SchemeStatus
from apps.evaluators.models import Agency, Scheme, default_cutoff
from apps.evaluators.services.schemes import (
    CRITERION_FIELDS,
    SCHEME,
    SCHEME_MOVES_BACK,
    scheme_frozen,
    scheme_save,
    scheme_transition_refused,
)
from apps.evaluators.validation import (
    ONLY_APPROVED,
    ONLY_QUALITATIVE,
    OWN_AGENCY_ONLY,
    REASON_REQUIRED,
    REJECTED_FIRST,
    CriterionData,
    plain,
    scheme_problems,
    score_problem,
)

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


# ---------------------------------------------------------------- schemes

SCHEME_COLUMNS = [
    "year",
    "category_code",
    "agency_uscc",
    "max_leaders",
    "min_participants",
    "notice_days",
    "cutoff_date",
    "status",
]


def _scheme_groups(cursor) -> dict[str, list[dict]]:
    cursor.execute(
        "SELECT row_no, scheme_code, criterion_code, kind, name, weight, baseline, advanced, "
        '"leading", category_id, agency_id, ' + ", ".join(SCHEME_COLUMNS) + " "
        f"FROM {STAGE} WHERE scheme_code IS NOT NULL ORDER BY row_no"
    )
    names = [description[0] for description in cursor.description]
    groups = defaultdict(list)
    for record in cursor.fetchall():
        row = dict(zip(names, record, strict=True))
        groups[row["scheme_code"]].append(row)
    return groups


def _scheme_input(rows: list[dict]) -> tuple[dict, list[CriterionData]]:
    first = rows[0]
    criteria = [
        CriterionData(
            criterion_code=row["criterion_code"] or "",
            kind=row["kind"] or "",
            name=row["name"] or "",
            weight=row["weight"],
            baseline=row["baseline"],
            advanced=row["advanced"],
            leading=row["leading"],
        )
        for row in rows
    ]
    return first, criteria


def scheme_rules(cursor, bad_rows: set[int]):
    """Per scheme: the scheme-wide columns agree on every row; then the one validation
    service; then a trial save through the service (rolled back) for the lifecycle rules:
    an approved scheme is frozen, a scheme under review is not overwritten, one approved
    scheme per key area. A scheme with a row that already has a problem (a cell that did not
    parse, a missing reference) is left out: its rules are checked once it reads cleanly."""
    groups = {
        code: rows
        for code, rows in _scheme_groups(cursor).items()
        if not any(row["row_no"] in bad_rows for row in rows)
    }
    categories = Category.objects.in_bulk({r[0]["category_id"] for r in groups.values()} - {None})
    indicators = defaultdict(dict)
    for indicator in Indicator.objects.filter(category__in=categories.values()):
        indicators[indicator.category_id][indicator.code] = indicator
    agencies = Agency.objects.in_bulk({r[0]["agency_id"] for r in groups.values()} - {None})
    stored = Scheme.objects.filter(scheme_code__in=groups).select_related("category", "agency")
    names = {scheme.scheme_code: scheme.name for scheme in stored}
    approved = {
        scheme.scheme_code: scheme
        for scheme in stored.filter(status=SchemeStatus.APPROVED).prefetch_related("criteria")
    }
    for code, rows in groups.items():
        first, criteria = _scheme_input(rows)
        inconsistent = False
        for row in rows[1:]:
            for column in SCHEME_COLUMNS:
                if row[column] != first[column]:
                    inconsistent = True
                    yield (
                        row["row_no"],
                        column,
                        _("方案 %(code)s 的 %(column)s 与第 %(first)d 行不一致")
                        % {"code": code, "column": column, "first": first["row_no"]},
                    )
        category, agency = categories[first["category_id"]], agencies[first["agency_id"]]
        if inconsistent:
            continue
        problems = scheme_problems(
            category=category,
            criteria=criteria,
            indicators=indicators[category.pk],
            numbers={
                "max_leaders": first["max_leaders"],
                "min_participants": first["min_participants"],
                "notice_days": first["notice_days"],
            },
        )
        for problem in problems:
            row = rows[problem.index] if problem.index is not None else first
            yield row["row_no"], problem.field or "scheme_code", problem.message
        if problems:
            continue
        if (stored := approved.get(code)) is not None:
            frozen = list(_frozen_problems(stored, rows, indicators[category.pk]))
            yield from frozen
            if frozen:
                continue
        try:
            with transaction.atomic():
                _save(first, criteria, category, agency, indicators[category.pk], names)
                transaction.set_rollback(True)
        except ValidationError as error:
            for message in error.messages:
                yield first["row_no"], "scheme_code", message


# What an approved scheme freezes, as the import's columns: the scheme's key area and numbers
# (one value per scheme, reported on its first row) and each criterion's fields. The service
# (`scheme_save`) refuses the same changes; here each is named on its row and column.
FROZEN_SCHEME_COLUMNS = {
    "year": lambda scheme: scheme.year,
    "category_code": lambda scheme: scheme.category.code,
    "agency_uscc": lambda scheme: scheme.agency.uscc,
    "max_leaders": lambda scheme: scheme.max_leaders,
    "min_participants": lambda scheme: scheme.min_participants,
    "notice_days": lambda scheme: scheme.notice_days,
    "cutoff_date": lambda scheme: scheme.cutoff_date,
}


def _shown(value) -> str:
    if value is None or value == "":
        return _("空")
    return plain(value) if isinstance(value, Decimal) else str(value)


def _frozen_problems(scheme, rows, indicators):
    """Each change a file would make to an approved scheme, as (row, column, message)."""
    code, first = scheme.scheme_code, rows[0]
    given = {
        **{column: first[column] for column in FROZEN_SCHEME_COLUMNS},
        "cutoff_date": first["cutoff_date"] or default_cutoff(first["year"]),
    }
    for column, current in FROZEN_SCHEME_COLUMNS.items():
        if given[column] != current(scheme):
            change = _("%(column)s 不能修改（现为 %(current)s）") % {
                "column": column,
                "current": _shown(current(scheme)),
            }
            yield first["row_no"], column, scheme_frozen(code, change)
    criteria = {criterion.criterion_code: criterion for criterion in scheme.criteria.all()}
    for row in rows:
        criterion = criteria.get(row["criterion_code"])
        if criterion is None:
            change = _("不能增加评价项 %(criterion)s") % {"criterion": row["criterion_code"]}
            yield row["row_no"], "criterion_code", scheme_frozen(code, change)
            continue
        for column in CRITERION_FIELDS:
            value = row[column]
            if column == "name" and not value and row["kind"] == CriterionKind.CORE:
                indicator = indicators.get(row["criterion_code"])
                value = indicator.name if indicator else ""  # as the service names it
            if value != getattr(criterion, column):
                change = _("评价项 %(criterion)s 的 %(column)s 不能修改（现为 %(current)s）") % {
                    "criterion": criterion.criterion_code,
                    "column": column,
                    "current": _shown(getattr(criterion, column)),
                }
                yield row["row_no"], column, scheme_frozen(code, change)
    missing = sorted(set(criteria) - {row["criterion_code"] for row in rows})
    if missing:
        change = _("不能删除评价项 %(criteria)s") % {"criteria": "、".join(missing)}
        yield first["row_no"], "criterion_code", scheme_frozen(code, change)


def _save(first, criteria, category, agency, indicators, names):
    return scheme_save(
        agency=agency,
        year=first["year"],
        category=category,
        scheme_code=first["scheme_code"],
        # The file has no column for the scheme's name: a stored scheme keeps its own.
        name=names.get(first["scheme_code"], ""),
        criteria=criteria,
        actor=None,
        max_leaders=first["max_leaders"],
        min_participants=first["min_participants"],
        notice_days=first["notice_days"],
        cutoff_date=first["cutoff_date"],
        status=first["status"],
        indicators=indicators,
    )


class SchemeKind(ImportKind):
    """One row per criterion; written scheme by scheme through `scheme_save`."""

    SCHEME_CHANGED = (
        "sc.year IS DISTINCT FROM s.year OR sc.category_id IS DISTINCT FROM cat.id "
        "OR sc.agency_id IS DISTINCT FROM ag.id OR sc.max_leaders IS DISTINCT FROM s.max_leaders "
        "OR sc.min_participants IS DISTINCT FROM s.min_participants "
        "OR sc.notice_days IS DISTINCT FROM s.notice_days "
        "OR sc.cutoff_date IS DISTINCT FROM coalesce(s.cutoff_date, make_date(s.year, 12, 31)) "
        "OR sc.status IS DISTINCT FROM s.status"
    )
    CRITERION_CHANGED = (
        "t.kind IS DISTINCT FROM s.kind OR t.weight IS DISTINCT FROM s.weight "
        "OR t.baseline IS DISTINCT FROM s.baseline OR t.advanced IS DISTINCT FROM s.advanced "
        "OR t.leading IS DISTINCT FROM s.leading "
        "OR (s.name <> '' AND t.name IS DISTINCT FROM s.name)"
    )

    def stage_sql(self, present: set[str]) -> str:
        return (
            f"CREATE TEMP TABLE {STAGE} AS SELECT s.*, cat.id AS category_id, "
            "ag.id AS agency_id, ind.id AS indicator_id, t.id AS _target_id, "
            "sc.status AS _stored_status, "
            f"(t.id IS NOT NULL AND ({self.CRITERION_CHANGED} OR {self.SCHEME_CHANGED})) "
            f"AS _changed FROM {STAGE_RAW} s "
            "LEFT JOIN catalog_category cat ON cat.code = s.category_code "
            "LEFT JOIN evaluators_agency ag ON ag.uscc = s.agency_uscc "
            "LEFT JOIN catalog_indicator ind "
            "ON ind.category_id = cat.id AND ind.code = s.criterion_code "
            "LEFT JOIN evaluators_scheme sc ON sc.scheme_code = s.scheme_code "
            "LEFT JOIN evaluators_schemecriterion t "
            "ON t.scheme_id = sc.id AND t.criterion_code = s.criterion_code"
        )

    def write(self, cursor, present: set[str]) -> None:
        groups = _scheme_groups(cursor)
        categories = Category.objects.in_bulk({r[0]["category_id"] for r in groups.values()})
        agencies = Agency.objects.in_bulk({r[0]["agency_id"] for r in groups.values()})
        names = dict(
            Scheme.objects.filter(scheme_code__in=groups).values_list("scheme_code", "name")
        )
        for rows in groups.values():
            first, criteria = _scheme_input(rows)
            category = categories[first["category_id"]]
            _save(
                first,
                criteria,
                category,
                agencies[first["agency_id"]],
                {i.code: i for i in category.indicators.all()},
                names,
            )


SCHEMES = register(
    SchemeKind(
        name="schemes",
        label=_lazy("评估方案"),
        columns=[
            Column("scheme_code", "方案编号", Code(50), required=True),
            Column("year", "年度", Integer(2000, 2100), required=True),
            Column("category_code", "类别代码", Code(32), required=True),
            Column("agency_uscc", "机构统一社会信用代码", Uscc(), required=True),
            Column("criterion_code", "评价项代码", Code(32), required=True),
            Column("kind", "评价项类型", Choice(CriterionKind), required=True),
            Column("name", "名称", Text(100)),
            Column("weight", "权重", DecimalNumber(6, 2), required=True),
            Column("baseline", "基准值", DecimalNumber()),
            Column("advanced", "先进值", DecimalNumber()),
            Column("leading", "领跑值", DecimalNumber()),
            Column("max_leaders", "领跑者上限", Integer(), default=5),
            Column("min_participants", "最少参评企业数", Integer(), default=3),
            Column("notice_days", "公示天数", Integer(), default=7),
            Column("cutoff_date", "截止日期", Date()),
            Column(
                "status",
                "状态",
                Choice(SchemeStatus, only={SchemeStatus.APPROVED, SchemeStatus.DRAFT}),
                default=SchemeStatus.APPROVED.value,
            ),
        ],
        key=("scheme_code", "criterion_code"),
        table="evaluators_schemecriterion",
        checks=[
            Check(
                column="category_code",
                sql=f"SELECT row_no, category_code FROM {STAGE} "
                "WHERE category_code IS NOT NULL AND category_id IS NULL ORDER BY row_no",
                message=_lazy("类别代码 %(category_code)s 不存在（请先导入类别）"),
            ),
            AGENCY_EXISTS,
        ],
        # draft -> approved, never back; the frozen columns are `scheme_rules`' (§2).
        status_rule=StatusRule(
            pairs=forward_pairs(SCHEME, back=SCHEME_MOVES_BACK),
            message=scheme_transition_refused,
            stored="sc.status",
        ),
        stage_rules=[scheme_rules],
        sql="SELECT sc.scheme_code, sc.year, c.code, a.uscc, t.criterion_code, t.kind, t.name, "
        "t.weight, t.baseline, t.advanced, t.leading, sc.max_leaders, sc.min_participants, "
        "sc.notice_days, sc.cutoff_date, sc.status FROM evaluators_schemecriterion t "
        "JOIN evaluators_scheme sc ON sc.id = t.scheme_id "
        "JOIN catalog_category c ON c.id = sc.category_id "
        "JOIN evaluators_agency a ON a.id = sc.agency_id {where} "
        "ORDER BY sc.scheme_code, t.position, t.id",
        condition="sc.status IN ('approved', 'draft')",
        filters={
            "year": ExportFilter("sc.year = %s", Integer()),
            "scheme": ExportFilter("sc.scheme_code = %s", Text()),
        },
        pk_expr="t.id",
        description=_lazy(
            "评估方案，每行一个评价项：核心指标（评价项代码为类别的指标代码，填写基准值、先进值、"
            "领跑值）或定性指标（填写名称）；权重合计100，核心指标至少3项。"
        ),
        example=[
            [
                "2026-C-AC-01",
                "2026",
                "C-AC",
                "51110102MJ0000001B",
                "APF",
                "core",
                "",
                "30",
                "4.5",
                "5.0",
                "5.4",
                "",
                "",
                "",
                "",
                "",
            ],
            [
                "2026-C-AC-01",
                "2026",
                "C-AC",
                "51110102MJ0000001B",
                "COMPLETENESS",
                "qualitative",
                "指标全面性",
                "20",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
            ],
        ],
    )
)


# ---------------------------------------------------------------- assessments


def assessment_row_rules(values):
    decision = values.get("decision")
    if decision == AssessmentDecision.REJECT:
        if not (values.get("reason") or "").strip():
            yield "reason", str(REASON_REQUIRED)
        if values.get("criterion_code") or values.get("score") is not None:
            yield "criterion_code", _("结论为 reject（退回）时评价项代码和得分应为空")
    elif decision == AssessmentDecision.ACCEPT:
        if not values.get("criterion_code"):
            yield "criterion_code", _("评分时须填写评价项代码")
        score = values.get("score")
        if score is None:
            yield "score", _("评分时须填写得分")
        elif problem := score_problem(score):
            yield "score", problem


class AssessmentKind(ImportKind):
    def stage_sql(self, present: set[str]) -> str:
        return (
            f"CREATE TEMP TABLE {STAGE} AS SELECT s.*, sc.id AS scheme_id, "
            "sc.status AS scheme_status, sc.agency_id AS scheme_agency_id, "
            "sc.category_id AS scheme_category_id, cat.code AS scheme_category_code, "
            "e.id AS enterprise_id, std.id AS standard_id, "
            "std.category_id AS standard_category_id, "
            "u.id AS evaluator_id, m.agency_id AS evaluator_agency_id, cr.id AS criterion_id, "
            "cr.kind AS criterion_kind, t.id AS _target_id, (t.id IS NOT NULL AND "
            "(t.score IS DISTINCT FROM s.score OR t.reason IS DISTINCT FROM s.reason)) AS _changed "
            f"FROM {STAGE_RAW} s "
            "LEFT JOIN evaluators_scheme sc ON sc.scheme_code = s.scheme_code "
            "LEFT JOIN catalog_category cat ON cat.id = sc.category_id "
            "LEFT JOIN enterprises_enterprise e ON e.uscc = s.uscc "
            "LEFT JOIN declarations_standard std "
            "ON std.enterprise_id = e.id AND std.standard_no = s.standard_no "
            "LEFT JOIN accounts_user u ON lower(u.email) = s.evaluator_email "
            "AND u.role = 'evaluator' "
            "LEFT JOIN evaluators_agencymembership m ON m.user_id = u.id "
            "LEFT JOIN evaluators_schemecriterion cr "
            "ON cr.scheme_id = sc.id AND cr.criterion_code = s.criterion_code "
            "LEFT JOIN evaluators_assessment t ON t.scheme_id = sc.id "
            "AND t.standard_id = std.id AND t.evaluator_id = u.id AND t.decision = s.decision "
            "AND t.criterion_id IS NOT DISTINCT FROM cr.id"
        )

    def write(self, cursor, present: set[str]) -> None:
        # A rejection withdraws the evaluator's scores of that standard (as in the service).
        cursor.execute(
            f"DELETE FROM evaluators_assessment a USING {STAGE} st "
            "WHERE st.decision = 'reject' AND a.scheme_id = st.scheme_id "
            "AND a.standard_id = st.standard_id AND a.evaluator_id = st.evaluator_id "
            "AND a.decision = 'accept'"
        )
        cursor.execute(
            f"UPDATE evaluators_assessment t SET score = st.score, reason = st.reason, "
            f"updated_at = now() FROM {STAGE} st WHERE t.id = st._target_id AND st._changed"
        )
        cursor.execute(
            "INSERT INTO evaluators_assessment (scheme_id, standard_id, evaluator_id, "
            "criterion_id, score, decision, reason, created_at, updated_at) "
            "SELECT st.scheme_id, st.standard_id, st.evaluator_id, st.criterion_id, st.score, "
            f"st.decision, st.reason, now(), now() FROM {STAGE} st "
            "WHERE st._target_id IS NULL ORDER BY st.row_no"
        )


def _check(column, where, message, fields="") -> Check:
    return Check(
        column=column,
        sql=f"SELECT row_no{fields} FROM {STAGE} WHERE {where} ORDER BY row_no",
        message=message,
    )


ASSESSMENTS = register(
    AssessmentKind(
        name="assessments",
        label=_lazy("评分"),
        columns=[
            Column("scheme_code", "方案编号", Code(50), required=True),
            Column("uscc", "统一社会信用代码", Uscc(), required=True),
            Column("standard_no", "标准编号", Text(100), required=True),
            Column("evaluator_email", "评估人员邮箱", Email(), required=True),
            Column("criterion_code", "评价项代码", Code(32)),
            Column("score", "得分", DecimalNumber(5, 2)),
            Column(
                "decision",
                "结论",
                Choice(AssessmentDecision),
                default=AssessmentDecision.ACCEPT.value,
            ),
            Column("reason", "理由", Text()),
        ],
        key=("scheme_code", "uscc", "standard_no", "evaluator_email", "criterion_code"),
        table="evaluators_assessment",
        row_rules=[assessment_row_rules],
        checks=[
            _check(
                "scheme_code",
                "scheme_id IS NULL",
                _lazy("评估方案 %(scheme_code)s 不存在（请先导入评估方案）"),
                ", scheme_code",
            ),
            _check(
                "scheme_code",
                "scheme_id IS NOT NULL AND scheme_status <> 'approved'",
                ONLY_APPROVED,
            ),
            _check(
                "uscc",
                "enterprise_id IS NULL",
                _lazy("企业 %(uscc)s 不存在（请先导入企业）"),
                ", uscc",
            ),
            _check(
                "standard_no",
                "enterprise_id IS NOT NULL AND standard_id IS NULL",
                _lazy("企业 %(uscc)s 没有编号为 %(standard_no)s 的标准（请先导入标准）"),
                ", uscc, standard_no",
            ),
            _check(
                "standard_no",
                "standard_id IS NOT NULL AND scheme_id IS NOT NULL "
                "AND standard_category_id <> scheme_category_id",
                _lazy("标准 %(standard_no)s 不属于方案的类别 %(scheme_category_code)s"),
                ", standard_no, scheme_category_code",
            ),
            _check(
                "evaluator_email",
                "evaluator_id IS NULL",
                _lazy("评估人员 %(evaluator_email)s 不存在（请先导入评估人员）"),
                ", evaluator_email",
            ),
            _check(
                "evaluator_email",
                "evaluator_id IS NOT NULL AND scheme_id IS NOT NULL "
                "AND evaluator_agency_id IS DISTINCT FROM scheme_agency_id",
                OWN_AGENCY_ONLY,
            ),
            _check(
                "criterion_code",
                "decision = 'accept' AND scheme_id IS NOT NULL AND criterion_code <> '' "
                "AND (criterion_id IS NULL OR criterion_kind <> 'qualitative')",
                ONLY_QUALITATIVE,
            ),
            Check(
                column="decision",
                sql=f"SELECT a.row_no, min(b.row_no) AS other FROM {STAGE} a JOIN {STAGE} b "
                "ON a.scheme_code = b.scheme_code AND a.uscc = b.uscc "
                "AND a.standard_no = b.standard_no AND a.evaluator_email = b.evaluator_email "
                "AND a.decision = 'reject' AND b.row_no <> a.row_no "
                "AND b.decision = 'accept' "
                "GROUP BY a.row_no ORDER BY a.row_no",
                message=_lazy("同一评估人员对该标准的退回与第 %(other)d 行冲突：退回时不再评分"),
            ),
            Check(
                column="decision",
                sql=f"SELECT row_no FROM {STAGE} st WHERE st.decision = 'accept' "
                "AND EXISTS (SELECT 1 FROM evaluators_assessment a "
                "WHERE a.scheme_id = st.scheme_id AND a.standard_id = st.standard_id "
                "AND a.evaluator_id = st.evaluator_id AND a.decision = 'reject') "
                f"AND NOT EXISTS (SELECT 1 FROM {STAGE} o WHERE o.decision = 'reject' "
                "AND o.scheme_id = st.scheme_id AND o.standard_id = st.standard_id "
                "AND o.evaluator_id = st.evaluator_id) ORDER BY row_no",
                message=REJECTED_FIRST,
            ),
        ],
        sql="SELECT sc.scheme_code, e.uscc, std.standard_no, u.email, cr.criterion_code, "
        "t.score, t.decision, t.reason FROM evaluators_assessment t "
        "JOIN evaluators_scheme sc ON sc.id = t.scheme_id "
        "JOIN declarations_standard std ON std.id = t.standard_id "
        "JOIN enterprises_enterprise e ON e.id = std.enterprise_id "
        "JOIN accounts_user u ON u.id = t.evaluator_id "
        "LEFT JOIN evaluators_schemecriterion cr ON cr.id = t.criterion_id {where} "
        "ORDER BY sc.scheme_code, e.uscc, std.standard_no, u.email, cr.criterion_code",
        filters={
            "year": ExportFilter("sc.year = %s", Integer()),
            "scheme": ExportFilter("sc.scheme_code = %s", Text()),
        },
        pk_expr="t.id",
        description=_lazy(
            "评估人员的评分：每行一个定性指标得分（0-100），或一条退回（结论 reject，须填理由，"
            "评价项代码和得分留空）。"
        ),
        example=[
            [
                "2026-C-AC-01",
                "91110108MA01ABCD2H",
                "Q/JDQ 001-2026",
                "zhang@example.cn",
                "COMPLETENESS",
                "85",
                "accept",
                "",
            ],
        ],
    )
)
