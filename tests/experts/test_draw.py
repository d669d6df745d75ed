import random

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.core.models import AuditEntry
from apps.experts.models import Expert, Review
from apps.experts.services.profiles import conflict_declare, expert_save, expert_set_status
from apps.experts.services.reviews import majority, opinion_give, review_draw
from apps.experts.signals import review_closed
from tests.factories.evaluators import AgencyFactory, CategoryFactory
from tests.factories.experts import ExpertFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def category():
    return CategoryFactory()


@pytest.fixture
def target():
    # Any model instance can be reviewed; an agency is a convenient one here.
    return AgencyFactory()


def draw(target, category, actor, size=3, seed=None, excluded=()):
    return review_draw(
        target=target,
        kind="scheme",
        title="测试方案",
        category=category,
        size=size,
        excluded_usccs=list(excluded),
        actor=actor,
        seed=seed,
    )


def test_draw_is_reproducible_from_seed_and_pool(category, target, bureau_user):
    ExpertFactory.create_batch(8, specialties=[category])
    review = draw(target, category, bureau_user, seed=20260301)
    drawn = list(review.members.order_by("position").values_list("expert_id", flat=True))
    assert drawn == random.Random(20260301).sample(review.pool, 3)
    assert review.seed == 20260301
    emails = list(Expert.objects.in_bulk(review.pool).values())
    assert [e.pk for e in sorted(emails, key=lambda e: e.email)] == review.pool
    again = draw(target, category, bureau_user, seed=20260301)
    assert again.round == 2
    assert list(again.members.order_by("position").values_list("expert_id", flat=True)) == drawn


def test_pool_is_appointed_committee_experts_with_the_specialty(category, target, bureau_user):
    other = CategoryFactory()
    eligible = ExpertFactory.create_batch(3, specialties=[category])
    ExpertFactory(specialties=[other])
    ExpertFactory(specialties=[category], status="recommended")
    ExpertFactory(specialties=[category], status="retired")
    ExpertFactory(specialties=[category], roles=["inspector"])
    review = draw(target, category, bureau_user)
    assert sorted(review.pool) == sorted(e.pk for e in eligible)
    assert review.excluded == {}


def test_conflicts_are_excluded_and_recorded(category, target, bureau_user):
    agency_uscc = target.uscc
    same_org = ExpertFactory(specialties=[category], organisation_uscc=agency_uscc)
    declared = ExpertFactory(specialties=[category])
    conflict_declare(
        expert=declared, uscc=agency_uscc, organisation="机构", reason="曾任职", actor=declared.user
    )
    free = ExpertFactory.create_batch(3, specialties=[category])
    review = draw(target, category, bureau_user, excluded=[agency_uscc])
    assert sorted(review.pool) == sorted(e.pk for e in free)
    assert set(review.excluded) == {str(same_org.pk), str(declared.pk)}
    assert review.excluded[str(same_org.pk)] == f"所在单位 {agency_uscc} 与评审对象相关"
    assert review.excluded[str(declared.pk)] == f"已声明与 {agency_uscc} 存在利益冲突"
    assert review.excluded_usccs == [agency_uscc]


def test_too_few_experts_is_a_clear_error_and_writes_nothing(category, target, bureau_user):
    ExpertFactory.create_batch(2, specialties=[category])
    ExpertFactory(specialties=[category], organisation_uscc=target.uscc)
    with pytest.raises(ValidationError) as error:
        draw(target, category, bureau_user, excluded=[target.uscc])
    assert error.value.messages == [
        f"可抽取的专家不足：需要 3 名，类别“{category.name}”"
        "符合条件的已聘任专家只有 2 名（已回避 1 名）"
    ]
    assert Review.objects.count() == 0


def test_draw_is_audited_with_seed_and_pool(category, target, bureau_user):
    ExpertFactory.create_batch(3, specialties=[category])
    review = draw(target, category, bureau_user, seed=7)
    entry = AuditEntry.objects.get(action="review.draw")
    assert entry.changes["seed"] == [None, 7]
    assert entry.changes["pool"] == [None, review.pool]
    assert entry.actor == bureau_user


