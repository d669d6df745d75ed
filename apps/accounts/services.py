"""Two-factor devices: enrol, confirm, remove. Every change is audited."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.core import audit

DEVICE_NAME = "authenticator"


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
