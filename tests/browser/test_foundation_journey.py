import pytest

from apps.enterprises.models import EnterpriseMembership

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_register_activate_and_sign_in(page, register_enterprise):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    register_enterprise("wang@example.cn", "Browser-pass-2026")
    assert EnterpriseMembership.objects.get().status == "active"
    page.goto("/workspace/enterprise/")
    assert page.locator("h1").inner_text().startswith("北京浏览器测试有限公司")


def test_language_switch_in_the_browser(page):
    page.goto("/")
    page.click("button:has-text('English')")
    page.wait_for_selector("html[lang=en]")
    assert page.locator("text=Sign in").first.is_visible()
