"""Login lockout, two-factor, session expiry, password strength, rate limits."""

import time

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.enums import Role
from apps.accounts.middleware import LAST_SEEN, STARTED
from apps.core.models import AuditEntry
from tests.factories.accounts import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def _login(client, email, password, **extra):
    return client.post(LOGIN, {"username": email, "password": password}, **extra)


def _token(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


# ---- lockout -----------------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_account_with_a_clear_page(client, settings):
    user = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _login(client, user.email, "wrong-password")
        assert response.status_code == 200
        assert "邮箱或密码错误" in response.content.decode()
    response = _login(client, user.email.upper(), "wrong-password")
    assert response.status_code == 429
    page = response.content.decode()
    assert "账户已暂时锁定" in page
    assert "30 分钟后再试" in page
    # Even the right password is refused while locked.
    response = _login(client, user.email, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_account_and_address(client, settings):
    locked, other = UserFactory(), UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, locked.email, "wrong-password")
    assert _login(client, other.email, PASSWORD).status_code == 302
    client.logout()
    from_elsewhere = _login(client, locked.email, PASSWORD, REMOTE_ADDR="10.9.8.7")
    assert from_elsewhere.status_code == 302


@pytest.mark.parametrize("staff", ["security_admin", "admin_user"])
def test_the_security_administrator_lifts_a_lock_in_the_admin(client, staff, settings, request):
    user = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, user.email, "wrong-password")
    attempt = AccessAttempt.objects.get(username=user.email)
    client.force_login(request.getfixturevalue(staff))
    changelist = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert user.email in changelist.content.decode()
    response = client.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    unlock = AuditEntry.objects.get(action="security.unlock")
    assert unlock.actor == request.getfixturevalue(staff)
    assert unlock.object_id == str(user.pk)
    client.logout()
    assert _login(client, user.email, PASSWORD).status_code == 302


def test_bureau_staff_no_longer_touch_lockouts_or_devices(client, bureau_user):
    client.force_login(bureau_user)
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403
    assert client.get(reverse("admin:otp_totp_totpdevice_changelist")).status_code == 403


def test_success_resets_the_failure_count(client, settings):
    user = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, user.email, "wrong-password")
    assert _login(client, user.email, PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, user.email, "wrong-password")
    assert _login(client, user.email, PASSWORD).status_code == 302


def test_admin_login_goes_through_the_portal_login(client, enterprise_user, bureau_user):
    response = client.get("/admin/login/?next=/admin/core/auditentry/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2Fcore%2Fauditentry%2F"
    client.force_login(enterprise_user)
    assert client.get("/admin/login/?next=/admin/").status_code == 403
    client.force_login(bureau_user)
    assert client.get("/admin/login/?next=/admin/")["Location"] == "/admin/"
    assert client.get("/admin/login/?next=https://evil.example/")["Location"] == "/"


# ---- passwords ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Ab1-short", "password_too_short"),
        ("password123", "password_too_common"),
        ("83749201746", "password_entirely_numeric"),
    ],
)
def test_weak_passwords_are_refused(password, code):
    with pytest.raises(ValidationError) as error:
        validate_password(password)
    assert code in {item.code for item in error.value.error_list}


def test_password_like_the_email_is_refused():
    user = UserFactory.build(email="zhangsanfeng@example.cn")
    with pytest.raises(ValidationError):
        validate_password("zhangsanfeng1", user=user)


# ---- two-factor --------------------------------------------------------------------------


