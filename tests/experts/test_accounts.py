"""Experts are people with accounts: staff create (and invite) or link an expert's account on
the expert's page, appointing invites, and the page says in words where the account stands."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from apps.accounts.enums import Role
from apps.core.models import AuditEntry
from tests.accounts.forms import form_with, mailed_link, submit
from tests.factories.accounts import UserFactory
from tests.factories.experts import ExpertFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _page(client, expert):
    return client.get(reverse("experts:expert_detail", args=[expert.pk]))


def test_staff_create_the_experts_account_from_the_rendered_form(
    client, bureau_user, commit, mailoutbox
):
    expert = ExpertFactory(user=None, email="li.gong@example.cn", status="recommended")
    client.force_login(bureau_user)
    page = _page(client, expert)
    assert "无账号" in page.content.decode()
    with commit():
        response = submit(client, page, form_with(page, text="创建账户并发送邀请"))
    assert response["Location"] == reverse("experts:expert_detail", args=[expert.pk])

    expert.refresh_from_db()
    user = expert.user
    assert (user.email, user.role, user.name) == ("li.gong@example.cn", Role.EXPERT, expert.name)
    assert user.invitation_pending
    [message] = mailoutbox
    assert message.to == ["li.gong@example.cn"] and "专家" in message.body
    page = client.get(response["Location"]).content.decode()
    assert "已邀请未接受" in page and "重新发送邀请" in page
    assert AuditEntry.objects.filter(action="expert.account_create", object_id=str(expert.pk))

    # The expert accepts: the page now says the account is active.
    link = mailed_link(message)
    client.logout()
    response = client.get(link, follow=True)
    password = "Zhuanjia-Review-2026"
    submit(
        client,
        response,
        form_with(response, field="new_password1"),
        new_password1=password,
        new_password2=password,
    )
    login = client.post(reverse("login"), {"username": user.email, "password": password})
    assert login["Location"] == "/workspace/expert/"
    client.force_login(bureau_user)
    assert "已激活" in _page(client, expert).content.decode()


def test_staff_resend_the_experts_invitation_from_the_experts_page(
    client, bureau_user, commit, mailoutbox
):
    expert = ExpertFactory(user=None, status="recommended")
    client.force_login(bureau_user)
    page = _page(client, expert)
    with commit():
        submit(client, page, form_with(page, text="创建账户并发送邀请"))
        page = _page(client, expert)
        response = submit(client, page, form_with(page, text="重新发送邀请"))
    assert response["Location"] == reverse("experts:expert_detail", args=[expert.pk])
    assert len(mailoutbox) == 2


def test_staff_link_an_existing_expert_account_found_by_email(client, bureau_user, mailoutbox):
    expert = ExpertFactory(user=None, email="old@example.cn", status="recommended")
    account = UserFactory(email="Wang.Expert@example.cn", role=Role.EXPERT)
    client.force_login(bureau_user)
    page = _page(client, expert)
    response = submit(client, page, form_with(page, field="email"), email="wang.expert@example.cn")
    assert response.status_code == 302
    expert.refresh_from_db()
    assert expert.user == account
    assert "已激活" in _page(client, expert).content.decode()
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("none", "没有使用该邮箱的账户"),
        ("evaluator", "只能关联角色为“专家”的账户"),
        ("linked", "该账户已关联其他专家"),
    ],
)
def test_linking_refuses_the_wrong_account(client, bureau_user, setup, message):
    expert = ExpertFactory(user=None, status="recommended")
    email = "someone@example.cn"
    if setup == "evaluator":
        UserFactory(email=email, role=Role.EVALUATOR)
    elif setup == "linked":
        ExpertFactory(user=UserFactory(email=email, role=Role.EXPERT))
    client.force_login(bureau_user)
    page = _page(client, expert)
    response = submit(client, page, form_with(page, field="email"), email=email)
    assert response.status_code == 200
    assert message in response.content.decode()
    expert.refresh_from_db()
    assert expert.user is None


def test_creating_is_refused_when_the_email_has_an_account(client, bureau_user, mailoutbox):
    expert = ExpertFactory(user=None, email="taken@example.cn", status="recommended")
    UserFactory(email="taken@example.cn", role=Role.ENTERPRISE)
    client.force_login(bureau_user)
    page = _page(client, expert).content.decode()
    assert 'value="account_create"' not in page and "已有账户" in page
    response = client.post(
        reverse("experts:expert_detail", args=[expert.pk]),
        {"action": "account_create"},
        follow=True,
    )
    assert "请用“关联已有账户”" in response.content.decode()
    assert get_user_model().objects.filter(email="taken@example.cn").count() == 1
    assert mailoutbox == []


def test_appointing_an_expert_without_an_account_invites_them(
    client, bureau_user, commit, mailoutbox
):
    expert = ExpertFactory(user=None, email="zhang@example.cn", status="recommended")
    client.force_login(bureau_user)
    page = _page(client, expert)
    with commit():
        response = submit(client, page, form_with(page, field="status"), status="appointed")
    assert response.status_code == 302
    expert.refresh_from_db()
    assert expert.status == "appointed" and expert.user.email == "zhang@example.cn"
    assert [message.to for message in mailoutbox] == [["zhang@example.cn"]]
    page = client.get(response["Location"]).content.decode()
    assert "已向 zhang@example.cn 发送设置密码的邀请邮件" in page and "已邀请未接受" in page


def test_appointing_links_an_existing_expert_account_without_mail(
    client, bureau_user, commit, mailoutbox
):
    account = UserFactory(email="ready@example.cn", role=Role.EXPERT)
    expert = ExpertFactory(user=None, email="ready@example.cn", status="retired")
    client.force_login(bureau_user)
    page = _page(client, expert)
    with commit():
        submit(client, page, form_with(page, field="status"), status="appointed")
    expert.refresh_from_db()
    assert expert.user == account
    assert mailoutbox == []


def test_appointing_warns_when_the_email_belongs_to_another_role(client, bureau_user, mailoutbox):
    UserFactory(email="dual@example.cn", role=Role.EVALUATOR)
    expert = ExpertFactory(user=None, email="dual@example.cn", status="recommended")
    client.force_login(bureau_user)
    page = _page(client, expert)
    response = submit(client, page, form_with(page, field="status"), status="appointed")
    expert.refresh_from_db()
    assert expert.status == "appointed" and expert.user is None
    assert "该专家还不能登录答复评审" in client.get(response["Location"]).content.decode()
    assert mailoutbox == []


def test_the_expert_list_shows_each_account_state(client, bureau_user):
    ExpertFactory(user=None, email="none@example.cn")
    ExpertFactory()
    client.force_login(bureau_user)
    page = client.get(reverse("experts:expert_list")).content.decode()
    assert "无账号" in page and "已激活" in page


def test_other_roles_cannot_create_expert_accounts(client, users_by_role):
    expert = ExpertFactory(user=None, status="recommended")
    for role in ("enterprise", "evaluator", "expert", "partner"):
        client.force_login(users_by_role[role])
        response = client.post(
            reverse("experts:expert_detail", args=[expert.pk]), {"action": "account_create"}
        )
        assert response.status_code == 403
    expert.refresh_from_db()
    assert expert.user is None
