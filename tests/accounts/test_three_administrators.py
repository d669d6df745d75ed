"""三员分立: the system, security and audit administrators, each with its own pages, no account
holding two of them, and the superuser as an emergency account whose every use is audited
(docs/security.md "Three administrators")."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.enums import Role
from apps.core import audit
from apps.core.models import AuditEntry
from tests.factories.accounts import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()


def _change(client, user, **fields):
    """Post the admin's change form of `user` as rendered, with `fields` changed."""
    url = reverse("admin:accounts_user_change", args=[user.pk])
    data = {
        "email": user.email,
        "name": user.name,
        "phone": user.phone,
        "role": user.role,
        "is_active": "on" if user.is_active else "",
        "groups": [],
        **fields,
    }
    return client.post(url, {key: value for key, value in data.items() if value != ""})


# ---- no account holds two of them ------------------------------------------------------------


def test_createsuperuser_makes_the_emergency_account(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Emergency-Only-2026")
    call_command("createsuperuser", "--noinput", email="break.glass@example.cn", verbosity=0)
    user = User.objects.get(email="break.glass@example.cn")
    assert (user.role, user.is_superuser, user.is_staff) == (Role.EMERGENCY, True, True)


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN])
def test_the_database_refuses_an_administrator_who_is_also_superuser(role):
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(role=role, is_superuser=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(role=Role.EMERGENCY, is_superuser=False, is_staff=True)


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN])
def test_an_administrator_joins_no_group_and_gets_no_direct_permission(role):
    administrator = UserFactory(role=role)
    group = Group.objects.create(name="审计查看")
    permission = Permission.objects.get(codename="view_auditentry")
    # (The refusal breaks the surrounding transaction, which then rolls back.)
    with pytest.raises(ValidationError, match="三员账户的权限只来自其角色"), transaction.atomic():
        administrator.groups.add(group)
    with pytest.raises(ValidationError), transaction.atomic():
        group.user_set.add(administrator)  # from the other side
    with pytest.raises(ValidationError), transaction.atomic():
        administrator.user_permissions.add(permission)
    assert not administrator.groups.exists() and not administrator.user_permissions.exists()
    # An account in a group cannot be given an administrator's role without leaving it.
    member = UserFactory(role=Role.BUREAU, is_staff=True)
    member.groups.add(group)
    member.role = role
    with pytest.raises(ValidationError), transaction.atomic():
        member.save()


def test_the_admin_form_says_why_an_administrator_joins_no_group(client, security_admin):
    group = Group.objects.create(name="策略组")
    target = UserFactory(role=Role.BUREAU, is_staff=True)
    client.force_login(security_admin)
    response = _change(client, target, role=Role.AUDIT_ADMIN, groups=[group.pk])
    assert response.status_code == 200
    assert "三员账户的权限只来自其角色" in response.content.decode()
    target.refresh_from_db()
    assert target.role == Role.BUREAU and not target.groups.exists()


def test_the_security_administrator_grants_a_role_and_it_is_audited(client, security_admin):
    target = UserFactory(role=Role.BUREAU, is_staff=True)
    client.force_login(security_admin)
    assert _change(client, target, role=Role.AUDIT_ADMIN).status_code == 302
    target.refresh_from_db()
    assert (target.role, target.is_staff) == (Role.AUDIT_ADMIN, True)
    entry = AuditEntry.objects.get(action="account.role_change")
    assert entry.actor == security_admin and entry.object_id == str(target.pk)
    assert entry.changes["role"] == ["bureau", "audit_admin"]


