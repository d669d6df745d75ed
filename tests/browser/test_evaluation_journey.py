"""Browser journeys for issue 5: a scheme drafted, reviewed by drawn experts, commented on,
approved; then the evaluator scores the entrants in the htmx table."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from apps.evaluators.models import Assessment, Scheme
from apps.experts.models import Review
from tests.factories.evaluators import (
    AgencyFactory,
    ApplicationFactory,
    KeyAreaFactory,
    StandardFactory,
    approved_scheme,
    category_with_indicators,
    evaluator_user,
)
from tests.factories.experts import ExpertFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_scheme_review_path(page, login, bureau_user):
    year = timezone.localdate().year
    category = category_with_indicators(code="C-AC")
    agency = AgencyFactory()
    evaluator = evaluator_user(agency)
    ApplicationFactory(agency=agency, key_area=KeyAreaFactory(year=year, category=category))
    experts = ExpertFactory.create_batch(3, specialties=[category])

    login(evaluator)
    page.goto("/workspace/evaluator/")
    page.click("text=起草评估方案")
    page.click(f"text={year} {category.name}")
    for row, (weight, thresholds) in enumerate(
        [("20", ("85", "90", "95")), ("20", ("55", "50", "45")), ("20", ("1", "0.8", "0.5"))]
    ):
        page.fill(f"#id_criteria-{row}-weight", weight)
        for field, value in zip(("baseline", "advanced", "leading"), thresholds, strict=True):
            page.fill(f"#id_criteria-{row}-{field}", value)
    page.fill("#id_criteria-3-weight", "20")
    page.fill("#id_criteria-4-weight", "10")
    page.click("button:has-text('保存草稿')")
    page.wait_for_selector("text=权重合计应为100，实际为90")
    page.fill("#id_criteria-4-weight", "20")
    page.click("button:has-text('保存草稿')")
    page.wait_for_selector("text=方案草稿已保存")
    page.click("button:has-text('提交评审')")
    page.wait_for_selector("text=方案已提交")
    scheme = Scheme.objects.get()

    login(bureau_user)
    page.goto(f"/staff/schemes/{scheme.pk}/")
    page.fill("#id_size", "3")
    page.click("button:has-text('抽取专家')")
    page.wait_for_selector("text=已抽取 3 名专家")
    review = Review.objects.get()

    for expert in experts:
        login(expert.user)
        page.goto("/workspace/expert/")
        page.click(f"text={review.title}")
        page.check("input[name=decision][value=approve]")
        page.fill("#id_comments", "指标设置合理")
        page.click("button:has-text('提交意见')")
        page.wait_for_selector("text=评审意见已提交")
    scheme.refresh_from_db()
    assert scheme.status == "public_comment"

    page.click("button:has-text('退出')")
    page.goto(f"/schemes/{scheme.scheme_code}/")
    page.fill("#id_author_name", "北京家电协会")
    page.fill("#id_text", "建议提高待机功率领跑值")
    page.check("#id_privacy_consent")
    page.click("button:has-text('提交意见')")
    page.wait_for_selector("text=感谢您的意见")

    Scheme.objects.filter(pk=scheme.pk).update(
        public_comment_ends_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    login(bureau_user)
    page.goto(f"/staff/schemes/{scheme.pk}/")
    assert page.locator("text=建议提高待机功率领跑值").is_visible()
    page.click("button:has-text('批准并冻结')")
    page.wait_for_selector("text=方案已批准并冻结")
    scheme.refresh_from_db()
    assert scheme.status == "approved"


def test_scoring_path(page, login):
    category = category_with_indicators(code="C-AC")
    agency = AgencyFactory()
    evaluator = evaluator_user(agency)
    scheme = approved_scheme(agency=agency, category=category)
    first, second = StandardFactory.create_batch(2, category=category)
    q1, q2 = scheme.criteria.filter(kind="qualitative").order_by("position")

    login(evaluator)
    page.goto(f"/workspace/evaluator/schemes/{scheme.pk}/scoring/")
    page.wait_for_selector("text=已完成 0 / 2")
    row = page.locator(f"#row-{first.pk}")
    row.locator(f"input[name=score-{q1.pk}]").fill("80")
    row.locator(f"input[name=score-{q2.pk}]").fill("90")
    row.locator(f"input[name=score-{q2.pk}]").press("Enter")
    page.wait_for_selector(f"#row-{first.pk}.table-success")
    page.wait_for_selector("text=已完成 1 / 2")
    total = page.locator(f"#row-{first.pk} td.text-end").first.inner_text()
    assert total == "34"  # without trailing zeros

    other = page.locator(f"#row-{second.pk}")
    other.locator("input[name=reason]").fill("标准文本缺少检验方法")
    other.locator("button:has-text('退回')").click()
    page.wait_for_selector(f"#row-{second.pk}.table-danger")
    assert sorted(Assessment.objects.values_list("decision", "score")) == [
        ("accept", Decimal("80.00")),
        ("accept", Decimal("90.00")),
        ("reject", None),
    ]
    page.reload()
    page.wait_for_selector("text=已完成 2 / 2")
