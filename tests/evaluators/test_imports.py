# ruff: noqa: E501  (exact user-facing messages read best unbroken)
"""Import kinds agencies, evaluators, experts, schemes, assessments: every CONTRACT row rule
with its exact message, all or nothing, idempotent."""

from decimal import Decimal

import pytest

from apps.accounts.models import User
from apps.evaluators.models import Agency, AgencyMembership, Assessment, Scheme
from apps.experts.models import Expert
from tests.factories.accounts import UserFactory
from tests.factories.evaluators import StandardFactory
from tests.factories.uscc import make_uscc

pytestmark = pytest.mark.django_db

AGENCY = make_uscc(5001, division="110102")
OTHER_AGENCY = make_uscc(5002, division="110102")
SCHEME_HEADER = "scheme_code,year,category_code,agency_uscc,criterion_code,kind,name,weight,baseline,advanced,leading,status\n"


def rows(*lines):
    return SCHEME_HEADER + "".join(line + "\n" for line in lines)


def valid_scheme(code="S-AC", status="approved"):
    # C-AC: APF higher (national 4.00), NOISE lower (national 42); a third core criterion
    # needs a third indicator, added by the fixture below.
    return [
        f"{code},2026,C-AC,{AGENCY},APF,core,,30,4.5,5.0,5.4,{status}",
        f"{code},2026,C-AC,{AGENCY},NOISE,core,,20,40,38,36,{status}",
        f"{code},2026,C-AC,{AGENCY},STANDBY,core,,10,1.0,0.8,0.5,{status}",
        f"{code},2026,C-AC,{AGENCY},Q1,qualitative,指标全面性,20,,,,{status}",
        f"{code},2026,C-AC,{AGENCY},Q2,qualitative,编写规范性,20,,,,{status}",
    ]


@pytest.fixture
def agencies(run_import, catalogue):
    assert (
        run_import(
            "indicators",
            "category_code,code,name,unit,direction,national_value\nC-AC,STANDBY,待机功率,W,lower,1.0\n",
        ).code
        == 0
    )
    content = (
        "uscc,name,kind,contact_email\n"
        f"{AGENCY},北京市标准化协会,association,a@example.cn\n"
        f"{OTHER_AGENCY},某产业联盟,alliance,\n"
    )
    outcome = run_import("agencies", content)
    assert (outcome.code, outcome.out) == (0, "agencies: created 2, updated 0, unchanged 0")
    return outcome


# ---------------------------------------------------------------- agencies, evaluators


def test_agencies_import_is_idempotent_and_updates(run_import, agencies):
    content = f"uscc,name,kind\n{AGENCY},北京市标准化协会,association\n{OTHER_AGENCY},某产业联盟（更名）,alliance\n"
    assert run_import("agencies", content).out == "agencies: created 0, updated 1, unchanged 1"
    assert Agency.objects.get(uscc=OTHER_AGENCY).name == "某产业联盟（更名）"


def test_agency_rules(run_import):
    outcome = run_import(
        "agencies",
        f"uscc,name,kind\n91110108000000001B,甲,association\n{AGENCY},乙,company\n{AGENCY},丙,other\n",
    )
    assert outcome.code == 1
    assert outcome.lines[0] == "row 2, column uscc: 统一社会信用代码校验位错误：应为 A，实际为 B"
    assert outcome.lines[1].startswith(
        "row 3, column kind: “company” 不是允许的值，可选：standardization_body"
    )
    assert (
        outcome.lines[2] == f"row 4, column uscc: 与第 3 行重复：{AGENCY} 在同一文件中只能出现一次"
    )
    assert Agency.objects.count() == 0


def test_evaluators_import_creates_accounts_and_memberships(run_import, agencies):
    content = f"email,name,agency_uscc\nZhang@Example.cn,张评估,{AGENCY}\n"
    assert run_import("evaluators", content).out == "evaluators: created 1, updated 0, unchanged 0"
    user = User.objects.get(email="zhang@example.cn")
    assert (user.role, user.name, user.has_usable_password()) == ("evaluator", "张评估", False)
    assert user.agency_membership.agency.uscc == AGENCY
    assert run_import("evaluators", content).out == "evaluators: created 0, updated 0, unchanged 1"
    moved = f"email,name,agency_uscc\nzhang@example.cn,张评估,{OTHER_AGENCY}\n"
    assert run_import("evaluators", moved).out == "evaluators: created 0, updated 1, unchanged 0"
    assert AgencyMembership.objects.get().agency.uscc == OTHER_AGENCY


