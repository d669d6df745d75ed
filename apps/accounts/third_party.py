"""The portal's words for the third-party models the security administrator reads in the admin
(docs/translations.md "Third-party apps").

django-axes marks its strings for translation but ships no Chinese: its words are in
locale/zh_Hans. Two things a catalogue cannot reach are set here, once, from
`AccountsConfig.ready()`: django-otp's model and field names (plain English strings, not marked
for translation; its help texts are in `admin.TOTPDeviceForm`) and the names the apps and the
axes records go by (`__str__` built from f-strings). Only names change: `verbose_name` is not
part of a migration's state (fields deconstruct their original `_verbose_name`, models their
original Meta), so no migration of the third-party apps follows."""

from __future__ import annotations

from django.apps import apps
from django.utils import timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

APP_NAMES = {"axes": _("登录记录与锁定"), "otp_totp": _("两步验证")}

TOTP_DEVICE = (pgettext_lazy("model", "两步验证设备"), pgettext_lazy("models", "两步验证设备"))
TOTP_FIELDS = {
    "user": _("用户"),
    "name": _("名称"),
    "confirmed": _("已确认"),
    "key": _("密钥"),
    "step": _("时间步长（秒）"),
    "t0": _("起始时间"),
    "digits": _("验证码位数"),
    "tolerance": _("容许偏差"),
    "drift": _("时钟偏差"),
    "last_t": _("最近验证的时间步"),
    "throttling_failure_timestamp": _("最近一次验证失败"),
    "throttling_failure_count": _("连续失败次数"),
    "created_at": _("创建时间"),
    "last_used_at": _("最近使用时间"),
}


def _when(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"


def _attempt(attempt) -> str:
    return gettext("%(user)s 登录失败（%(when)s）") % {
        "user": attempt.username or "—",
        "when": _when(attempt.attempt_time),
    }


def _failure(failure) -> str:
    text = gettext("%(user)s 登录失败（%(when)s，来自 %(ip)s）") % {
        "user": failure.username or "—",
        "when": _when(failure.attempt_time),
        "ip": failure.ip_address or "—",
    }
    return text + gettext("，已锁定") if failure.locked_out else text


def _access(log) -> str:
    return gettext("%(user)s 登录（%(when)s）") % {
        "user": log.username or "—",
        "when": _when(log.attempt_time),
    }


def _expiration(expiration) -> str:
    return gettext("锁定至 %(when)s") % {"when": _when(expiration.expires_at)}


def name_third_party_models() -> None:
    for label, name in APP_NAMES.items():
        apps.get_app_config(label).verbose_name = name
    device = apps.get_model("otp_totp", "TOTPDevice")
    device._meta.verbose_name, device._meta.verbose_name_plural = TOTP_DEVICE
    for field_name, name in TOTP_FIELDS.items():
        device._meta.get_field(field_name).verbose_name = name
    for model_name, describe in (
        ("AccessAttempt", _attempt),
        ("AccessFailureLog", _failure),
        ("AccessLog", _access),
        ("AccessAttemptExpiration", _expiration),
    ):
        apps.get_model("axes", model_name).__str__ = describe
