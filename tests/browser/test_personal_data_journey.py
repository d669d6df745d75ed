"""A person's data on request, end to end: an enterprise contact registers (agreeing to the
privacy notice) and signs in; later they ask for their data and its deletion. The security
administrator finds the account in the admin, follows "个人信息：导出或删除", downloads the
CSV and deletes the data; the account, which has entries in the audit log, is anonymised."""

from pathlib import Path

import pytest

from apps.accounts.models import User
from apps.core.models import AuditEntry
from apps.enterprises.models import Enterprise

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_security_administrator_exports_and_erases_a_persons_data(
    page, login, register_enterprise, security_admin
):
    email = "wang.contact@example.cn"
    register_enterprise(email, "Browser-pass-2026", name="北京个人信息测试有限公司")
    person = User.objects.get(email=email)
    assert person.privacy_consent_at is not None  # ticked on the registration form
    page.click("button:has-text('退出')")

    login(security_admin)
    page.goto("/admin/")
    page.click("#content-main a:has-text('用户') >> nth=0")
    page.fill("#searchbar", email)
    page.press("#searchbar", "Enter")
    page.click(f"#result_list a:has-text('{email}')")
    page.click("#personal-data-link")
    page.wait_for_selector("#personal-data-parts")
    assert "将匿名化" in page.inner_text("#erase-outcome")

    page.check("#personal-data-export input[value=csv]")
    with page.expect_download() as download:
        page.click("#personal-data-export input[type=submit]")
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "部分,记录,项目,内容"
    assert f"账户,1,邮箱（登录名）,{email}" in text
    assert "同意个人信息处理说明时间" in text

    page.fill("#id_reason", "本人来函申请删除，已电话核实")
    page.check("#id_confirm")
    page.click("#personal-data-erase input[type=submit]")
    page.wait_for_selector(".messagelist .success")
    person.refresh_from_db()
    assert person.email.endswith("@leaders.invalid") and not person.is_active
    assert Enterprise.objects.get(name="北京个人信息测试有限公司").contact_email == ""
    actions = set(AuditEntry.objects.filter(actor=security_admin).values_list("action", flat=True))
    assert {"account.personal_data_export", "account.personal_data_erase"} <= actions