def test_evaluator_rules(run_import, agencies):
    UserFactory(email="boss@example.cn", role="bureau")
    missing = make_uscc(5999, division="110102")
    outcome = run_import(
        "evaluators",
        f"email,name,agency_uscc\nboss@example.cn,局长,{AGENCY}\nnew@example.cn,新人,{missing}\nnot-mail,某,{AGENCY}\n",
    )
    assert outcome.code == 1
    assert outcome.lines == [
        "row 2, column email: 邮箱 boss@example.cn 已用于其他角色的账户",
        f"row 3, column agency_uscc: 评估机构 {missing} 不存在（请先导入评估机构）",
        "row 4, column email: “not-mail” 不是有效的邮箱地址",
    ]
    assert AgencyMembership.objects.count() == 0


# ---------------------------------------------------------------- experts


def test_experts_import(run_import, catalogue):
    expert_user = UserFactory(email="li@example.cn", role="expert")
    org = make_uscc(6001, division="110105")
    content = (
        "email,name,organisation,organisation_uscc,title,specialties,roles,status\n"
        f"li@example.cn,李工,中国标准化研究院,{org},研究员,C-AC；C-RICE,committee;inspector,\n"
        "wang@example.cn,王工,清华大学,,教授,C-AC,,recommended\n"
    )
    outcome = run_import("experts", content)
    assert outcome.out == "experts: created 2, updated 0, unchanged 0"
    li = Expert.objects.get(email="li@example.cn")
    assert (li.status, li.roles, li.user, li.organisation_uscc) == (
        "appointed",
        ["committee", "inspector"],
        expert_user,
        org,
    )
    assert sorted(li.specialties.values_list("code", flat=True)) == ["C-AC", "C-RICE"]
    assert li.appointed_on is not None
    wang = Expert.objects.get(email="wang@example.cn")
    assert (wang.status, wang.roles) == ("recommended", ["committee"])
    assert run_import("experts", content).out == "experts: created 0, updated 0, unchanged 2"
    changed = content.replace("C-AC；C-RICE", "C-RICE")
    assert run_import("experts", changed).out == "experts: created 0, updated 1, unchanged 1"
    assert list(li.specialties.values_list("code", flat=True)) == ["C-RICE"]


def test_expert_rules(run_import, catalogue):
    outcome = run_import(
        "experts",
        "email,name,organisation,organisation_uscc,specialties,roles,status\n"
        "a@example.cn,甲,某院,91110108000000001B,C-AC,committee,appointed\n"
        "b@example.cn,乙,某院,,C-XX;C-YY,judge,fired\n"
        "c@example.cn,丙,,,,,\n",
    )
    assert outcome.code == 1
    assert (
        outcome.lines[0]
        == "row 2, column organisation_uscc: 统一社会信用代码校验位错误：应为 A，实际为 B"
    )
    assert outcome.lines[1] == (
        "row 3, column specialties: 专业领域 C-XX, C-YY 不是已有的类别代码（请先导入类别）"
    )
    assert outcome.lines[2].startswith("row 3, column roles: “judge” 不是允许的值，可选：committee")
    assert outcome.lines[3].startswith("row 3, column status: “fired” 不是允许的值")
    assert outcome.lines[4:] == ["row 4, column organisation: 必填，不能为空"]
    assert Expert.objects.count() == 0


# ---------------------------------------------------------------- schemes


def test_schemes_import_through_the_service(run_import, agencies):
    outcome = run_import("schemes", rows(*valid_scheme()))
    assert (outcome.code, outcome.out) == (0, "schemes: created 5, updated 0, unchanged 0")
    scheme = Scheme.objects.get()
    assert (scheme.status, scheme.max_leaders, scheme.min_participants, scheme.notice_days) == (
        "approved",
        5,
        3,
        7,
    )
    assert str(scheme.cutoff_date) == "2026-12-31"
    assert scheme.criteria.get(criterion_code="APF").name == "全年能源消耗效率"
    assert run_import("schemes", rows(*valid_scheme())).out == (
        "schemes: created 0, updated 0, unchanged 5"
    )


