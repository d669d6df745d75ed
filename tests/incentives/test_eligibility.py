import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.catalog.models import Category
from apps.incentives import eligibility
from tests.factories.enterprises import EnterpriseFactory
from tests.factories.incentives import ProgrammeFactory, valid_leader
from tests.factories.leaders import LeaderStandardFactory
from tests.factories.uscc import make_uscc

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def test_beijing_enterprise_with_valid_title_is_eligible():
    leader = valid_leader()
    result = eligibility.check(ProgrammeFactory(), leader.standard.enterprise, TODAY)
    assert result.reasons == []
    assert result.eligible
    assert result.leaders == [leader]


def test_enterprise_without_title_is_refused():
    result = eligibility.check(ProgrammeFactory(), EnterpriseFactory(), TODAY)
    assert result.reasons == ["须持有有效的企业标准“领跑者”称号"]


def test_revoked_title_does_not_qualify():
    leader = valid_leader(status="revoked", revoked_on=datetime.date(2026, 1, 5))
    result = eligibility.check(ProgrammeFactory(), leader.standard.enterprise, TODAY)
    assert result.reasons == ["须持有有效的企业标准“领跑者”称号"]


def test_title_past_validity_does_not_qualify_before_the_expiry_job():
    leader = valid_leader(valid_until=TODAY - datetime.timedelta(days=1))
    assert leader.status == "active"
    result = eligibility.check(ProgrammeFactory(), leader.standard.enterprise, TODAY)
    assert not result.eligible


def test_title_published_in_the_future_does_not_qualify():
    leader = valid_leader(published_on=TODAY + datetime.timedelta(days=3))
    result = eligibility.check(ProgrammeFactory(), leader.standard.enterprise, TODAY)
    assert not result.eligible


def test_sector_restriction():
    leader = valid_leader()  # consumer goods
    enterprise = leader.standard.enterprise
    assert not eligibility.check(
        ProgrammeFactory(sectors=["equipment"]), enterprise, TODAY
    ).eligible
    assert eligibility.check(
        ProgrammeFactory(sectors=["equipment", "consumer_goods"]), enterprise, TODAY
    ).eligible
    refused = eligibility.check(ProgrammeFactory(sectors=["services"]), enterprise, TODAY)
    assert refused.reasons == ["所持领跑者称号不在本政策限定的领域或年度内"]


def test_year_restriction_picks_the_matching_title():
    leader_2025 = valid_leader(year=2025)
    enterprise = leader_2025.standard.enterprise
    equipment = Category.objects.create(code="C-EQ", name="数控机床", sector="equipment")
    leader_2024 = valid_leader(
        enterprise,
        year=2024,
        published_on=datetime.date(2024, 12, 1),
        standard=LeaderStandardFactory(enterprise=enterprise, category=equipment),
        category=equipment,
    )
    result = eligibility.check(ProgrammeFactory(leader_years=[2024]), enterprise, TODAY)
    assert result.leaders == [leader_2024]
    assert not eligibility.check(ProgrammeFactory(leader_years=[2023]), enterprise, TODAY).eligible
    both = eligibility.check(ProgrammeFactory(), enterprise, TODAY)
    assert both.leaders == [leader_2025, leader_2024]


def test_beijing_only_uses_uscc_characters_3_and_4():
    shanghai = EnterpriseFactory(uscc=make_uscc(777, division="310115"))
    valid_leader(shanghai)
    result = eligibility.check(ProgrammeFactory(), shanghai, TODAY)
    assert result.reasons == ["仅限北京市企业（统一社会信用代码第3-4位为“11”）申请"]
    assert eligibility.check(ProgrammeFactory(beijing_only=False), shanghai, TODAY).eligible


def test_window_before_and_after():
    enterprise = valid_leader().standard.enterprise
    early = ProgrammeFactory(
        opens_on=TODAY + datetime.timedelta(days=1), closes_on=TODAY + datetime.timedelta(days=9)
    )
    late = ProgrammeFactory(
        opens_on=TODAY - datetime.timedelta(days=9), closes_on=TODAY - datetime.timedelta(days=1)
    )
    assert eligibility.check(early, enterprise, TODAY).reasons == [
        f"申报自 {early.opens_on.isoformat()} 开始"
    ]
    assert eligibility.check(late, enterprise, TODAY).reasons == [
        f"申报已于 {late.closes_on.isoformat()} 截止"
    ]
    assert eligibility.check(early, enterprise, early.opens_on).eligible
    assert eligibility.check(late, enterprise, late.closes_on).eligible


def test_unpublished_programme_and_missing_enterprise():
    enterprise = valid_leader().standard.enterprise
    assert eligibility.check(ProgrammeFactory(published=False), enterprise, TODAY).reasons == [
        "该政策尚未公开"
    ]
    assert not eligibility.check(ProgrammeFactory(), None, TODAY).eligible


def test_programme_without_leader_requirement_needs_no_title():
    programme = ProgrammeFactory(requires_active_leader=False)
    result = eligibility.check(programme, EnterpriseFactory(), TODAY)
    assert result.eligible
    assert result.leaders == []


def test_programme_rules_are_validated():
    programme = ProgrammeFactory.build(
        provider=ProgrammeFactory().provider,
        requires_active_leader=False,
        sectors=["services"],
        closes_on=TODAY - datetime.timedelta(days=20),
        required_documents=["营业执照", " 营业执照 "],
        code="pilots",
    )
    with pytest.raises(ValidationError) as error:
        programme.full_clean()
    assert set(error.value.message_dict) == {
        "requires_active_leader",
        "closes_on",
        "required_documents",
        "code",
    }
