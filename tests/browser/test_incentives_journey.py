import pytest
from django.core.cache import cache

from apps.incentives.models import Application, CreditRecord
from tests.factories.incentives import (
    PDF_BYTES,
    PNG_BYTES,
    ProgrammeFactory,
    leader_enterprise_user,
    partner_user,
)
from tests.factories.news import ArticleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leader_applies_for_credit_support_and_partner_approves(page, login, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    programme = ProgrammeFactory(code="leader-credit", name="领跑者信用贷款")
    applicant = leader_enterprise_user()
    partner = partner_user(programme.provider)
    assert CreditRecord.objects.filter(enterprise=applicant.membership.enterprise).count() == 1

    login(applicant)
    page.click("nav .dropdown-toggle")
    page.click("nav >> text=激励政策申请")
    page.wait_for_selector("#open-programmes >> text=领跑者信用贷款")
    page.click("#open-programmes >> text=申请")
    page.fill("#id_statement", "用于智能空调生产线扩产")
    page.set_input_files(
        "#id_document_0",
        {"name": "营业执照.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES},
    )
    page.set_input_files(
        "#id_document_1", {"name": "申请书.png", "mimeType": "image/png", "buffer": PNG_BYTES}
    )
    page.click("button:has-text('提交申请')")
    page.wait_for_selector("text=申请已提交")
    assert page.locator(".badge:has-text('已提交，待审核')").count() == 1
    page.click("button:has-text('退出')")

    login(partner)
    page.click("nav .dropdown-toggle")
    page.click("nav >> text=合作机构工作台")
    page.click(f"#partner-applications >> text={applicant.membership.enterprise.name}")
    with page.expect_download() as download:
        page.click("text=营业执照")
    assert download.value.suggested_filename.endswith("营业执照.pdf")
    page.check("input[name=decision][value=approved]")
    page.fill("#id_reason", "领跑者称号有效，给予授信额度优惠")
    page.click("button:has-text('提交审核结果')")
    page.wait_for_selector("text=已处理该申请")
    assert Application.objects.get().status == "approved"
    page.click("button:has-text('退出')")

    login(applicant)
    page.goto("/workspace/incentives/")
    page.wait_for_selector("#applications >> text=已通过")
    assert "领跑者称号有效，给予授信额度优惠" in page.inner_text("#applications")


def test_dashboard_shows_figures_and_charts(page):
    from tests.factories.incentives import valid_leader

    cache.clear()
    valid_leader()
    valid_leader()
    ArticleFactory(title="世界标准日：领跑者在行动", campaign="world_standards_day")
    page.goto("/")
    page.click("nav >> text=统计")
    page.wait_for_selector("#section-leaders_sector canvas[data-rendered=true]")
    assert page.inner_text("[data-figure=active_leaders]") == "2"
    assert page.inner_text("[data-figure=enterprises]") == "2"
    table = page.inner_text("#section-leaders_sector table")
    assert "主要消费品\t2\t2\t2" in table
    page.click("nav >> text=新闻公告")
    page.click("text=世界标准日")
    page.wait_for_selector("#articles >> text=世界标准日：领跑者在行动")
