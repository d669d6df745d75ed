"""An enterprise renames itself; the public keeps the old name until bureau staff approve."""

import pytest

from apps.enterprises.models import Enterprise

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_rename_waits_for_staff_approval(page, register_enterprise, login, bureau_user):
    register_enterprise("zhao@example.cn", "Browser-pass-2026", name="北京旧名有限公司")
    page.goto("/workspace/enterprise/")
    page.fill("#id_name", "北京新名有限公司")
    page.click("button:has-text('保存')")
    page.wait_for_selector("text=经市场监管局审核批准后才会公开")
    uscc = Enterprise.objects.get().uscc
    page.goto(f"/enterprises/{uscc}/")
    assert "北京旧名有限公司" in page.content()
    page.click("button:has-text('退出')")

    login(bureau_user)
    page.goto("/staff/enterprise-names/")
    page.click("button:has-text('批准')")
    page.wait_for_selector("text=没有待审核的名称变更")
    page.goto(f"/enterprises/{uscc}/")
    assert "北京新名有限公司" in page.content()
