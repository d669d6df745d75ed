"""In a real browser: bureau staff add an evaluator on the agency's page, the evaluator opens
the invitation mail's link, chooses a password in the rendered form, signs in and lands on the
evaluator workspace. Only links, buttons and rendered forms; the mail is read from the
outbox."""

import re

import pytest

from tests.factories.evaluators import AgencyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINK = re.compile(r"https?://\S+/accounts/invitation/\S+/")


def test_staff_invite_an_evaluator_who_sets_a_password_and_signs_in(
    page, login, bureau_user, mailoutbox
):
    agency = AgencyFactory(name="北京邀请测试评估中心")
    login(bureau_user)
    assert page.url.endswith("/staff/registrations/")  # the staff desk, not the home page
    page.click("nav .dropdown-toggle")
    page.click("nav .dropdown-menu >> text=评估机构")
    page.get_by_role("link", name=agency.name).click()
    page.fill("#id_email", "invitee@example.cn")
    page.fill("#id_name", "邀请评估员")
    page.click("button:has-text('添加')")
    page.wait_for_selector("text=设置密码的邀请邮件已发送至 invitee@example.cn")
    assert page.locator("#members").inner_text().count("已邀请未接受") == 1
    page.click("button:has-text('退出')")

    [message] = mailoutbox
    assert message.to == ["invitee@example.cn"]
    link = LINK.search(message.body).group(0)
    page.goto(link)
    page.wait_for_selector("text=invitee@example.cn")
    password = "Yaoqing-Browser-2026"
    page.fill("#id_new_password1", password)
    page.fill("#id_new_password2", password)
    page.click("button:has-text('设置密码')")
    page.wait_for_selector("text=密码已设置")

    page.fill("#id_username", "invitee@example.cn")
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/workspace/evaluator/")
    assert page.locator("h1").first.inner_text()

    # The link was for one use only.
    page.goto(link)
    page.wait_for_selector("#invalid-invitation")
