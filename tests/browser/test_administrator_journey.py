"""The administrator in the Django admin: finds a user and deactivates the account, which then
cannot sign in. (The admin's imports and exports are walked in test_imports_journey.py.)"""

import pytest

from apps.accounts.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_administrator_deactivates_a_user_in_the_admin(page, login, admin_user, enterprise_user):
    login(admin_user)
    page.goto("/admin/")
    page.click("#content-main a:has-text('用户') >> nth=0")
    page.fill("#searchbar", enterprise_user.email)
    page.press("#searchbar", "Enter")
    page.click(f"#result_list a:has-text('{enterprise_user.email}')")
    page.uncheck("#id_is_active")
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    assert User.objects.get(pk=enterprise_user.pk).is_active is False

    # The deactivated account cannot sign in any more.
    page.context.clear_cookies()
    login(enterprise_user)
    assert "/accounts/login/" in page.url
    assert page.locator(".alert-danger, .errorlist, .invalid-feedback").count() >= 1