def test_only_staff_draw(category, target, users_by_role):
    ExpertFactory.create_batch(3, specialties=[category])
    with pytest.raises(PermissionDenied):
        draw(target, category, users_by_role["evaluator"])


def test_majority_decides_and_ties_mean_revise():
    assert majority(["approve", "approve", "reject"]) == "approve"
    assert majority(["approve", "reject", "revise"]) == "revise"
    assert majority(["reject", "reject", "approve"]) == "reject"
    assert majority(["approve", "reject"]) == "revise"


def test_opinions_close_the_review_with_the_majority(category, target, bureau_user):
    ExpertFactory.create_batch(3, specialties=[category])
    review = draw(target, category, bureau_user)
    received = []

    def listener(sender, review, actor, **kwargs):
        received.append((review.pk, review.outcome))

    review_closed.connect(listener)
    try:
        members = list(review.members.select_related("expert__user"))
        opinion_give(
            member=members[0], decision="approve", comments="", actor=members[0].expert.user
        )
        opinion_give(
            member=members[1], decision="reject", comments="指标太少", actor=members[1].expert.user
        )
        review.refresh_from_db()
        assert review.status == "open"
        opinion_give(
            member=members[2], decision="approve", comments="同意", actor=members[2].expert.user
        )
    finally:
        review_closed.disconnect(listener)
    review.refresh_from_db()
    assert (review.status, review.outcome) == ("closed", "approve")
    assert received == [(review.pk, "approve")]
    with pytest.raises(ValidationError) as error:
        opinion_give(
            member=members[0], decision="reject", comments="改主意", actor=members[0].expert.user
        )
    assert error.value.messages == ["该评审已结束，不能再提交意见"]


def test_opinion_needs_comments_unless_approve(category, target, bureau_user):
    ExpertFactory.create_batch(3, specialties=[category])
    member = draw(target, category, bureau_user).members.select_related("expert__user").first()
    with pytest.raises(ValidationError) as error:
        opinion_give(member=member, decision="revise", comments=" ", actor=member.expert.user)
    assert error.value.message_dict == {"comments": ["选择“修改后再审”或“不同意”时须填写评审意见"]}


def test_expert_not_drawn_cannot_give_an_opinion(category, target, bureau_user):
    ExpertFactory.create_batch(3, specialties=[category])
    member = draw(target, category, bureau_user).members.first()
    outsider = ExpertFactory(specialties=[category])
    with pytest.raises(PermissionDenied):
        opinion_give(member=member, decision="approve", comments="", actor=outsider.user)


def test_recommend_appoint_retire(bureau_user, category):
    expert, created = expert_save(
        email="Li@Example.cn",
        name="李工",
        organisation="中国标准化研究院",
        organisation_uscc="",
        specialties=[category],
        roles=["committee", "inspector"],
        recommendation="长期从事家电标准化",
        actor=bureau_user,
    )
    assert created and expert.status == "recommended" and expert.email == "li@example.cn"
    expert = expert_set_status(
        expert=expert, status="appointed", actor=bureau_user, term_ends_on="2028-12-31"
    )
    assert expert.status == "appointed" and str(expert.term_ends_on) == "2028-12-31"
    # Appointed without an account: one is created and its owner invited.
    assert expert.account_outcome == "invited"
    assert expert.user.role == "expert" and expert.user.invitation_pending
    assert expert.user.invited_at is not None
    expert = expert_set_status(expert=expert, status="retired", actor=bureau_user)
    assert expert.status == "retired"
    actions = list(
        AuditEntry.objects.filter(object_id=str(expert.pk)).values_list("action", flat=True)
    )
    assert sorted(actions) == [
        "expert.account_create",
        "expert.appointed",
        "expert.recommend",
        "expert.retired",
    ]


def test_expert_status_transition_table(bureau_user):
    expert = ExpertFactory(status="appointed")
    with pytest.raises(ValidationError) as error:
        expert_set_status(expert=expert, status="recommended", actor=bureau_user)
    assert error.value.messages == ["专家状态不能从“已聘任”变为“已推荐”"]


def test_recommending_links_the_expert_account(bureau_user, users_by_role):
    user = users_by_role["expert"]
    expert, _ = expert_save(email=user.email, name="王工", organisation="某院", actor=bureau_user)
    assert expert.user == user