def test_the_security_administrator_changes_nothing_else_of_an_account(client, security_admin):
    target = UserFactory(role=Role.EVALUATOR, name="原名")
    client.force_login(security_admin)
    assert _change(client, target, name="改名", is_active="").status_code == 302
    target.refresh_from_db()
    assert target.name == "原名" and target.is_active  # read-only for them
    # ... nor sets a password, nor adds or deletes accounts, nor changes their own role.
    password = reverse("admin:auth_user_password_change", args=[target.pk])
    assert client.get(password.replace("auth", "accounts")).status_code == 403
    assert client.get(reverse("admin:accounts_user_add")).status_code == 403
    delete = reverse("admin:accounts_user_delete", args=[target.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert _change(client, security_admin, role=Role.ADMINISTRATOR).status_code == 403
    security_admin.refresh_from_db()
    assert security_admin.role == Role.SECURITY_ADMIN


def test_the_system_administrator_creates_accounts_with_business_roles_only(client, system_admin):
    client.force_login(system_admin)
    page = client.get(reverse("admin:accounts_user_add")).content.decode()
    assert 'value="bureau"' in page
    for role in ("administrator", "security_admin", "audit_admin", "emergency"):
        assert f'value="{role}"' not in page
    response = client.post(
        reverse("admin:accounts_user_add"),
        {"email": "sneaky@example.cn", "role": Role.AUDIT_ADMIN, "usable_password": "false"},
    )
    assert response.status_code == 200
    assert not User.objects.filter(email="sneaky@example.cn").exists()


def test_the_system_administrator_leaves_administrators_accounts_and_roles_alone(
    client, system_admin, security_admin, admin_user
):
    business = UserFactory(role=Role.EVALUATOR)
    client.force_login(system_admin)
    # A business account: edit and set its password, but not its role.
    assert _change(client, business, name="新名字", role=Role.BUREAU).status_code == 302
    business.refresh_from_db()
    assert business.name == "新名字" and business.role == Role.EVALUATOR
    password = f"/admin/accounts/user/{business.pk}/password/"
    assert client.get(password).status_code == 200
    # Another administrator's account or the emergency account: neither changed, nor its
    # password set (that would take the account over).
    for other in (security_admin, admin_user):
        assert _change(client, other, name="接管").status_code == 403
        assert client.get(f"/admin/accounts/user/{other.pk}/password/").status_code == 403
        other.refresh_from_db()
        assert other.name != "接管"


def test_the_audit_administrator_reads_and_exports_the_audit_log(client, audit_admin):
    subject = UserFactory(role=Role.EXPERT, email="subject@example.cn")
    audit.record(actor=None, action="account.invite", target=subject)
    audit.record(actor=None, action="=HYPERLINK(1)", target=subject)
    client.force_login(audit_admin)
    listing = client.get(reverse("admin:core_auditentry_changelist"))
    assert listing.status_code == 200
    assert reverse("admin:core_auditentry_export") in listing.content.decode()
    response = client.get(reverse("admin:core_auditentry_export") + "?action=account.invite")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:4] == ["编号", "时间", "操作人", "操作"]
    assert [row[3] for row in rows[1:]] == ["发送设置密码的邀请"]  # in words, as the list
    assert [row[4] for row in rows[1:]] == ["账户 | 用户"]
    everything = client.get(reverse("admin:core_auditentry_export"))
    text = b"".join(everything.streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text  # formula cells neutralised
    # The export itself is in the log.
    export = AuditEntry.objects.filter(action="data.export", actor=audit_admin).first()
    assert export is not None and export.changes["path"] == "/admin/core/auditentry/export/"
    # Nothing else: no account, lockout, device, configuration or import page.
    for url in (
        reverse("admin:accounts_user_changelist"),
        reverse("admin:axes_accessattempt_changelist"),
        reverse("admin:otp_totp_totpdevice_changelist"),
        reverse("admin:catalog_category_changelist"),
        reverse("admin:core_importrun_changelist"),
    ):
        assert client.get(url).status_code == 403, url
    assert client.get(reverse("enterprises:registrations")).status_code == 403


@pytest.mark.parametrize("who", ["system_admin", "security_admin", "bureau_user"])
def test_only_the_audit_administrator_reads_the_audit_log(client, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("admin:core_auditentry_changelist")).status_code == 403
    assert client.get(reverse("admin:core_auditentry_export")).status_code == 403


# ---- the emergency superuser ---------------------------------------------------------------


def test_every_use_of_the_superuser_is_audited(client, admin_user):
    response = client.post(reverse("login"), {"username": admin_user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="emergency.login", actor=admin_user).count() == 1
    target = UserFactory(role=Role.PARTNER)
    assert _change(client, target, name="应急修改").status_code == 302
    request = AuditEntry.objects.filter(action="emergency.request", actor=admin_user).first()
    assert request.changes["method"] == "POST"
    assert request.changes["path"] == f"/admin/accounts/user/{target.pk}/change/"
    assert request.changes["status"] == 302
    assert AuditEntry.objects.filter(action="admin.change", actor=admin_user).exists()


def test_other_accounts_log_in_without_emergency_entries(client, system_admin):
    client.post(reverse("login"), {"username": system_admin.email, "password": PASSWORD})
    assert AuditEntry.objects.filter(action="security.login", actor=system_admin).exists()
    assert not AuditEntry.objects.filter(action__startswith="emergency.").exists()


# ---- two-factor for the administrators -----------------------------------------------------


@pytest.mark.parametrize(
    "who", ["system_admin", "security_admin", "audit_admin", "admin_user", "bureau_user"]
)
def test_two_factor_is_required_and_enrolment_is_open(client, settings, who, request):
    settings.OTP_REQUIRED_FOR_STAFF = True
    user = request.getfixturevalue(who)
    client.force_login(user)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:two_factor")
    # The enrolment page is open, so nobody is locked out: scan, confirm, go on.
    assert "<svg" in client.get(reverse("accounts:two_factor")).content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    assert client.post(reverse("accounts:two_factor"), {"token": code}).status_code == 302
    assert client.get("/admin/").status_code == 200
