"""An objection's expert review asks the experts the right question: is the objection
well-founded (异议成立) or not (异议不成立), always with the reason. Staff read the
opinions in those words and record the finding, which starts from the experts' majority."""

import pytest
from django.core.exceptions import ValidationError

from apps.core.models import AuditEntry
from apps.experts.enums import Decision
from apps.experts.models import Review
from apps.experts.services.reviews import opinion_give
from apps.leaders.models import Candidate, Objection
from apps.leaders.services.candidate_lists import (
    candidate_list_create,
    candidate_list_send_to_review,
)
from apps.leaders.services.objections import objection_file, objection_send_to_review
from tests.factories.lifecycle import expert_pool, list_in_notice, ranked_scheme
from tests.pages import forms_of, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def objection(bureau_user):
    candidate_list = list_in_notice(ranked_scheme(entrants=3), bureau_user)
    return objection_file(
        consented=True,
        candidate=candidate_list.candidates.first(),
        name="北京某检测公司",
        contact="objector@example.cn",
        grounds="该标准声明的待机功率与我单位实测结果不符",
    )


def drawn(objection, bureau_user, size=3):
    expert_pool(objection.candidate.candidate_list.scheme.category, size)
    return objection_send_to_review(objection=objection, size=size, actor=bureau_user)


def opinion_form(page):
    (form,) = [f for f in forms_of(page) if "decision" in f.fields]
    return form


def give_opinions(client_for, review, decision, reason):
    """Each drawn expert answers through the opinion form the page renders."""
    for member in review.members.select_related("expert__user"):
        client = client_for(member.expert.user)
        url = f"/workspace/expert/reviews/{review.pk}/"
        page = client.get(url).content.decode()
        form = opinion_form(page)
        # The question is the objection's, not a scheme review's.
        assert form.choices["decision"] == ["upheld", "dismissed"]
        assert "异议成立" in page and "异议不成立" in page
        assert "修改后再审" not in page
        response = submit(client, url, {"decision": decision, "comments": reason})
        assert response.status_code == 302


@pytest.mark.parametrize(
    ("decision", "label", "status", "candidate_status"),
    [
        ("upheld", "异议成立", "upheld", "removed"),
        ("dismissed", "异议不成立", "dismissed", "active"),
    ],
)
def test_objection_review_through_the_expert_form_leads_to_the_finding(
    client_for, bureau_user, objection, decision, label, status, candidate_status
):
    review = drawn(objection, bureau_user)
    give_opinions(client_for, review, decision, "已核对检测报告与标准声明值")
    review.refresh_from_db()
    assert (review.status, review.outcome) == ("closed", decision)
    objection.refresh_from_db()
    assert objection.status == "reviewed"

    # Staff read the opinions in the objection's words, the finding form starts from them.
    client = client_for(bureau_user)
    url = f"/staff/objections/{objection.pk}/"
    page = client.get(url).content.decode()
    assert f'<strong class="review-outcome">{label}</strong>' in page
    assert page.count(f"<td>{label}</td>") == 3
    assert page.count("已核对检测报告与标准声明值") == 3
    finding = next(f for f in forms_of(page) if "finding" in f.fields)
    suggested = "1" if decision == "upheld" else "0"
    assert finding.checked.get("upheld") == suggested
    assert finding.choices["upheld"] == ["1", "0"]
    response = submit(
        client,
        url,
        {"upheld": suggested, "finding": f"经专家评审，{label}"},
        button="decide",
    )
    assert response.status_code == 302
    objection.refresh_from_db()
    assert (objection.status, objection.finding) == (status, f"经专家评审，{label}")
    assert Candidate.objects.get(pk=objection.candidate_id).status == candidate_status
    assert AuditEntry.objects.filter(action=f"objection.{status}").count() == 1


def test_objection_opinion_needs_a_reason_either_way(client_for, bureau_user, objection):
    review = drawn(objection, bureau_user, size=1)
    member = review.members.select_related("expert__user").get()
    client = client_for(member.expert.user)
    url = f"/workspace/expert/reviews/{review.pk}/"
    for decision in ("upheld", "dismissed"):
        response = submit(client, url, {"decision": decision, "comments": " "})
        assert response.status_code == 200
        assert "请写明认定异议成立或不成立的理由" in response.content.decode()
    with pytest.raises(ValidationError, match="请写明认定异议成立或不成立的理由"):
        opinion_give(member=member, decision=Decision.UPHELD, comments="", actor=member.expert.user)
    # The scheme review's choices are not answers to an objection.
    with pytest.raises(ValidationError, match="请选择评审意见"):
        opinion_give(
            member=member, decision=Decision.APPROVE, comments="同意", actor=member.expert.user
        )
    member.refresh_from_db()
    assert member.decision == ""


def test_objection_without_majority_is_split_and_staff_decide(client_for, bureau_user, objection):
    review = drawn(objection, bureau_user, size=2)
    members = list(review.members.select_related("expert__user"))
    for member, decision in zip(members, ("upheld", "dismissed"), strict=True):
        opinion_give(member=member, decision=decision, comments="理由", actor=member.expert.user)
    review.refresh_from_db()
    assert review.outcome == "split"
    page = client_for(bureau_user).get(f"/staff/objections/{objection.pk}/").content.decode()
    assert '<strong class="review-outcome">专家意见未过半数</strong>' in page
    finding = next(f for f in forms_of(page) if "finding" in f.fields)
    assert "upheld" not in finding.checked


def test_scheme_and_list_reviews_keep_their_choices(client_for, bureau_user):
    scheme = ranked_scheme(entrants=3)
    expert_pool(scheme.category, 1)
    candidate_list = candidate_list_create(scheme=scheme, actor=bureau_user)
    review = candidate_list_send_to_review(candidate_list=candidate_list, size=1, actor=bureau_user)
    member = review.members.select_related("expert__user").get()
    page = client_for(member.expert.user).get(f"/workspace/expert/reviews/{review.pk}/")
    form = opinion_form(page.content.decode())
    assert form.choices["decision"] == ["approve", "revise", "reject"]


def test_objection_decided_against_the_expert_majority_is_still_staffs_finding(
    client_for, bureau_user, objection
):
    review = drawn(objection, bureau_user, size=1)
    give_opinions(client_for, review, "dismissed", "证据不足")
    response = submit(
        client_for(bureau_user),
        f"/staff/objections/{objection.pk}/",
        {"upheld": "1", "finding": "经补充核查，异议成立"},
        button="decide",
    )
    assert response.status_code == 302
    assert Objection.objects.get(pk=objection.pk).status == "upheld"
    assert Review.objects.get(pk=review.pk).outcome == "dismissed"