def _enrol(client, user):
    client.force_login(user)
    page = client.get(reverse("accounts:two_factor"))
    assert page.status_code == 200
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("accounts:two_factor"), {"token": _token(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    return device


def test_enrolment_with_the_qr_code_page(client):
    user = UserFactory(role=Role.EVALUATOR)
    _enrol(client, user)
    assert AuditEntry.objects.filter(action="account.two_factor_enabled").count() == 1
    page = client.get(reverse("accounts:two_factor")).content.decode()
    assert "两步验证已启用，本次登录已验证" in page


def test_enrolment_refuses_a_wrong_code(client):
    user = UserFactory(role=Role.EVALUATOR)
    client.force_login(user)
    client.get(reverse("accounts:two_factor"))
    device = TOTPDevice.objects.get(user=user)
    wrong = f"{(int(_token(device)) + 1) % 1000000:06d}"
    response = client.post(reverse("accounts:two_factor"), {"token": wrong})
    assert "验证码不正确或已过期" in response.content.decode()
    assert not TOTPDevice.objects.filter(confirmed=True).exists()
    response = client.post(reverse("accounts:two_factor"), {"token": "abc"})
    assert "请输入验证器应用显示的 6 位数字" in response.content.decode()


def test_enrolled_user_needs_the_code_at_login(client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    user = UserFactory(role=Role.EVALUATOR)
    device = _enrol(client, user)
    client.logout()
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)  # let the same code count again

    response = client.post(
        LOGIN, {"username": user.email, "password": PASSWORD, "next": "/workspace/evaluator/"}
    )
    assert response["Location"] == reverse("accounts:login_verify")
    assert "_auth_user_id" not in client.session
    assert client.get("/workspace/evaluator/").status_code == 302  # still anonymous

    wrong = client.post(reverse("accounts:login_verify"), {"token": "000000"})
    assert "验证码不正确或已过期" in wrong.content.decode()
    assert "_auth_user_id" not in client.session

    device.refresh_from_db()
    response = client.post(reverse("accounts:login_verify"), {"token": _token(device)})
    assert response["Location"] == "/workspace/evaluator/"
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session["otp_device_id"] == device.persistent_id


def test_verify_page_without_a_password_step_goes_back_to_login(client):
    response = client.get(reverse("accounts:login_verify"))
    assert response["Location"] == reverse("login")


def test_too_many_wrong_codes_restart_the_login(client):
    user = UserFactory(role=Role.EVALUATOR)
    _enrol(client, user)
    client.logout()
    _login(client, user.email, PASSWORD)
    for _ in range(5):
        client.post(reverse("accounts:login_verify"), {"token": "000000"})
    response = client.post(reverse("accounts:login_verify"), {"token": "000000"})
    assert response["Location"] == reverse("login")
    assert client.get(reverse("accounts:login_verify"))["Location"] == reverse("login")


def test_switching_two_factor_off_needs_a_code(client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    user = UserFactory(role=Role.EVALUATOR)
    device = _enrol(client, user)
    response = client.post(reverse("accounts:two_factor"), {"token": "000000", "action": "disable"})
    assert "未关闭两步验证" in response.content.decode()
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    client.post(reverse("accounts:two_factor"), {"token": _token(device), "action": "disable"})
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert AuditEntry.objects.filter(action="account.two_factor_disabled").count() == 1


def test_staff_must_verify_when_the_setting_requires_it(client, settings, bureau_user):
    settings.OTP_REQUIRED_FOR_STAFF = True
    client.force_login(bureau_user)
    response = client.get("/staff/registrations/")
    assert response["Location"] == reverse("accounts:two_factor")
    assert client.get("/admin/")["Location"] == reverse("accounts:two_factor")
    page = client.get(reverse("accounts:two_factor")).content.decode()
    assert "工作人员须启用两步验证" in page
    device = TOTPDevice.objects.get(user=bureau_user)
    client.post(reverse("accounts:two_factor"), {"token": _token(device)})
    assert client.get("/staff/registrations/").status_code == 200


def test_the_security_administrator_removes_a_lost_device_so_the_owner_can_enrol_again(
    client, security_admin
):
    user = UserFactory(role=Role.EVALUATOR)
    device = _enrol(client, user)
    client.force_login(security_admin)
    url = reverse("admin:otp_totp_totpdevice_delete", args=[device.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    reset = AuditEntry.objects.get(action="security.two_factor_reset")
    assert (reset.actor, reset.object_id) == (security_admin, str(user.pk))
    client.force_login(user)
    assert "<svg" in client.get(reverse("accounts:two_factor")).content.decode()


def test_other_roles_cannot_touch_lockouts_or_devices(client, enterprise_user):
    client.force_login(enterprise_user)
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 302
    assert not enterprise_user.has_perm("axes.delete_accessattempt")
    assert not enterprise_user.has_perm("otp_totp.delete_totpdevice")


def test_the_requirement_leaves_other_roles_alone(client, settings, enterprise_user):
    settings.OTP_REQUIRED_FOR_STAFF = True
    client.force_login(enterprise_user)
    assert client.get("/workspace/enterprise/").status_code == 200


# ---- sessions ----------------------------------------------------------------------------


def _age_session(client, **seconds_ago):
    session = client.session
    now = time.time()
    for key, ago in seconds_ago.items():
        session[key] = now - ago
    session.save()


def test_idle_session_expires(client, settings, enterprise_user):
    client.force_login(enterprise_user)
    assert client.get("/workspace/enterprise/").status_code == 200
    _age_session(client, **{LAST_SEEN: settings.SESSION_IDLE_TIMEOUT + 5})
    response = client.get("/workspace/enterprise/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "登录已超时" in client.get(response["Location"]).content.decode()


def test_active_session_expires_at_the_absolute_limit(client, settings, enterprise_user):
    client.force_login(enterprise_user)
    _age_session(client, **{STARTED: settings.SESSION_ABSOLUTE_TIMEOUT + 5, LAST_SEEN: 10})
    assert client.get("/workspace/enterprise/").status_code == 302


def test_active_session_is_kept(client, enterprise_user):
    client.force_login(enterprise_user)
    _age_session(client, **{STARTED: 3600, LAST_SEEN: 120})
    assert client.get("/workspace/enterprise/").status_code == 200
    assert time.time() - client.session[LAST_SEEN] < 5


# ---- rate limits -------------------------------------------------------------------------


def test_registration_is_rate_limited_per_address(client):
    for _ in range(5):
        assert client.post("/accounts/register/", {"email": "x"}).status_code == 200
    response = client.post("/accounts/register/", {"email": "x"})
    assert response.status_code == 429
    assert "操作过于频繁" in response.content.decode()
    assert 0 < int(response["Retry-After"]) <= 3600
    assert client.get("/accounts/register/").status_code == 200  # reading the form is free
    other = client.post("/accounts/register/", {"email": "x"}, REMOTE_ADDR="10.1.1.1")
    assert other.status_code == 200


def test_password_reset_is_rate_limited_per_email(client, mailoutbox):
    user = UserFactory()
    for n in range(3):
        response = client.post(
            "/accounts/password_reset/", {"email": user.email}, REMOTE_ADDR=f"10.0.0.{n}"
        )
        assert response.status_code == 302
    response = client.post(
        "/accounts/password_reset/", {"email": user.email.upper()}, REMOTE_ADDR="10.0.0.9"
    )
    assert response.status_code == 429
    assert len(mailoutbox) == 3


def test_login_is_rate_limited_per_address(client):
    for _ in range(30):
        _login(client, f"nobody{_}@example.cn", "wrong-password")
    assert _login(client, "someone@example.cn", "wrong-password").status_code == 429


def test_client_address_behind_trusted_proxies(rf, settings):
    from apps.core.ratelimit import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.9")
    assert client_ip(request) == "10.0.0.2"  # no proxy trusted: the header is ignored
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request) == "203.0.113.9"  # what our proxy saw; 1.1.1.1 is forgeable
    assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"


def test_lockout_counts_the_address_the_proxy_saw(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    user = UserFactory()
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login(client, user.email, "wrong", HTTP_X_FORWARDED_FOR=f"9.9.9.{n}, 198.51.100.7")
    assert (
        _login(client, user.email, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7").status_code == 429
    )
    assert (
        _login(client, user.email, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.8").status_code == 302
    )


def test_a_forged_forwarded_header_is_not_an_address(client, rf, settings):
    from apps.core.ratelimit import client_ip

    settings.TRUSTED_PROXY_COUNT = 1
    forged = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="not-an-ip")
    assert client_ip(forged) == "10.0.0.2"
    response = _login(client, "x@example.cn", "wrong", HTTP_X_FORWARDED_FOR="'; DROP--")
    assert response.status_code == 200


@pytest.mark.parametrize("role", [Role.SECURITY_ADMIN, Role.EMERGENCY])
def test_admin_never_shows_a_two_factor_secret(client, role):
    # Found by the permission matrix: staff, who may delete a lost device, could open its
    # key and QR code and so generate the owner's codes.
    owner = UserFactory(role=Role.EVALUATOR)
    device = TOTPDevice.objects.create(user=owner, name="phone", confirmed=True)
    staff = UserFactory(role=role, is_staff=True, is_superuser=role == Role.EMERGENCY)
    client.force_login(staff)
    for view in ("config", "qrcode"):
        url = reverse(f"admin:otp_totp_totpdevice_{view}", args=[device.pk])
        assert client.get(url).status_code == 403
    page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert page.status_code == 200
    assert device.key not in page.content.decode()
