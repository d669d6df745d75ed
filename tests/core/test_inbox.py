"""Nobody waits silently: each step that waits on a person writes a message to that person's
notifications page and mails it after the commit (locmem backend in tests)."""

import pytest
from django.core import mail
from django.utils.functional import lazystr

from apps.core import inbox
from apps.core.models import InboxMessage
from apps.enterprises.models import EnterpriseMembership
from tests.enterprises.test_registration import FORM
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def _register(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/register/", FORM)
    return EnterpriseMembership.objects.get(user__email=FORM["email"])


def test_a_registration_tells_every_active_bureau_user(
    client, bureau_user, django_capture_on_commit_callbacks
):
    UserFactory(role="bureau", is_staff=True, is_active=False)  # left, gets nothing
    _register(client, django_capture_on_commit_callbacks)
    # The bureau's notice, and the applicant's receipt (the same page answers a taken address).
    to_bureau = [message for message in mail.outbox if message.to == [bureau_user.email]]
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [bureau_user.email, FORM["email"]]
    )
    assert "北京领跑科技有限公司" in to_bureau[0].subject
    assert "http://testserver/staff/registrations/" in to_bureau[0].body  # the request's host
    client.force_login(bureau_user)
    page = client.get("/notifications/").content.decode()
    assert "企业账户待激活：北京领跑科技有限公司" in page
    assert InboxMessage.objects.get(recipient=bureau_user).read_at is not None


def test_activation_and_refusal_reach_the_applicant(
    client, bureau_user, django_capture_on_commit_callbacks
):
    membership = _register(client, django_capture_on_commit_callbacks)
    client.force_login(bureau_user)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/staff/registrations/{membership.pk}/decide/", {"approve": "on"})
    assert [message.to for message in mail.outbox] == [[FORM["email"]]]
    assert "已激活" in mail.outbox[0].subject

    other = {**FORM, "email": "li@example.cn"}
    client.logout()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/register/", other)
    refused = EnterpriseMembership.objects.get(user__email="li@example.cn")
    client.force_login(bureau_user)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/staff/registrations/{refused.pk}/decide/", {"reason": "名称与信用代码不符"})
    assert [message.to for message in mail.outbox] == [["li@example.cn"]]
    assert "名称与信用代码不符" in mail.outbox[0].body


def test_the_navigation_counts_unread_messages(client, bureau_user):
    inbox.notify_people(people=[bureau_user], subject=lazystr("甲"), body=lazystr("乙"))
    client.force_login(bureau_user)
    assert "条未读" in client.get("/").content.decode()
    client.get("/notifications/")
    assert "条未读" not in client.get("/").content.decode()


def test_a_failed_mail_is_kept_and_retried(settings, bureau_user):
    settings.EMAIL_BACKEND = "tests.core.test_inbox.BrokenBackend"
    inbox.notify_people(people=[bureau_user], subject=lazystr("甲"), body=lazystr("乙"))
    assert inbox.send_pending() == 0
    message = InboxMessage.objects.get()
    assert (message.status, message.attempts) == ("pending", 1)
    assert "refused" in message.error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert inbox.send_pending() == 1
    message.refresh_from_db()
    assert message.status == "sent"


def test_without_a_request_links_use_the_configured_address(settings, bureau_user):
    settings.PORTAL_BASE_URL = "https://leaders.example.cn/"
    [message] = inbox.notify_people(
        people=[bureau_user], subject=lazystr("甲"), body=lazystr("乙"), path="/x/"
    )
    assert message.url == "https://leaders.example.cn/x/"


def test_the_page_needs_a_sign_in_and_shows_only_ones_own(client, bureau_user):
    other = UserFactory()
    inbox.notify_people(people=[other], subject=lazystr("别人的消息"), body=lazystr("乙"))
    assert client.get("/notifications/").status_code == 302
    client.force_login(bureau_user)
    assert "别人的消息" not in client.get("/notifications/").content.decode()


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("connection refused")

    def open(self):
        pass

    def close(self):
        pass


def test_an_enterprise_user_finds_the_enterprise_notices_from_my_messages(
    client, enterprise_user, bureau_user
):
    """The programme's news (candidacy, publication, revocation, incentive decisions) goes to
    the enterprise's 消息通知; 我的消息 of an enterprise user leads there, other roles' does
    not."""
    client.force_login(enterprise_user)
    page = client.get("/notifications/").content.decode()
    assert 'href="/workspace/notifications/"' in page
    client.force_login(bureau_user)
    assert "/workspace/notifications/" not in client.get("/notifications/").content.decode()
