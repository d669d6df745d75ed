import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.accounts.models import User
from apps.evaluators.models import Assessment, KeyAreaApplication, Scheme, SchemeComment
from apps.experts.models import Review
from tests.factories.enterprises import MembershipFactory
from tests.factories.evaluators import (
    AgencyFactory,
    ApplicationFactory,
    KeyAreaFactory,
    StandardFactory,
    approved_scheme,
    category_with_indicators,
    evaluator_user,
    indicator_values,
)
from tests.factories.experts import ExpertFactory
from tests.factories.uscc import make_uscc

pytestmark = pytest.mark.django_db


def criteria_post(rows):
    data = {
        "criteria-TOTAL_FORMS": str(len(rows)),
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"criteria-{i}-{key}"] = value
    return data


VALID_ROWS = [
    {
        "criterion_code": "EFF",
        "kind": "core",
        "weight": "20",
        "baseline": "85",
        "advanced": "90",
        "leading": "95",
    },
    {
        "criterion_code": "NOISE",
        "kind": "core",
        "weight": "20",
        "baseline": "55",
        "advanced": "50",
        "leading": "45",
    },
    {
        "criterion_code": "STANDBY",
        "kind": "core",
        "weight": "20",
        "baseline": "1",
        "advanced": "0.8",
        "leading": "0.5",
    },
    {"criterion_code": "Q1", "kind": "qualitative", "name": "指标全面性", "weight": "20"},
    {"criterion_code": "Q2", "kind": "qualitative", "name": "编写规范性", "weight": "20"},
    {"criterion_code": "", "kind": "qualitative", "name": "", "weight": ""},
]


def header(code="2026-X-001"):
    return {
        "scheme_code": code,
        "name": "测试方案",
        "max_leaders": "5",
        "min_participants": "3",
        "notice_days": "7",
        "cutoff_date": "",
    }


@pytest.fixture
def agency_setting():
    category = category_with_indicators()
    agency = AgencyFactory()
    evaluator = evaluator_user(agency)
    key_area = KeyAreaFactory(year=2026, category=category)
    ApplicationFactory(agency=agency, key_area=key_area)
    return {"category": category, "agency": agency, "evaluator": evaluator, "key_area": key_area}


def test_evaluator_drafts_a_scheme_through_the_form(client, agency_setting):
    client.force_login(agency_setting["evaluator"])
    url = f"/workspace/evaluator/schemes/new/?key_area={agency_setting['key_area'].pk}"
    page = client.get(url)
    assert page.status_code == 200
    assert 'value="EFF"' in page.content.decode()
    response = client.post(url, {**header(), **criteria_post(VALID_ROWS)})
    scheme = Scheme.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/workspace/evaluator/schemes/{scheme.pk}/"
    assert scheme.criteria.count() == 5
    assert scheme.cutoff_date == datetime.date(2026, 12, 31)


def test_form_shows_each_rule_message_beside_its_row(client, agency_setting):
    client.force_login(agency_setting["evaluator"])
    rows = [dict(row) for row in VALID_ROWS]
    rows[0]["baseline"] = "70"
    rows[1]["advanced"] = "60"
    rows[4]["weight"] = "10"
    url = f"/workspace/evaluator/schemes/new/?key_area={agency_setting['key_area'].pk}"
    response = client.post(url, {**header(), **criteria_post(rows)})
    assert response.status_code == 200
    body = response.content.decode()
    assert "EFF 的基准值 70 低于国家标准值 80，不得宽于国家标准" in body
    assert "NOISE 越低越好，应满足 基准值 ≥ 先进值 ≥ 领跑值" in body
    assert "权重合计应为100，实际为90" in body
    assert Scheme.objects.count() == 0


def test_key_area_not_approved_is_404(client, agency_setting):
    client.force_login(agency_setting["evaluator"])
    other = KeyAreaFactory(year=2026, category=category_with_indicators())
    response = client.get(f"/workspace/evaluator/schemes/new/?key_area={other.pk}")
    assert response.status_code == 404


