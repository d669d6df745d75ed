"""Nobody is locked out: accounts that staff, an administrator or an import create get an
invitation mail with a one-time, expiring link to set a password; staff see who has not
accepted and send it again; "forgot password" reaches every active account."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from apps.accounts import services
from apps.accounts.enums import Role
from apps.accounts.tokens import invitation_token_generator
from apps.core.models import AuditEntry
from tests.accounts.forms import form_with, mailed_link, submit
from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.evaluators import AgencyFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Lingpao-Evaluator-77"


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run the mails queued for after commit (the test's transaction never commits)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _invited(**fields):
    user = UserFactory(**{"role": Role.EVALUATOR, **fields})
    user.set_unusable_password()
    user.save()
    return user


def _set_password_through_link(client, link, password=NEW_PASSWORD):
    """Open the mailed link, fill the rendered form, submit it."""
    response = client.get(link, follow=True)
    assert response.status_code == 200
    form = form_with(response, field="new_password1")
    return submit(client, response, form, new_password1=password, new_password2=password)


def _sign_in(client, email, password=NEW_PASSWORD, **data):
    return client.post(reverse("login"), {"username": email, "password": password, **data})


# ---------------------------------------------------------------- the invitation's link


def test_staff_add_an_evaluator_who_sets_a_password_with_the_mailed_link(
    client, bureau_user, mailoutbox, commit
):
    agency = AgencyFactory()
    client.force_login(bureau_user)
    page = client.get(reverse("evaluators:agency_detail", args=[agency.pk]))
    assert "忘记密码" not in page.content.decode()
    with commit():
        response = submit(
            client, page, form_with(page, field="email"), email="Wang@Example.cn", name="王评估"
        )
    assert response.status_code == 302
    user = get_user_model().objects.get(email="wang@example.cn")
    assert user.invitation_pending and user.invited_at is not None

    [message] = mailoutbox
    assert message.to == ["wang@example.cn"]
    assert "评估机构人员" in message.body and "7 天内" in message.body
    link = mailed_link(message)
    assert link.startswith("http://testserver/accounts/invitation/")  # the request's host
    page = client.get(reverse("evaluators:agency_detail", args=[agency.pk])).content.decode()
    assert "已邀请未接受" in page

    client.logout()
    response = _set_password_through_link(client, link)
    assert response.status_code == 302 and response["Location"] == reverse("login")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert "密码已设置" in client.get(reverse("login")).content.decode()

    response = _sign_in(client, "wang@example.cn")
    assert response["Location"] == "/workspace/evaluator/"
    assert client.get("/workspace/evaluator/").status_code == 200
    client.logout()

    # One-time: the link is dead once used.
    again = client.get(link, follow=True).content.decode()
    assert "邀请链接无效" in again and "new_password1" not in again
    actions = set(
        AuditEntry.objects.filter(object_id=str(user.pk)).values_list("action", flat=True)
    )
    assert {"account.invite", "account.invitation_accept"} <= actions


def test_the_link_expires_after_the_configured_days(
    client, settings, commit, mailoutbox, monkeypatch
):
    settings.INVITATION_TIMEOUT_DAYS = 3
    user = _invited()
    with commit():
        services.invite_user(user=user, actor=None)
    link = mailed_link(mailoutbox[0])
    real_now = invitation_token_generator._now

    monkeypatch.setattr(
        invitation_token_generator, "_now", lambda: real_now() + datetime.timedelta(days=2)
    )
    assert "new_password1" in client.get(link, follow=True).content.decode()

    client.cookies.clear()
    monkeypatch.setattr(
        invitation_token_generator,
        "_now",
        lambda: real_now() + datetime.timedelta(days=3, minutes=1),
    )
    page = client.get(link, follow=True).content.decode()
    assert "邀请链接无效" in page and "new_password1" not in page


def test_links_use_portal_base_url_without_a_request(settings, commit, mailoutbox):
    settings.PORTAL_BASE_URL = "https://leaders.example.cn/"
    user = _invited()
    with commit():
        services.invite_user(user=user, actor=None)
    assert mailed_link(mailoutbox[0]).startswith("https://leaders.example.cn/accounts/invitation/")


def test_an_inactive_account_is_not_invited_and_its_link_dies(client, commit, mailoutbox):
    from django.core.exceptions import ValidationError

    user = _invited()
    with commit():
        services.invite_user(user=user, actor=None)
    link = mailed_link(mailoutbox[0])
    user.is_active = False
    user.save()
    assert "邀请链接无效" in client.get(link, follow=True).content.decode()
    with pytest.raises(ValidationError):
        services.invite_user(user=user, actor=None)


def test_an_account_with_a_password_is_not_invited(bureau_user):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.invite_user(user=UserFactory(), actor=bureau_user)
    assert "已设置密码" in error.value.messages[0]


def test_the_invitation_form_applies_the_password_rules(client, commit, mailoutbox):
    user = _invited()
    with commit():
        services.invite_user(user=user, actor=None)
    response = _set_password_through_link(client, mailed_link(mailoutbox[0]), password="12345")
    assert response.status_code == 200
    user.refresh_from_db()
    assert not user.has_usable_password()


# ---------------------------------------------------------------- the staff's list, resend


def test_staff_resend_from_the_list_and_the_old_link_dies(client, bureau_user, commit, mailoutbox):
    user = _invited(email="pending@example.cn")
    done = UserFactory(email="done@example.cn", role=Role.EVALUATOR)
    with commit():
        services.invite_user(user=user, actor=bureau_user)
    first = mailed_link(mailoutbox[0])

    client.force_login(bureau_user)
    page = client.get(reverse("accounts:invitations"))
    text = page.content.decode()
    assert "pending@example.cn" in text and done.email not in text
    assert "已邀请未接受" in text
    with commit():
        response = submit(client, page, form_with(page, text="重新发送邀请"))
    assert response["Location"] == reverse("accounts:invitations")
    assert "已重新发送邀请：pending@example.cn" in client.get(response["Location"]).content.decode()

    assert len(mailoutbox) == 2
    second = mailed_link(mailoutbox[1])
    assert second != first
    entry = AuditEntry.objects.get(action="account.invite_resend", object_id=str(user.pk))
    assert entry.actor == bureau_user

    client.logout()
    assert "邀请链接无效" in client.get(first, follow=True).content.decode()
    assert _set_password_through_link(client, second).status_code == 302
    assert _sign_in(client, user.email).status_code == 302
    client.logout()
    client.force_login(bureau_user)
    assert "pending@example.cn" not in client.get(reverse("accounts:invitations")).content.decode()


def test_resending_is_rate_limited_per_account(client, bureau_user, commit, mailoutbox):
    user = _invited()
    client.force_login(bureau_user)
    url = reverse("accounts:invitation_resend", args=[user.pk])
    with commit():
        for _ in range(3):
            client.post(url)
        response = client.post(url, follow=True)
    assert "请稍后再试" in response.content.decode()
    assert len(mailoutbox) == 3
    assert AuditEntry.objects.filter(object_id=str(user.pk)).count() == 3


def test_resend_to_an_account_with_a_password_says_why(client, bureau_user, mailoutbox):
    user = UserFactory(role=Role.PARTNER)
    client.force_login(bureau_user)
    response = client.post(reverse("accounts:invitation_resend", args=[user.pk]), follow=True)
    assert "该账户已设置密码" in response.content.decode()
    assert mailoutbox == []


def test_resend_goes_back_to_a_safe_next_only(client, bureau_user, commit):
    user = _invited()
    client.force_login(bureau_user)
    url = reverse("accounts:invitation_resend", args=[user.pk])
    with commit():
        assert client.post(url, {"next": "/staff/experts/"})["Location"] == "/staff/experts/"
        evil = client.post(url, {"next": "https://evil.example/"})
    assert evil["Location"] == reverse("accounts:invitations")


# ---------------------------------------------------------------- forgot password


@pytest.mark.parametrize(
    "kind", ["no password yet", "has a password", "inactive", "inactive, no password", "unknown"]
)
def test_forgot_password_reaches_every_active_account_and_no_other(client, mailoutbox, kind):
    email = "someone@example.cn"
    if kind == "no password yet":
        _invited(email=email)
    elif kind == "has a password":
        UserFactory(email=email)
    elif kind == "inactive":
        UserFactory(email=email, is_active=False)
    elif kind == "inactive, no password":
        _invited(email=email, is_active=False)
    response = client.post(reverse("password_reset"), {"email": "Someone@Example.cn"})
    # The same answer whether or not the address has an (active) account.
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    sent = kind in {"no password yet", "has a password"}
    assert len(mailoutbox) == (1 if sent else 0)
    if sent:
        assert mailoutbox[0].to == [email]


def test_forgot_password_lets_an_account_without_a_password_in(client, mailoutbox):
    user = _invited(role=Role.EXPERT)
    client.post(reverse("password_reset"), {"email": user.email})
    response = client.get(mailed_link(mailoutbox[0]), follow=True)
    form = form_with(response, field="new_password1")
    response = submit(
        client, response, form, new_password1=NEW_PASSWORD, new_password2=NEW_PASSWORD
    )
    assert response.status_code == 302
    assert _sign_in(client, user.email)["Location"] == "/workspace/expert/"


# ---------------------------------------------------------------- who else is invited


def test_the_evaluators_import_invites_each_new_account(bureau_user, commit, mailoutbox, tmp_path):
    from apps.core.imports.services import import_file

    agency = AgencyFactory()
    UserFactory(email="known@example.cn", role=Role.EVALUATOR)
    path = tmp_path / "evaluators.csv"
    path.write_text(
        "email,name,agency_uscc\n"
        f"new1@example.cn,甲,{agency.uscc}\nnew2@example.cn,乙,{agency.uscc}\n"
        f"known@example.cn,丙,{agency.uscc}\n",
        encoding="utf-8",
    )
    with commit():
        _run, result = import_file(kind="evaluators", path=path, actor=bureau_user)
    assert result.ok and result.created == 2
    assert sorted(message.to[0] for message in mailoutbox) == ["new1@example.cn", "new2@example.cn"]
    assert all("http://127.0.0.1:8000/accounts/invitation/" in m.body for m in mailoutbox)


@pytest.mark.parametrize("creator", ["admin_user", "system_admin"])
def test_the_admin_creates_an_account_with_an_invitation(
    client, creator, commit, mailoutbox, request
):
    client.force_login(request.getfixturevalue(creator))
    page = client.get(reverse("admin:accounts_user_add"))
    assert "发送邀请邮件，由本人设置密码" in page.content.decode()
    with commit():
        response = client.post(
            reverse("admin:accounts_user_add"),
            {
                "email": "partner.new@example.cn",
                "name": "新合作机构",
                "role": Role.PARTNER,
                "usable_password": "false",
                "password1": "",
                "password2": "",
            },
        )
    assert response.status_code == 302
    user = get_user_model().objects.get(email="partner.new@example.cn")
    assert user.invitation_pending
    [message] = mailoutbox
    assert message.to == [user.email] and "合作机构" in message.body


def test_a_password_typed_in_the_admin_never_reaches_the_audit_log(client, admin_user):
    client.force_login(admin_user)
    secret = "Secret-In-Admin-2026"  # (not containing the e-mail's local part)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "typed@example.cn",
            "role": Role.BUREAU,
            "usable_password": "true",
            "password1": secret,
            "password2": secret,
        },
    )
    assert response.status_code == 302
    user = get_user_model().objects.get(email="typed@example.cn")
    assert user.check_password(secret) and user.invited_at is None
    entry = AuditEntry.objects.get(action="admin.create", object_id=str(user.pk))
    assert secret not in str(entry.changes)


# ---------------------------------------------------------------- landing after login

LANDINGS = [
    (Role.ENTERPRISE, "/workspace/standards/"),
    (Role.EVALUATOR, "/workspace/evaluator/"),
    (Role.EXPERT, "/workspace/expert/"),
    (Role.BUREAU, "/staff/registrations/"),
    (Role.PARTNER, "/partner/"),
    (Role.ADMINISTRATOR, "/admin/"),
    (Role.SECURITY_ADMIN, "/admin/"),
    (Role.AUDIT_ADMIN, "/admin/core/auditentry/"),
]


@pytest.mark.parametrize(("role", "landing"), LANDINGS)
def test_each_role_lands_on_its_workspace(client, role, landing):
    user = UserFactory(role=role, is_staff=role in (Role.BUREAU, Role.ADMINISTRATOR))
    response = _sign_in(client, user.email, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == landing


@pytest.mark.parametrize(("role", "landing"), LANDINGS)
def test_a_safe_next_wins_over_the_landing(client, role, landing):
    user = UserFactory(role=role, is_staff=role in (Role.BUREAU, Role.ADMINISTRATOR))
    response = _sign_in(client, user.email, PASSWORD, next="/statistics/")
    assert response["Location"] == "/statistics/"
    client.logout()
    response = _sign_in(client, user.email, PASSWORD, next="https://evil.example/")
    assert response["Location"] == landing


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN])
def test_an_administrator_always_signs_in_to_the_admin_site(client, role):
    # The three administrators work in the admin site: saving the role makes the account
    # staff (and a check constraint refuses an administrator that is not).
    user = UserFactory(role=role, is_staff=False)
    assert user.is_staff
    assert _sign_in(client, user.email, PASSWORD)["Location"].startswith("/admin/")
