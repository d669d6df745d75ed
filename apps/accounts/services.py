"""Accounts' services: invitations (a one-time link to set a password, for every account
that staff, an administrator or an import create) and two-factor devices. Every change is
audited."""

import logging
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.tokens import invitation_token_generator
from apps.core import audit
from apps.core.workflow import require

logger = logging.getLogger(__name__)

DEVICE_NAME = "authenticator"


# ---------------------------------------------------------------- language


def language_remember(*, user, language: str) -> None:
    """Keep the language a person last chose (the 中文/English switch) or signed in with:
    the messages the portal writes to them are in it (apps.core.inbox)."""
    if language in dict(settings.LANGUAGES) and user.language != language:
        user.language = language
        user.save(update_fields=["language"])


def remember_language_at_login(sender, request, user, **kwargs):
    """`user_logged_in` receiver: the language of the sign-in page (LocaleMiddleware's)."""
    language = getattr(request, "LANGUAGE_CODE", "")
    if language:
        language_remember(user=user, language=language)


# ---------------------------------------------------------------- invitations


def portal_url(path: str, request=None) -> str:
    """An absolute link for a mail: the request's own scheme and host when there is a request
    (the host is one of ALLOWED_HOSTS, Django checks it), otherwise `PORTAL_BASE_URL`."""
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def invitation_link(user, request=None) -> str:
    path = reverse(
        "accounts:invitation_accept",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": invitation_token_generator.make_token(user),
        },
    )
    return portal_url(path, request)


def _invitation_message(*, user, actor, request) -> EmailMessage:
    context = {
        "user": user,
        "role": user.get_role_display(),
        "inviter": (actor.name or actor.email) if actor is not None else "",
        "link": invitation_link(user, request),
        "login_url": portal_url(reverse("login"), request),
        "days": settings.INVITATION_TIMEOUT_DAYS,
        "portal_name": settings.PORTAL_NAME,
    }
    subject = render_to_string("accounts/invitation_subject.txt", context)
    body = render_to_string("accounts/invitation_email.txt", context)
    return EmailMessage(" ".join(subject.split()), body, to=[user.email])


def _send(message: EmailMessage, user_pk: int) -> None:
    """Send after commit. A failed send is logged, not raised: the account is saved and stays
    on the staff's list of invitations not yet accepted, where it can be sent again."""
    try:
        message.send()
    except Exception:
        logger.exception("invitation mail to user %s could not be sent", user_pk)


@transaction.atomic
def invite_user(*, user, actor, request=None):
    """Mail `user` a link to set their password: one-time (it dies once a password is set,
    or the user signs in, or another invitation is sent) and valid `INVITATION_TIMEOUT_DAYS`.
    For active accounts without a usable password only (a person who has set one uses
    “忘记密码”). `actor` None: the system (an import, the demo data). The mail leaves when the
    surrounding transaction commits."""
    require(actor, "accounts.invite_user")
    given, user = user, get_user_model().objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        raise ValidationError(_("账户未激活或已停用，不能发送邀请"))
    if user.has_usable_password():
        raise ValidationError(_("该账户已设置密码，无需邀请；忘记密码时本人可在登录页重设"))
    previous = user.invited_at
    user.invited_at = given.invited_at = timezone.now()
    user.save(update_fields=["invited_at"])
    audit.record(
        actor=actor,
        action="account.invite" if previous is None else "account.invite_resend",
        target=user,
        changes={"invited_at": [previous, user.invited_at]},
    )
    message = _invitation_message(user=user, actor=actor, request=request)
    transaction.on_commit(partial(_send, message, user.pk))
    return user


def invite_new_users(*, user_ids) -> int:
    """Invite the accounts among `user_ids` that are active, have no usable password and were
    never invited (accounts an import created); returns how many were invited."""
    users = get_user_model().objects.filter(pk__in=list(user_ids), invited_at__isnull=True)
    invited = 0
    for user in users.order_by("pk"):
        if user.invitation_pending:
            invite_user(user=user, actor=None)
            invited += 1
    return invited


@transaction.atomic
def invitation_accept(*, form) -> None:
    """The invited person chose a password (a bound, valid SetPasswordForm)."""
    user = form.save()
    audit.record(actor=user, action="account.invitation_accept", target=user)


def account_state(user) -> tuple[str, str]:
    """(code, words) of an account for staff pages: active, invited, not invited, inactive,
    none."""
    if user is None:
        return "none", _("无账号")
    if not user.is_active:
        return "inactive", _("账户已停用")
    if user.has_usable_password():
        return "active", _("已激活")
    if user.invited_at is not None:
        return "invited", _("已邀请未接受")
    return "not_invited", _("未发送邀请")


# ---------------------------------------------------------------- two-factor devices


def totp_device_of(user, *, confirmed: bool | None = True) -> TOTPDevice | None:
    devices = TOTPDevice.objects.filter(user=user)
    if confirmed is not None:
        devices = devices.filter(confirmed=confirmed)
    return devices.order_by("pk").first()


@transaction.atomic
def totp_device_start(*, user) -> TOTPDevice:
    """The unconfirmed device whose key the enrolment page shows (one per user, reused until
    confirmed, so reloading the page does not invalidate the scanned QR code)."""
    device = totp_device_of(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def totp_device_confirm(*, user, token: str) -> TOTPDevice:
    device = totp_device_of(user, confirmed=False)
    if device is None:
        raise ValidationError(_("没有待确认的验证器，请刷新页面重新扫描二维码"))
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if not device.verify_token(token):
        raise ValidationError(_("验证码不正确或已过期，请输入验证器应用当前显示的 6 位数字"))
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    audit.record(actor=user, action="account.two_factor_enabled", target=user)
    return device


@transaction.atomic
def totp_device_remove(*, user, token: str) -> None:
    device = totp_device_of(user)
    if device is None or not device.verify_token(token):
        raise ValidationError(_("验证码不正确或已过期，未关闭两步验证"))
    TOTPDevice.objects.filter(user=user).delete()
    audit.record(actor=user, action="account.two_factor_disabled", target=user)