def test_approved_scheme_is_frozen_against_imports(run_import, agencies):
    run_import("schemes", rows(*valid_scheme()))
    changed = valid_scheme()
    changed[3] = changed[3].replace(",20,", ",15,")
    changed[4] = changed[4].replace(",20,", ",25,")
    outcome = run_import("schemes", rows(*changed))
    assert outcome.lines == [
        "row 5, column weight: 方案 S-AC 已批准并冻结，评价项 Q1 的 weight 不能修改（现为 20），修改须创建新版本",
        "row 6, column weight: 方案 S-AC 已批准并冻结，评价项 Q2 的 weight 不能修改（现为 20），修改须创建新版本",
    ]


def test_draft_scheme_can_be_reimported(run_import, agencies):
    run_import("schemes", rows(*valid_scheme(status="draft")))
    changed = valid_scheme(status="draft")
    changed[3] = changed[3].replace(",20,", ",15,")
    changed[4] = changed[4].replace(",20,", ",25,")
    assert run_import("schemes", rows(*changed)).out == "schemes: created 0, updated 2, unchanged 3"


def test_one_approved_scheme_per_agency_and_key_area(run_import, agencies):
    run_import("schemes", rows(*valid_scheme()))
    outcome = run_import("schemes", rows(*valid_scheme(code="S-AC-2")))
    assert outcome.lines == [
        "row 2, column scheme_code: 本机构 2026年 房间空气调节器 已有已批准的评估方案"
    ]


def test_two_agencies_may_each_have_an_approved_scheme_for_a_key_area(run_import, agencies):
    run_import("schemes", rows(*valid_scheme()))
    other = [line.replace(AGENCY, OTHER_AGENCY) for line in valid_scheme(code="S-AC-OTHER")]
    assert run_import("schemes", rows(*other)).code == 0


def test_scheme_row_rules_each_with_its_message(run_import, agencies):
    bad = [
        f"S1,2026,C-AC,{AGENCY},APF,core,,30,3.9,5.0,5.4,",  # baseline laxer than national 4.00
        f"S1,2026,C-AC,{AGENCY},NOISE,core,,20,40,41,36,",  # lower: not descending
        f"S1,2026,C-AC,{AGENCY},STANDBY,core,,10,1.0,,0.5,",  # missing advanced
        f"S1,2026,C-AC,{AGENCY},EFF,core,,10,1,2,3,",  # not an indicator of C-AC
        f"S1,2026,C-AC,{AGENCY},Q1,qualitative,,20,5,,,",  # no name, a threshold
        f"S1,2026,C-AC,{AGENCY},Q2,qualitative,编写规范性,0,,,,",  # weight 0
    ]
    outcome = run_import("schemes", rows(*bad))
    assert outcome.code == 1
    assert outcome.lines == [
        "row 2, column weight: 权重合计应为100，实际为90",
        "row 2, column baseline: APF 的基准值 3.9 低于国家标准值 4，不得宽于国家标准",
        "row 3, column advanced: NOISE 越低越好，应满足 基准值 ≥ 先进值 ≥ 领跑值",
        "row 4, column advanced: 核心指标须填写先进值",
        "row 5, column criterion_code: EFF 不是类别 C-AC 的指标",
        "row 6, column name: 定性指标须填写名称",
        "row 6, column baseline: 定性指标不填写基准值",
        "row 7, column weight: 权重应大于0且不超过100，实际为0",
    ]
    assert Scheme.objects.count() == 0


def test_scheme_cells_and_references_are_checked_before_the_scheme_rules(run_import, agencies):
    lines = [*valid_scheme(code="S2"), f"S2,2026,C-AC,{AGENCY},Q3,soft,,abc,,,,"]
    lines[0] = lines[0].replace("C-AC", "C-XX")
    outcome = run_import("schemes", rows(*lines))
    assert outcome.lines == [
        "row 2, column category_code: 类别代码 C-XX 不存在（请先导入类别）",
        "row 7, column kind: “soft” 不是允许的值，可选：core（核心指标）、qualitative（定性指标）",
        "row 7, column weight: “abc” 不是有效的数字（小数点用“.”，不加千位分隔符）",
    ]


def test_scheme_needs_three_core_criteria_and_consistent_rows(run_import, agencies):
    lines = [
        f"S1,2026,C-AC,{AGENCY},APF,core,,40,4.5,5.0,5.4,",
        f"S1,2026,C-AC,{AGENCY},NOISE,core,,40,40,38,36,",
        f"S1,2027,C-AC,{AGENCY},Q1,qualitative,指标全面性,20,,,,",
    ]
    outcome = run_import("schemes", rows(*lines))
    assert outcome.lines == ["row 4, column year: 方案 S1 的 year 与第 2 行不一致"]
    lines[2] = lines[2].replace(",2027,", ",2026,")
    outcome = run_import("schemes", rows(*lines))
    assert outcome.lines == ["row 2, column kind: 核心指标至少3项，实际为2项"]
    missing = make_uscc(5999, division="110102")
    outcome = run_import("schemes", rows(*[line.replace(AGENCY, missing) for line in lines]))
    assert (
        outcome.lines[0]
        == f"row 2, column agency_uscc: 评估机构 {missing} 不存在（请先导入评估机构）"
    )


