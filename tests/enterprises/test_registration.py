import pytest
from django.utils import timezone

from apps.accounts.models import User
from apps.core.models import AuditEntry, InboxMessage
from apps.enterprises.models import Enterprise, EnterpriseMembership
from tests.factories.uscc import make_uscc
from tests.pages import submit

pytestmark = pytest.mark.django_db

FORM = {
    "uscc": "91110108551385082Q",
    "enterprise_name": "北京领跑科技有限公司",
    "district": "haidian",
    "contact_name": "张三",
    "contact_phone": "010-12345678",
    "email": "zhang@example.cn",
    "password1": "Strong-pass-2026",
    "password2": "Strong-pass-2026",
    "privacy_consent": "on",
}


def test_registration_creates_inactive_user_and_pending_membership(client):
    response = client.post("/accounts/register/", FORM)
    assert response.status_code == 200
    assert "待市场监管局工作人员激活" in response.content.decode()
    user = User.objects.get(email="zhang@example.cn")
    assert not user.is_active
    assert user.membership.status == "pending"
    assert user.membership.enterprise.uscc == "91110108551385082Q"
    assert AuditEntry.objects.filter(action="membership.request").count() == 1


def test_registration_rejects_bad_check_character(client):
    response = client.post("/accounts/register/", {**FORM, "uscc": "91110108551385082R"})
    assert "统一社会信用代码校验位错误：应为 Q，实际为 R" in response.content.decode()
    assert not User.objects.exists()
    assert not Enterprise.objects.exists()


def test_a_taken_email_gets_the_same_answer_and_its_owner_a_mail(client, enterprise_user):
    """No account enumeration: the page does not tell a taken address from a new one."""
    page = client.get("/accounts/register/").content.decode()
    assert 'name="email"' in page
    taken = client.post("/accounts/register/", {**FORM, "email": enterprise_user.email})
    client.cookies.clear()
    new = client.post("/accounts/register/", {**FORM, "uscc": make_uscc(5)})
    assert taken.status_code == new.status_code == 200
    taken_text = taken.content.decode().replace(enterprise_user.email, "ADDRESS")
    new_text = new.content.decode().replace(FORM["email"], "ADDRESS")
    assert "该邮箱已注册" not in taken_text
    assert _main(taken_text) == _main(new_text)
    assert EnterpriseMembership.objects.filter(user=enterprise_user).count() == 1
    assert not User.objects.filter(email__iexact=enterprise_user.email, is_active=False).exists()
    owner_mail = InboxMessage.objects.get(email=enterprise_user.email)
    assert "已有账户" in owner_mail.body
    assert InboxMessage.objects.filter(email=FORM["email"], subject__contains="已收到").exists()


def _main(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]


def test_registration_rejects_weak_password(client):
    response = client.post("/accounts/register/", {**FORM, "password1": "123", "password2": "123"})
    assert response.status_code == 200
    assert not User.objects.exists()


def test_inactive_user_cannot_log_in_until_staff_activates(client, bureau_user):
    client.post("/accounts/register/", FORM)
    assert not client.login(username=FORM["email"], password=FORM["password1"])

    membership = EnterpriseMembership.objects.get()
    client.force_login(bureau_user)
    page = client.get("/staff/registrations/")
    assert "北京领跑科技有限公司" in page.content.decode()
    response = client.post(f"/staff/registrations/{membership.pk}/decide/", {"approve": "on"})
    assert response.status_code == 302
    client.logout()

    assert client.login(username=FORM["email"], password=FORM["password1"])
    membership.refresh_from_db()
    assert membership.status == "active"
    assert AuditEntry.objects.filter(action="membership.activate", actor=bureau_user).count() == 1


def test_refusal_needs_a_reason_and_keeps_user_inactive(client, bureau_user):
    client.post("/accounts/register/", FORM)
    membership = EnterpriseMembership.objects.get()
    client.force_login(bureau_user)
    client.post(f"/staff/registrations/{membership.pk}/decide/", {"reason": ""})
    membership.refresh_from_db()
    assert membership.status == "pending"
    client.post(f"/staff/registrations/{membership.pk}/decide/", {"reason": "名称与信用代码不符"})
    membership.refresh_from_db()
    assert membership.status == "refused"
    assert not User.objects.get(email=FORM["email"]).is_active


def test_enterprise_user_cannot_activate_registrations(client, enterprise_user):
    client.post("/accounts/register/", FORM)
    membership = EnterpriseMembership.objects.get(user__email=FORM["email"])
    client.force_login(enterprise_user)
    response = client.post(f"/staff/registrations/{membership.pk}/decide/", {"approve": "on"})
    assert response.status_code == 403
    membership.refresh_from_db()
    assert membership.status == "pending"


def test_password_reset_sends_a_mail(client, enterprise_user, mailoutbox):
    response = client.post("/accounts/password_reset/", {"email": enterprise_user.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "/accounts/reset/" in mailoutbox[0].body


def test_the_form_shows_the_privacy_notice_and_needs_consent(client):
    page = client.get("/accounts/register/").content.decode()
    assert "个人信息处理说明" in page and "联系人姓名、联系电话、邮箱" in page
    fill = {key: value for key, value in FORM.items() if key != "privacy_consent"}
    refused = submit(client, "/accounts/register/", fill)
    assert "请阅读并同意个人信息处理说明后再提交" in refused.content.decode()
    assert not User.objects.exists()

    before = timezone.now()
    response = submit(client, "/accounts/register/", FORM)
    assert "注册申请已提交" in response.content.decode()
    user = User.objects.get(email="zhang@example.cn")
    assert user.privacy_consent_at >= before
    assert user.phone == "010-12345678"
    assert user.membership.enterprise.contact_phone == "010-12345678"
    # The phone is in the audit log as changed, never as the number.
    entry = AuditEntry.objects.get(action="enterprise.create")
    assert entry.changes["contact_phone"] == [None, "******"]