def test_full_path_in_pages(client, agency_setting, bureau_user):
    evaluator, category = agency_setting["evaluator"], agency_setting["category"]
    client.force_login(evaluator)
    url = f"/workspace/evaluator/schemes/new/?key_area={agency_setting['key_area'].pk}"
    client.post(url, {**header(), **criteria_post(VALID_ROWS)})
    scheme = Scheme.objects.get()
    client.post(f"/workspace/evaluator/schemes/{scheme.pk}/action/", {"action": "submit"})
    scheme.refresh_from_db()
    assert scheme.status == "submitted"

    experts = ExpertFactory.create_batch(3, specialties=[category])
    client.force_login(bureau_user)
    client.post(f"/staff/schemes/{scheme.pk}/action/", {"action": "draw", "size": "3"})
    review = Review.objects.get()
    assert {m.expert_id for m in review.members.all()} == {e.pk for e in experts}

    for expert in experts:
        client.force_login(expert.user)
        page = client.get(f"/workspace/expert/reviews/{review.pk}/")
        assert "EFF" in page.content.decode()
        client.post(
            f"/workspace/expert/reviews/{review.pk}/", {"decision": "approve", "comments": "同意"}
        )
    scheme.refresh_from_db()
    assert scheme.status == "public_comment"

    client.logout()
    public = client.get(f"/schemes/{scheme.scheme_code}/")
    assert public.status_code == 200
    client.post(
        f"/schemes/{scheme.scheme_code}/",
        {"author_name": "某协会", "contact": "", "text": "建议提高领跑值", "privacy_consent": "on"},
    )
    assert SchemeComment.objects.get().text == "建议提高领跑值"

    Scheme.objects.filter(pk=scheme.pk).update(
        public_comment_ends_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    client.force_login(bureau_user)
    client.post(f"/staff/schemes/{scheme.pk}/action/", {"action": "approve"})
    scheme.refresh_from_db()
    assert scheme.status == "approved"

    standard = StandardFactory(category=category)
    indicator_values(standard, EFF=92, NOISE=48, STANDBY="0.6")
    client.force_login(evaluator)
    listing = client.get(f"/workspace/evaluator/schemes/{scheme.pk}/scoring/")
    assert standard.standard_no in listing.content.decode()
    q1, q2 = scheme.criteria.filter(kind="qualitative").order_by("position")
    row_url = f"/workspace/evaluator/schemes/{scheme.pk}/scoring/{standard.pk}/"
    response = client.post(
        row_url,
        {"action": "save", f"score-{q1.pk}": "80", f"score-{q2.pk}": "90"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert (
        response.content.decode().lstrip().startswith("<tr") or "<tr" in response.content.decode()
    )
    # 20 × 80/100 + 20 × 90/100, without trailing zeros
    assert '<td class="text-end">34</td>' in response.content.decode()
    assert sorted(Assessment.objects.values_list("score", flat=True)) == [Decimal(80), Decimal(90)]
    detail = client.get(row_url)
    assert "92" in detail.content.decode()


def test_score_out_of_range_shows_the_message_in_the_row(client, agency_setting):
    scheme = approved_scheme(agency=agency_setting["agency"], category=agency_setting["category"])
    standard = StandardFactory(category=agency_setting["category"])
    q1 = scheme.criteria.get(criterion_code="Q1")
    client.force_login(agency_setting["evaluator"])
    response = client.post(
        f"/workspace/evaluator/schemes/{scheme.pk}/scoring/{standard.pk}/",
        {"action": "save", f"score-{q1.pk}": "120"},
        HTTP_HX_REQUEST="true",
    )
    assert "得分应在0到100之间" in response.content.decode()
    assert Assessment.objects.count() == 0


def test_reject_without_htmx_redirects_to_the_list(client, agency_setting):
    scheme = approved_scheme(agency=agency_setting["agency"], category=agency_setting["category"])
    standard = StandardFactory(category=agency_setting["category"])
    client.force_login(agency_setting["evaluator"])
    response = client.post(
        f"/workspace/evaluator/schemes/{scheme.pk}/scoring/{standard.pk}/",
        {"action": "reject", "reason": "标准文本不完整"},
    )
    assert response.status_code == 302
    assert Assessment.objects.get().reason == "标准文本不完整"


def test_conflicted_standard_is_404_for_the_evaluator(client, agency_setting):
    scheme = approved_scheme(agency=agency_setting["agency"], category=agency_setting["category"])
    standard = StandardFactory(category=agency_setting["category"])
    client.force_login(agency_setting["evaluator"])
    client.post(
        "/workspace/evaluator/conflicts/",
        {"uscc": standard.enterprise.uscc, "reason": "曾为该企业提供咨询"},
    )
    listing = client.get(f"/workspace/evaluator/schemes/{scheme.pk}/scoring/")
    assert standard.standard_no not in listing.content.decode()
    url = f"/workspace/evaluator/schemes/{scheme.pk}/scoring/{standard.pk}/"
    assert client.get(url).status_code == 404


def test_agency_application_and_decision_pages(client, agency_setting, bureau_user):
    client.force_login(agency_setting["evaluator"])
    new_area = KeyAreaFactory(year=2026, category=category_with_indicators())
    client.post(
        "/workspace/evaluator/applications/new/",
        {"key_areas": [new_area.pk], "qualifications": "国家级标准化技术委员会秘书处"},
    )
    application = KeyAreaApplication.objects.get(key_area=new_area)
    client.force_login(bureau_user)
    assert (
        "国家级标准化技术委员会秘书处" in client.get("/staff/agency-applications/").content.decode()
    )
    client.post(
        f"/staff/agency-applications/{application.pk}/decide/", {"approve": "", "reason": ""}
    )
    application.refresh_from_db()
    assert application.status == "pending"
    client.post(
        f"/staff/agency-applications/{application.pk}/decide/",
        {"approve": "", "reason": "能力不足"},
    )
    application.refresh_from_db()
    assert (application.status, application.refusal_reason) == ("refused", "能力不足")


def test_staff_register_agency_and_evaluator(client, bureau_user):
    client.force_login(bureau_user)
    uscc = make_uscc(777, division="110105")
    response = client.post(
        "/staff/agencies/",
        {
            "uscc": uscc,
            "name": "北京家电协会",
            "kind": "association",
            "contact_email": "",
            "qualifications": "",
        },
    )
    assert response.status_code == 302
    agency_url = response["Location"]
    client.post(agency_url, {"email": "New.Evaluator@example.cn", "name": "赵评估"})
    user = User.objects.get(email="new.evaluator@example.cn")
    assert user.role == "evaluator" and user.agency_membership.agency.uscc == uscc
    assert not user.has_usable_password()


def test_enterprise_results_page_only_after_publication(client, agency_setting, bureau_user):
    scheme = approved_scheme(agency=agency_setting["agency"], category=agency_setting["category"])
    standard = StandardFactory(category=agency_setting["category"])
    member = MembershipFactory(enterprise=standard.enterprise).user
    Assessment.objects.create(
        scheme=scheme,
        standard=standard,
        evaluator=agency_setting["evaluator"],
        decision="reject",
        reason="缺少检验方法",
    )
    client.force_login(member)
    assert "缺少检验方法" not in client.get("/workspace/enterprise/results/").content.decode()
    Scheme.objects.filter(pk=scheme.pk).update(results_published_at=timezone.now())
    assert "缺少检验方法" in client.get("/workspace/enterprise/results/").content.decode()


def test_public_scheme_comments_are_rate_limited_per_address(client, settings):
    from tests.factories.evaluators import approved_scheme

    settings.SCHEME_COMMENT_RATE_LIMIT = 2
    scheme = approved_scheme(status="public_comment", code="S-RATE-1")
    url = f"/schemes/{scheme.scheme_code}/"
    page = client.get(url).content.decode()
    assert 'name="author_name"' in page and 'name="text"' in page
    data = {"author_name": "王五", "contact": "", "text": "建议", "privacy_consent": "on"}
    codes = [client.post(url, data, REMOTE_ADDR="10.8.8.8").status_code for _ in range(3)]
    assert codes == [302, 302, 429]
    assert client.post(url, data, REMOTE_ADDR="10.8.8.7").status_code == 302
    assert scheme.comments.count() == 3