def test_scheme_numbers_and_dates(run_import, agencies):
    header = "scheme_code,year,category_code,agency_uscc,criterion_code,kind,name,weight,baseline,advanced,leading,max_leaders,min_participants,notice_days,cutoff_date\n"
    body = "".join(line.rsplit(",", 1)[0] + ",0,2,x,2026/13/1\n" for line in valid_scheme())
    outcome = run_import("schemes", header + body)
    assert outcome.lines[:3] == [
        "row 2, column notice_days: “x” 不是有效的整数",
        "row 2, column cutoff_date: “2026/13/1” 不是日历上存在的日期",
        "row 3, column notice_days: “x” 不是有效的整数",
    ]
    body = "".join(line.rsplit(",", 1)[0] + ",0,2,5,2026/6/30\n" for line in valid_scheme())
    outcome = run_import("schemes", header + body)
    assert outcome.lines == ["row 2, column max_leaders: 应为不小于1的整数"]
    body = "".join(line.rsplit(",", 1)[0] + ",3,2,5,2026/6/30\n" for line in valid_scheme())
    assert run_import("schemes", header + body).code == 0
    scheme = Scheme.objects.get()
    assert (scheme.max_leaders, scheme.min_participants, scheme.notice_days) == (3, 2, 5)
    assert str(scheme.cutoff_date) == "2026-06-30"


# ---------------------------------------------------------------- assessments


@pytest.fixture
def scored_setting(run_import, agencies, enterprises):
    assert run_import("schemes", rows(*valid_scheme())).code == 0
    assert (
        run_import(
            "evaluators",
            f"email,name,agency_uscc\nzhang@example.cn,张,{AGENCY}\nzhao@example.cn,赵,{OTHER_AGENCY}\n",
        ).code
        == 0
    )
    scheme = Scheme.objects.get()
    standard_a = StandardFactory(
        enterprise=enterprises[0], category=scheme.category, standard_no="Q/JDQ 001-2026"
    )
    standard_b = StandardFactory(
        enterprise=enterprises[1], category=scheme.category, standard_no="Q/YKJ 002-2026"
    )
    return {"scheme": scheme, "a": standard_a, "b": standard_b}


ASSESSMENT_HEADER = (
    "scheme_code,uscc,standard_no,evaluator_email,criterion_code,score,decision,reason\n"
)


def test_assessments_import(run_import, scored_setting):
    a, b = scored_setting["a"], scored_setting["b"]
    content = ASSESSMENT_HEADER + (
        f"S-AC,{a.enterprise.uscc},{a.standard_no},zhang@example.cn,Q1,85,,\n"
        f"S-AC,{a.enterprise.uscc},{a.standard_no},zhang@example.cn,Q2,90.5,accept,\n"
        f"S-AC,{b.enterprise.uscc},{b.standard_no},zhang@example.cn,,,reject,缺少检验方法\n"
    )
    outcome = run_import("assessments", content)
    assert (outcome.code, outcome.out) == (0, "assessments: created 3, updated 0, unchanged 0")
    assert sorted(
        Assessment.objects.values_list("standard__standard_no", "decision", "score", "reason")
    ) == [
        (a.standard_no, "accept", Decimal("85.00"), ""),
        (a.standard_no, "accept", Decimal("90.50"), ""),
        (b.standard_no, "reject", None, "缺少检验方法"),
    ]
    assert (
        run_import("assessments", content).out == "assessments: created 0, updated 0, unchanged 3"
    )
    rejecting = ASSESSMENT_HEADER + (
        f"S-AC,{a.enterprise.uscc},{a.standard_no},zhang@example.cn,,,reject,文本不完整\n"
    )
    assert run_import("assessments", rejecting).code == 0
    assert Assessment.objects.filter(standard=a).count() == 1  # scores withdrawn by the rejection


