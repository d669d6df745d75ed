import pytest
from django.core.cache import cache

from apps.incentives.models import Application, CreditRecord
from tests.factories.incentives import (
    PDF_BYTES,
    PNG_BYTES,
    ProgrammeFactory,
    ProviderFactory,
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


def test_leader_applies_for_a_recommendation_and_bureau_staff_decide_and_tag(
    page, login, bureau_user, settings, tmp_path
):
    """A programme of the bureau's own department: no partner decides it, bureau staff do, on
    the staff desk; the enterprise reads the decision in its notices. Staff then tag it with
    a pilot found by its USCC."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    ProgrammeFactory(
        code="innovation-award",
        name="标准创新贡献奖优先推荐",
        kind="innovation_award",
        provider=ProviderFactory(name="北京市市场监督管理局标准化处", kind="bureau"),
        required_documents=["推荐表"],
    )
    applicant = leader_enterprise_user()
    enterprise = applicant.membership.enterprise

    login(applicant)
    page.click("nav .dropdown-toggle")
    page.click("nav >> text=激励政策申请")
    page.click("#open-programmes >> text=申请")
    page.set_input_files(
        "#id_document_0", {"name": "推荐表.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
    )
    page.click("button:has-text('提交申请')")
    page.wait_for_selector("text=申请已提交，请等待北京市市场监督管理局标准化处审核")
    page.click("button:has-text('退出')")

    login(bureau_user)
    page.click("nav .dropdown-toggle")
    page.click("nav >> text=激励申请审核")
    page.click(f"#staff-applications >> text={enterprise.name}")
    page.check("input[name=decision][value=approved]")
    page.fill("#id_reason", "推荐申报中国标准创新贡献奖")
    page.click("button:has-text('提交审核结果')")
    page.wait_for_selector("text=已处理该申请")
    assert Application.objects.get().decided_by == bureau_user

    page.click("nav .dropdown-toggle")
    page.click("nav >> text=试点示范标记")
    page.fill("#id_q", enterprise.uscc)
    page.click("button:has-text('查询企业')")
    result = page.locator(f".enterprise-result[data-uscc='{enterprise.uscc}']")
    result.locator("select[name=tag]").select_option(label="技术标准创新基地")
    result.locator("input[name=since]").fill("2026")
    result.locator("button:has-text('添加标记')").click()
    page.wait_for_selector(f"text=已为{enterprise.name}添加“技术标准创新基地”标记")
    assert enterprise.pilots.get().tag == "innovation_base"
    page.click("button:has-text('退出')")

    login(applicant)
    page.click("nav .dropdown-toggle")
    page.click("nav >> text=消息通知")
    page.wait_for_selector(".notification-item >> text=推荐申报中国标准创新贡献奖")
    page.click(".notification-item >> text=查看")
    page.wait_for_selector("#decision-reason >> text=推荐申报中国标准创新贡献奖")
    assert page.locator(".badge:has-text('已通过')").count() == 1


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
