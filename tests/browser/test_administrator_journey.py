"""The administrators in the Django admin: the system administrator finds a user and
deactivates the account, which then cannot sign in; the audit administrator lands on the audit
log and exports it. (The admin's imports and exports are walked in test_imports_journey.py.)"""

from pathlib import Path

import pytest

from apps.accounts.models import User
from apps.core.models import AuditEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_system_administrator_deactivates_a_user_in_the_admin(
    page, login, system_admin, enterprise_user
):
    login(system_admin)
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


def test_audit_administrator_lands_on_the_audit_log_and_exports_it(page, login, audit_admin):
    login(audit_admin)
    assert page.url.endswith("/admin/core/auditentry/")
    # Their own sign-in is the first entry of the log, named in words.
    assert page.locator("#result_list").inner_text().count("登录") >= 1
    with page.expect_download() as download:
        page.click("text=导出 CSV（当前筛选）")
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("编号,时间,操作人,操作")
    assert ",登录," in text and "security.login" not in text
    assert AuditEntry.objects.filter(action="data.export", actor=audit_admin).exists()
