"""In a real browser: nothing is blocked by the Content Security Policy (pages, admin, API
docs), and an evaluator enrols two-factor with the QR page and then needs the code to sign in."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.enums import Role
from tests.factories.accounts import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _watch_csp(page):
    blocked = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    return blocked


def _code(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=6):06d}"


def test_no_csp_violation_on_public_pages_admin_and_api_docs(page, login, admin_user):
    blocked = _watch_csp(page)
    for path in ["/", "/standards/", "/rankings/", "/accounts/login/"]:
        page.goto(path)
        page.wait_for_load_state("networkidle")
    page.goto("/api/docs/")
    page.wait_for_selector(".swagger-ui .info", timeout=15_000)
    page.wait_for_selector("text=/api/v1/standards/")
    login(admin_user)
    for path in ["/admin/", "/admin/accounts/user/", "/admin/core/importrun/"]:
        page.goto(path)
        page.wait_for_load_state("networkidle")
    assert blocked == []


def test_evaluator_enrols_two_factor_and_signs_in_with_a_code(page, login, password, settings):
    blocked = _watch_csp(page)
    user = UserFactory(role=Role.EVALUATOR, email="pingu@example.cn")
    login(user)
    page.goto("/accounts/two-factor/")
    assert page.locator("#totp-qr svg").count() == 1
    device = TOTPDevice.objects.get(user=user)
    page.fill("#id_token", _code(device))
    page.click("button:has-text('启用两步验证')")
    page.wait_for_selector("#totp-enabled")
    page.click("button:has-text('退出')")

    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    page.goto("/accounts/login/")
    page.fill("#id_username", user.email)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_selector("text=验证并登录")
    device.refresh_from_db()
    page.fill("#id_token", _code(device))
    page.click("button:has-text('验证并登录')")
    page.wait_for_load_state()
    assert page.locator("nav").inner_text().count(user.email) == 1
    assert blocked == []
