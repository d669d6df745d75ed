"""Security events in the audit log (docs/security.md "Security events in the audit log"):
sign-ins, failed sign-ins, lockouts, unlocks, refused requests, exports, role changes. (Unlocks
and two-factor resets: security/test_accounts.py; role changes and the emergency superuser:
accounts/test_three_administrators.py.)"""

import pytest
from django.urls import reverse

from apps.accounts.enums import Role
from apps.core.models import AuditEntry
from tests.factories.accounts import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def _login(client, email, password, **extra):
    return client.post(LOGIN, {"username": email, "password": password}, **extra)


def test_sign_in_and_out_are_logged(client):
    user = UserFactory()
    assert _login(client, user.email, PASSWORD, REMOTE_ADDR="10.1.2.3").status_code == 302
    entry = AuditEntry.objects.get(action="security.login")
    assert (entry.actor, entry.object_id, entry.changes["ip"]) == (user, str(user.pk), "10.1.2.3")
    client.post("/accounts/logout/")
    assert AuditEntry.objects.filter(action="security.logout", actor=user).exists()


def test_a_failed_sign_in_is_logged_without_the_password(client):
    user = UserFactory()
    _login(client, user.email.upper(), "Wrong-Guess-123", REMOTE_ADDR="10.1.2.4")
    entry = AuditEntry.objects.get(action="security.login_failed")
    assert entry.object_id == str(user.pk) and entry.actor is None
    assert entry.changes == {"email": user.email, "ip": "10.1.2.4"}
    # An unknown address: logged under the address, no object.
    _login(client, "nobody@example.cn", "Wrong-Guess-123")
    unknown = AuditEntry.objects.filter(action="security.login_failed").first()
    assert (unknown.object_id, unknown.object_repr) == ("", "nobody@example.cn")
    # Text that is not an address (a password typed into the wrong box) never reaches the log.
    _login(client, "My Secret Password", "x")
    typed = AuditEntry.objects.filter(action="security.login_failed").first()
    assert typed.changes["email"] == "" and "Secret" not in str(typed.changes)
    assert "Wrong-Guess" not in str(list(AuditEntry.objects.values_list("changes", flat=True)))


def test_a_lockout_is_logged(client, settings):
    user = UserFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, user.email, "wrong-password")
    entry = AuditEntry.objects.get(action="security.locked_out")
    assert entry.object_id == str(user.pk) and entry.changes["email"] == user.email


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("enterprise_user", "/staff/registrations/"),
        ("bureau_user", "/admin/accounts/user/"),
        ("audit_admin", "/admin/catalog/category/"),
    ],
)
def test_a_refused_request_is_logged(client, who, url, request):
    user = request.getfixturevalue(who)
    client.force_login(user)
    assert client.get(url).status_code == 403
    entry = AuditEntry.objects.get(action="security.permission_denied")
    assert entry.actor == user and entry.changes["path"] == url
    assert entry.changes["method"] == "GET"


def test_a_refused_csrf_post_is_logged(enterprise_user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(enterprise_user)
    assert client.post("/workspace/standards/new/", {}).status_code == 403
    assert AuditEntry.objects.filter(action="security.permission_denied").exists()


def test_exports_are_logged(client, bureau_user):
    client.force_login(bureau_user)
    url = reverse("admin:core_importrun_export", args=["categories"]) + "?format=xlsx"
    response = client.get(url)
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="data.export")
    assert entry.actor == bureau_user
    assert entry.changes["query"] == "format=xlsx"
    assert entry.changes["file"].endswith(".xlsx")


def test_public_open_data_downloads_by_visitors_are_not_logged(client):
    response = client.get(reverse("admin:core_importrun_export", args=["categories"]))
    assert response.status_code == 302  # to the login: exports are for staff
    assert not AuditEntry.objects.filter(action="data.export").exists()


def test_a_role_change_in_the_admin_is_logged(client, security_admin):
    target = UserFactory(role=Role.EXPERT)
    client.force_login(security_admin)
    response = client.post(
        reverse("admin:accounts_user_change", args=[target.pk]),
        {"role": Role.BUREAU, "groups": []},
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="account.role_change")
    assert entry.changes == {"role": ["expert", "bureau"]}