def test_assessment_rules_each_with_its_message(run_import, scored_setting):
    a = scored_setting["a"]
    u, n = a.enterprise.uscc, a.standard_no
    other = make_uscc(7777)
    content = ASSESSMENT_HEADER + (
        f"S-AC,{u},{n},zhang@example.cn,Q1,101,,\n"
        f"S-AC,{u},{n},zhang@example.cn,,,reject,\n"
        f"S-AC,{u},{n},zhang@example.cn,Q2,80,reject,理由\n"
        f"S-AC,{u},{n},zhang@example.cn,,,,\n"
        f"S-XX,{u},{n},zhang@example.cn,Q1,80,,\n"
        f"S-AC,{other},{n},zhang@example.cn,Q1,80,,\n"
        f"S-AC,{u},Q/NONE,zhang@example.cn,Q1,80,,\n"
        f"S-AC,{u},{n},nobody@example.cn,Q1,80,,\n"
        f"S-AC,{u},{n},zhao@example.cn,Q1,80,,\n"
        f"S-AC,{u},{n},zhang@example.cn,APF,80,,\n"
        f"S-AC,{u},{n},zhang@example.cn,Q9,8x,maybe,\n"
    )
    outcome = run_import("assessments", content)
    assert outcome.code == 1
    assert outcome.lines == [
        "row 2, column score: 得分应在0到100之间",
        "row 3, column decision: 同一评估人员对该标准的退回与第 2 行冲突：退回时不再评分",
        "row 3, column reason: 退回时必须填写理由",
        "row 4, column criterion_code: 结论为 reject（退回）时评价项代码和得分应为空",
        "row 4, column decision: 同一评估人员对该标准的退回与第 2 行冲突：退回时不再评分",
        f"row 5, column scheme_code: 与第 3 行重复：S-AC / {u} / {n} / zhang@example.cn /  在同一文件中只能出现一次",
        "row 5, column criterion_code: 评分时须填写评价项代码",
        "row 5, column score: 评分时须填写得分",
        "row 6, column scheme_code: 评估方案 S-XX 不存在（请先导入评估方案）",
        f"row 7, column uscc: 企业 {other} 不存在（请先导入企业）",
        f"row 8, column standard_no: 企业 {u} 没有编号为 Q/NONE 的标准（请先导入标准）",
        "row 9, column evaluator_email: 评估人员 nobody@example.cn 不存在（请先导入评估人员）",
        "row 10, column evaluator_email: 评估人员只能评价本机构的方案",
        "row 11, column criterion_code: 只能为本方案的定性指标评分",
        "row 12, column score: “8x” 不是有效的数字（小数点用“.”，不加千位分隔符）",
        "row 12, column decision: “maybe” 不是允许的值，可选：accept（评分）、reject（退回（不予评价））",
    ]
    assert Assessment.objects.count() == 0


def test_assessment_needs_an_approved_scheme_of_the_standards_category(
    run_import, scored_setting, catalogue
):
    scheme, a = scored_setting["scheme"], scored_setting["a"]
    rice = StandardFactory(
        enterprise=a.enterprise, category=catalogue["C-RICE"], standard_no="Q/R 1"
    )
    content = ASSESSMENT_HEADER + f"S-AC,{a.enterprise.uscc},Q/R 1,zhang@example.cn,Q1,80,,\n"
    assert run_import("assessments", content).lines == [
        "row 2, column standard_no: 标准 Q/R 1 不属于方案的类别 C-AC"
    ]
    assert rice.pk
    Scheme.objects.filter(pk=scheme.pk).update(status="public_comment")
    content = (
        ASSESSMENT_HEADER + f"S-AC,{a.enterprise.uscc},{a.standard_no},zhang@example.cn,Q1,80,,\n"
    )
    assert run_import("assessments", content).lines == [
        "row 2, column scheme_code: 只有已批准的方案可以评分"
    ]


def test_assessment_after_a_rejection_in_the_database(run_import, scored_setting):
    a = scored_setting["a"]
    reject = (
        ASSESSMENT_HEADER
        + f"S-AC,{a.enterprise.uscc},{a.standard_no},zhang@example.cn,,,reject,不完整\n"
    )
    assert run_import("assessments", reject).code == 0
    score = (
        ASSESSMENT_HEADER + f"S-AC,{a.enterprise.uscc},{a.standard_no},zhang@example.cn,Q1,80,,\n"
    )
    assert run_import("assessments", score).lines == [
        "row 2, column decision: 已退回该标准，请先撤销退回再评分"
    ]
