import pytest

from apps.experts.models import Expert, ExpertConflict
from apps.experts.services.reviews import opinion_give, review_draw
from tests.factories.evaluators import AgencyFactory, CategoryFactory
from tests.factories.experts import ExpertFactory
from tests.factories.uscc import make_uscc

pytestmark = pytest.mark.django_db


def test_staff_recommend_and_appoint_through_pages(client, bureau_user):
    category = CategoryFactory()
    client.force_login(bureau_user)
    response = client.post(
        "/staff/experts/",
        {
            "email": "chen@example.cn",
            "name": "陈工",
            "organisation": "北京市标准化研究院",
            "organisation_uscc": "bad",
            "specialties": [category.pk],
            "roles": ["committee"],
        },
    )
    assert response.status_code == 200
    assert "统一社会信用代码应为18位，实际为3位" in response.content.decode()
    client.post(
        "/staff/experts/",
        {
            "email": "chen@example.cn",
            "name": "陈工",
            "organisation": "北京市标准化研究院",
            "organisation_uscc": make_uscc(4242),
            "specialties": [category.pk],
            "roles": ["committee", "inspector"],
        },
    )
    expert = Expert.objects.get()
    assert (expert.status, expert.roles) == ("recommended", ["committee", "inspector"])
    client.post(
        f"/staff/experts/{expert.pk}/",
        {"status": "appointed", "appointed_on": "2026-01-01", "term_ends_on": "2025-12-31"},
    )
    expert.refresh_from_db()
    assert expert.status == "recommended"  # the term cannot end before the appointment
    client.post(
        f"/staff/experts/{expert.pk}/",
        {"status": "appointed", "appointed_on": "2026-01-01", "term_ends_on": "2028-12-31"},
    )
    expert.refresh_from_db()
    assert expert.status == "appointed" and str(expert.term_ends_on) == "2028-12-31"


def test_expert_declares_a_conflict(client):
    expert = ExpertFactory()
    client.force_login(expert.user)
    uscc = make_uscc(999)
    client.post(
        "/workspace/expert/", {"uscc": uscc, "organisation": "某电器公司", "reason": "曾任顾问"}
    )
    assert ExpertConflict.objects.get().uscc == uscc


def test_staff_see_all_opinions_and_the_draw(client, bureau_user):
    category = CategoryFactory()
    experts = ExpertFactory.create_batch(2, specialties=[category])
    review = review_draw(
        target=AgencyFactory(),
        kind="scheme",
        title="方案X",
        category=category,
        size=2,
        excluded_usccs=[],
        actor=bureau_user,
        seed=424242,
    )
    member = review.members.select_related("expert__user").first()
    opinion_give(
        member=member, decision="revise", comments="增加待机功率指标", actor=member.expert.user
    )
    other = next(e for e in experts if e.pk != member.expert_id)
    client.force_login(other.user)
    page = client.get(f"/workspace/expert/reviews/{review.pk}/").content.decode()
    assert "增加待机功率指标" not in page
    client.force_login(bureau_user)
    page = client.get(f"/staff/reviews/{review.pk}/").content.decode()
    assert "增加待机功率指标" in page and "424242" in page
