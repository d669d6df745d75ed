import pytest

from apps.enterprises.models import EnterpriseMembership

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_register_activate_and_sign_in(page, bureau_user, login):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.click("text=企业注册")
    page.fill("#id_uscc", "91110108551385082Q")
    page.fill("#id_enterprise_name", "北京浏览器测试有限公司")
    page.select_option("#id_district", "haidian")
    page.fill("#id_contact_name", "王五")
    page.fill("#id_email", "wang@example.cn")
    page.fill("#id_password1", "Browser-pass-2026")
    page.fill("#id_password2", "Browser-pass-2026")
    page.click("button[type=submit]")
    page.wait_for_selector("text=注册申请已提交")
    assert EnterpriseMembership.objects.get().status == "pending"

    login(bureau_user)
    page.goto("/staff/registrations/")
    page.click("button:has-text('激活')")
    page.wait_for_selector("text=没有待处理的注册申请")
    page.click("button:has-text('退出')")

    page.goto("/accounts/login/")
    page.fill("#id_username", "wang@example.cn")
    page.fill("#id_password", "Browser-pass-2026")
    page.click("button[type=submit]")
    page.goto("/workspace/enterprise/")
    assert page.locator("h1").inner_text().startswith("北京浏览器测试有限公司")


def test_language_switch_in_the_browser(page):
    page.goto("/")
    page.click("button:has-text('English')")
    page.wait_for_selector("html[lang=en]")
    assert page.locator("text=Sign in").first.is_visible()
