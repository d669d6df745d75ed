import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from apps.core.models import AuditEntry
from apps.evaluators import selectors
from apps.evaluators.models import Assessment, KeyAreaApplication, Scheme
from apps.evaluators.services.agencies import application_decide, applications_submit
from apps.evaluators.services.schemes import (
    SchemeInvalid,
    scheme_comment_add,
    scheme_new_version,
    scheme_results_publish,
    scheme_save,
    scheme_start_review,
    scheme_transition,
)
from apps.evaluators.services.scoring import (
    assessment_reject,
    assessment_score,
    assessment_unreject,
    evaluator_conflict_declare,
)
from apps.evaluators.validation import CriterionData
from apps.experts.services.reviews import opinion_give
from apps.leaders.services.rankings import ranking_compile
from tests.factories.evaluators import (
    AgencyFactory,
    KeyAreaFactory,
    StandardFactory,
    approved_scheme,
    category_with_indicators,
    evaluator_user,
)
from tests.factories.experts import ExpertFactory

pytestmark = pytest.mark.django_db


def criteria():
    d = Decimal
    return [
        CriterionData("EFF", "core", "", d(20), d(85), d(90), d(95)),
        CriterionData("NOISE", "core", "", d(20), d(55), d(50), d(45)),
        CriterionData("STANDBY", "core", "", d(20), d("1"), d("0.8"), d("0.5")),
        CriterionData("Q1", "qualitative", "指标全面性", d(20)),
        CriterionData("Q2", "qualitative", "编写规范性", d(20)),
    ]


@pytest.fixture
def setting(bureau_user):
    category = category_with_indicators()
    agency = AgencyFactory()
    evaluator = evaluator_user(agency)
    key_area = KeyAreaFactory(year=2026, category=category)
    [application] = applications_submit(
        agency=agency, key_areas=[key_area], qualifications="CNAS 认可", actor=evaluator
    )
    application_decide(application=application, approve=True, actor=bureau_user)
    return {"category": category, "agency": agency, "evaluator": evaluator}


def draft(setting, code="S-2026-1"):
    scheme, created = scheme_save(
        agency=setting["agency"],
        year=2026,
        category=setting["category"],
        scheme_code=code,
        criteria=criteria(),
        actor=setting["evaluator"],
    )
    assert created
    return scheme


def test_application_refusal_needs_a_reason(bureau_user):
    agency = AgencyFactory()
    evaluator = evaluator_user(agency)
    [application] = applications_submit(
        agency=agency, key_areas=[KeyAreaFactory()], qualifications="资质", actor=evaluator
    )
    with pytest.raises(ValidationError) as error:
        application_decide(application=application, approve=False, actor=bureau_user)
    assert error.value.message_dict == {"reason": ["不予批准时必须填写理由"]}
    application_decide(
        application=application, approve=False, reason="缺少检测能力", actor=bureau_user
    )
    application.refresh_from_db()
    assert (application.status, application.refusal_reason) == ("refused", "缺少检测能力")
    with pytest.raises(ValidationError):
        application_decide(application=application, approve=True, actor=bureau_user)


def test_evaluator_of_another_agency_cannot_apply_for_it():
    agency = AgencyFactory()
    with pytest.raises(PermissionDenied):
        applications_submit(
            agency=agency, key_areas=[KeyAreaFactory()], qualifications="x", actor=evaluator_user()
        )


def test_scheme_needs_an_approved_key_area():
    agency = AgencyFactory()
    evaluator = evaluator_user(agency)
    category = category_with_indicators()
    with pytest.raises(ValidationError) as error:
        scheme_save(
            agency=agency,
            year=2026,
            category=category,
            scheme_code="S-X",
            criteria=criteria(),
            actor=evaluator,
        )
    assert error.value.messages == [f"评估机构未获准评估该重点领域（2026年 {category.name}）"]


def test_invalid_scheme_writes_nothing(setting):
    bad = criteria()
    bad[0].baseline = Decimal(70)
    with pytest.raises(SchemeInvalid) as error:
        scheme_save(
            agency=setting["agency"],
            year=2026,
            category=setting["category"],
            scheme_code="S-BAD",
            criteria=bad,
            actor=setting["evaluator"],
        )
    assert error.value.messages == ["EFF 的基准值 70 低于国家标准值 80，不得宽于国家标准"]
    assert Scheme.objects.count() == 0


