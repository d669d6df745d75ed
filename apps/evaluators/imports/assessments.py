"""Import/export kind `assessments` (CONTRACT.md section 2)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from apps.core.imports import (
    STAGE,
    Check,
    Choice,
    Code,
    Column,
    DecimalNumber,
    Email,
    ExportFilter,
    ImportKind,
    Integer,
    Text,
    Uscc,
    register,
)
from apps.core.imports.spec import STAGE_RAW
from apps.evaluators.enums import AssessmentDecision
from apps.evaluators.validation import (
    ONLY_APPROVED,
    ONLY_QUALITATIVE,
    OWN_AGENCY_ONLY,
    REASON_REQUIRED,
    REJECTED_FIRST,
    score_problem,
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