def test_draft_defaults_and_core_names(setting):
    scheme = draft(setting)
    assert (scheme.max_leaders, scheme.min_participants, scheme.notice_days) == (5, 3, 7)
    assert scheme.cutoff_date == datetime.date(2026, 12, 31)
    assert scheme.status == "draft"
    names = list(scheme.criteria.values_list("name", flat=True))
    assert names[3:] == ["指标全面性", "编写规范性"]
    assert names[0] == setting["category"].indicators.get(code="EFF").name


def full_review(scheme, bureau_user, decisions):
    category = scheme.category
    ExpertFactory.create_batch(len(decisions), specialties=[category])
    review = scheme_start_review(scheme=scheme, size=len(decisions), actor=bureau_user, seed=1)
    for member, (decision, comments) in zip(
        review.members.select_related("expert__user"), decisions, strict=True
    ):
        opinion_give(member=member, decision=decision, comments=comments, actor=member.expert.user)
    scheme.refresh_from_db()
    review.refresh_from_db()
    return review


def test_scheme_lifecycle_to_approval(setting, bureau_user):
    scheme = draft(setting)
    scheme_transition(scheme=scheme, to="submitted", actor=setting["evaluator"])
    full_review(scheme, bureau_user, [("approve", ""), ("approve", ""), ("reject", "不足")])
    assert scheme.status == "public_comment"
    assert scheme.public_comment_ends_on == timezone.localdate() + datetime.timedelta(days=7)
    scheme_comment_add(scheme=scheme, author_name="张三", text="建议增加噪声要求", consented=True)
    with pytest.raises(ValidationError) as error:
        scheme_transition(scheme=scheme, to="approved", actor=bureau_user)
    assert error.value.messages == [
        f"征求意见期至 {scheme.public_comment_ends_on} 结束，结束后方可批准"
    ]
    Scheme.objects.filter(pk=scheme.pk).update(
        public_comment_ends_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    scheme_transition(scheme=scheme, to="approved", actor=bureau_user)
    scheme.refresh_from_db()
    assert scheme.status == "approved"
    with pytest.raises(ValidationError) as error:
        scheme_comment_add(scheme=scheme, author_name="李四", text="晚了", consented=True)
    assert error.value.messages == ["该方案不在公开征求意见期内"]
    actions = list(
        AuditEntry.objects.filter(object_id=str(scheme.pk), action__startswith="scheme.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "scheme.create",
        "scheme.submitted",
        "scheme.expert_review",
        "scheme.public_comment",
        "scheme.comment",
        "scheme.approved",
    ]


def test_review_majority_against_returns_the_scheme_with_reasons(setting, bureau_user):
    scheme = draft(setting)
    scheme_transition(scheme=scheme, to="submitted", actor=setting["evaluator"])
    review = full_review(
        scheme, bureau_user, [("revise", "补充待机功率"), ("reject", "权重不合理"), ("approve", "")]
    )
    assert review.outcome == "revise"
    assert scheme.status == "returned"
    assert "补充待机功率" in scheme.returned_reason and "权重不合理" in scheme.returned_reason
    scheme_transition(scheme=scheme, to="draft", actor=setting["evaluator"])
    scheme_transition(scheme=scheme, to="submitted", actor=setting["evaluator"])
    scheme.refresh_from_db()
    assert scheme.status == "submitted" and scheme.returned_reason == ""


def test_transition_table_refuses_other_moves(setting, bureau_user):
    scheme = draft(setting)
    with pytest.raises(ValidationError) as error:
        scheme_transition(scheme=scheme, to="approved", actor=bureau_user)
    assert error.value.messages == ["方案状态不能从“草稿”变为“已批准”"]


def test_only_the_agency_submits_and_only_staff_return(setting, bureau_user):
    scheme = draft(setting)
    with pytest.raises(PermissionDenied):
        scheme_transition(scheme=scheme, to="submitted", actor=evaluator_user())
    scheme_transition(scheme=scheme, to="submitted", actor=setting["evaluator"])
    with pytest.raises(PermissionDenied):
        scheme_transition(scheme=scheme, to="returned", reason="x", actor=setting["evaluator"])
    with pytest.raises(ValidationError) as error:
        scheme_transition(scheme=scheme, to="returned", actor=bureau_user)
    assert error.value.message_dict == {"reason": ["退回时必须填写理由"]}


def test_approved_scheme_is_frozen_and_changes_need_a_new_version(setting, bureau_user):
    scheme = approved_scheme(agency=setting["agency"], category=setting["category"])
    with pytest.raises(PermissionDenied):
        scheme_save(
            scheme=scheme,
            agency=setting["agency"],
            year=2026,
            category=setting["category"],
            scheme_code=scheme.scheme_code,
            criteria=criteria(),
            actor=setting["evaluator"],
        )
    new = scheme_new_version(
        scheme=scheme, scheme_code=f"{scheme.scheme_code}-V2", actor=setting["evaluator"]
    )
    assert (new.version, new.previous, new.status) == (2, scheme, "draft")
    assert new.criteria.count() == 5
    Scheme.objects.filter(pk=new.pk).update(status="public_comment")
    scheme_transition(scheme=new, to="approved", actor=bureau_user)
    scheme.refresh_from_db()
    assert scheme.status == "superseded"


# ---------------------------------------------------------------- scoring


@pytest.fixture
def scoring(setting):
    scheme = approved_scheme(agency=setting["agency"], category=setting["category"])
    standards = StandardFactory.create_batch(3, category=setting["category"])
    return {**setting, "scheme": scheme, "standards": standards}


def test_entrants_follow_the_contract(scoring):
    scheme = scoring["scheme"]
    category = scoring["category"]
    StandardFactory(category=category, status="abolished")
    StandardFactory(category=category, status="draft", published_on=None)
    StandardFactory(category=category, published_on=datetime.date(2027, 1, 1))
    StandardFactory()  # another category
    assert set(selectors.entrants(scheme)) == set(scoring["standards"])


def test_evaluator_never_sees_a_conflicted_enterprise(scoring):
    evaluator, scheme = scoring["evaluator"], scoring["scheme"]
    conflicted = scoring["standards"][0]
    evaluator_conflict_declare(
        evaluator=evaluator, enterprise=conflicted.enterprise, reason="亲属任职", actor=evaluator
    )
    visible = list(selectors.entrants_for_evaluator(scheme, evaluator))
    assert conflicted not in visible and len(visible) == 2
    criterion = scheme.criteria.get(criterion_code="Q1")
    with pytest.raises(PermissionDenied):
        assessment_score(
            scheme=scheme,
            standard=conflicted,
            criterion=criterion,
            score=Decimal(90),
            actor=evaluator,
        )
    with pytest.raises(PermissionDenied):
        assessment_reject(scheme=scheme, standard=conflicted, reason="x", actor=evaluator)


def test_score_reject_and_unreject(scoring):
    evaluator, scheme = scoring["evaluator"], scoring["scheme"]
    standard = scoring["standards"][0]
    q1 = scheme.criteria.get(criterion_code="Q1")
    assessment, changed = assessment_score(
        scheme=scheme, standard=standard, criterion=q1, score=Decimal("88.5"), actor=evaluator
    )
    assert changed and assessment.score == Decimal("88.5")
    _, changed = assessment_score(
        scheme=scheme, standard=standard, criterion=q1, score=Decimal("88.50"), actor=evaluator
    )
    assert not changed
    assessment_score(
        scheme=scheme, standard=standard, criterion=q1, score=Decimal("90"), actor=evaluator
    )
    with pytest.raises(ValidationError) as error:
        assessment_score(
            scheme=scheme, standard=standard, criterion=q1, score=Decimal("101"), actor=evaluator
        )
    assert error.value.message_dict == {"score": ["得分应在0到100之间"]}
    eff = scheme.criteria.get(criterion_code="EFF")
    with pytest.raises(ValidationError) as error:
        assessment_score(
            scheme=scheme, standard=standard, criterion=eff, score=Decimal("90"), actor=evaluator
        )
    assert error.value.message_dict == {"criterion_code": ["只能为本方案的定性指标评分"]}
    assessment_reject(
        scheme=scheme, standard=standard, reason="标准文本缺少检验方法", actor=evaluator
    )
    assert list(Assessment.objects.values_list("decision", "criterion", "score", "reason")) == [
        ("reject", None, None, "标准文本缺少检验方法")
    ]
    with pytest.raises(ValidationError) as error:
        assessment_score(
            scheme=scheme, standard=standard, criterion=q1, score=Decimal("80"), actor=evaluator
        )
    assert error.value.messages == ["已退回该标准，请先撤销退回再评分"]
    assessment_unreject(scheme=scheme, standard=standard, actor=evaluator)
    assert Assessment.objects.count() == 0
    scores = [
        entry.changes["score"]
        for entry in AuditEntry.objects.filter(action="assessment.score").order_by("id")
    ]
    assert scores == [[None, "88.5"], ["88.50", "90"]]
    reject = AuditEntry.objects.get(action="assessment.reject")
    assert reject.changes["withdrawn_scores"] == [{"Q1": "90.00"}, None]


def test_several_evaluators_score_the_same_standard(scoring):
    scheme, standard = scoring["scheme"], scoring["standards"][0]
    second = evaluator_user(scoring["agency"])
    q1 = scheme.criteria.get(criterion_code="Q1")
    for evaluator, score in ((scoring["evaluator"], 80), (second, 90)):
        assessment_score(
            scheme=scheme, standard=standard, criterion=q1, score=Decimal(score), actor=evaluator
        )
    assert Assessment.objects.filter(standard=standard).count() == 2


def test_evaluator_of_another_agency_cannot_score(scoring):
    scheme, standard = scoring["scheme"], scoring["standards"][0]
    with pytest.raises(PermissionDenied):
        assessment_score(
            scheme=scheme,
            standard=standard,
            criterion=scheme.criteria.get(criterion_code="Q1"),
            score=Decimal(80),
            actor=evaluator_user(),
        )


def test_no_scoring_before_approval(setting):
    scheme = approved_scheme(
        agency=setting["agency"], category=setting["category"], status="public_comment"
    )
    standard = StandardFactory(category=setting["category"])
    with pytest.raises(PermissionDenied):
        assessment_score(
            scheme=scheme,
            standard=standard,
            criterion=scheme.criteria.get(criterion_code="Q1"),
            score=Decimal(80),
            actor=setting["evaluator"],
        )


def test_enterprise_sees_its_results_only_once_published(scoring, bureau_user):
    scheme, standard = scoring["scheme"], scoring["standards"][0]
    assessment_score(
        scheme=scheme,
        standard=standard,
        criterion=scheme.criteria.get(criterion_code="Q1"),
        score=Decimal(77),
        actor=scoring["evaluator"],
    )
    assert list(selectors.results_for_enterprise(standard.enterprise)) == []
    scheme_results_publish(scheme=scheme, actor=bureau_user)
    assert [a.score for a in selectors.results_for_enterprise(standard.enterprise)] == [Decimal(77)]
    other = scoring["standards"][1].enterprise
    assert list(selectors.results_for_enterprise(other)) == []


def test_key_area_application_is_unique(setting):
    key_area = KeyAreaApplication.objects.get(agency=setting["agency"]).key_area
    with pytest.raises(ValidationError) as error:
        applications_submit(
            agency=setting["agency"],
            key_areas=[key_area],
            qualifications="再次申请",
            actor=setting["evaluator"],
        )
    assert error.value.message_dict == {"key_areas": [f"已申请过：{key_area}"]}


def test_compiling_the_ranking_publishes_results_to_enterprises(scoring):
    scheme, standard = scoring["scheme"], scoring["standards"][0]
    assessment_reject(
        scheme=scheme, standard=standard, reason="缺少检验方法", actor=scoring["evaluator"]
    )
    assert list(selectors.results_for_enterprise(standard.enterprise)) == []
    ranking_compile(scheme=scheme)
    assert [a.reason for a in selectors.results_for_enterprise(standard.enterprise)] == [
        "缺少检验方法"
    ]
