"""The account's part of a person's data (apps/core/personal_data.py): the account, its role
and groups, two-factor devices; anonymised by `anonymise_account`."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.models import PasswordHistory
from apps.core.models import InboxMessage
from apps.core.personal_data import ANONYMISE, Section, register, when, yes_no

ANONYMOUS_NAME = "已匿名化的用户"


def anonymous_email(user) -> str:
    """A unique address that is nobody's (the `.invalid` top-level domain never resolves)."""
    return f"anonymised-{user.pk}@leaders.invalid"


def _rows(user) -> list[dict]:
    return [
        {
            _("邮箱（登录名）"): user.email,
            _("姓名"): user.name,
            _("电话"): user.phone,
            _("角色"): user.get_role_display(),
            _("用户组"): "、".join(group.name for group in user.groups.all()),
            _("已激活"): yes_no(user.is_active),
            _("注册时间"): when(user.date_joined),
            _("最近登录"): when(user.last_login),
            _("最近邀请时间"): when(user.invited_at),
            _("同意个人信息处理说明时间"): when(user.privacy_consent_at),
            _("两步验证设备"): "、".join(
                device.name for device in TOTPDevice.objects.filter(user=user)
            ),
        }
    ]


def _erase(user, mode: str, actor) -> None:
    if mode == ANONYMISE:
        anonymise_account(user)


def anonymise_account(user) -> None:
    """The account stays (what it did is in the audit log and in signed records) but names
    nobody and can never sign in again."""
    TOTPDevice.objects.filter(user=user).delete()
    InboxMessage.objects.filter(recipient=user).delete()  # they were addressed to them
    PasswordHistory.objects.filter(user=user).delete()
    user.groups.clear()
    user.user_permissions.clear()
    user.email = anonymous_email(user)
    user.name = ANONYMOUS_NAME
    user.phone = ""
    user.is_active = False
    user.invited_at = None
    user.privacy_consent_at = None
    user.set_unusable_password()
    user.save()


register(
    Section(
        key="account",
        label=gettext_lazy("账户"),
        rows=_rows,
        erase=_erase,
        order=10,
    )
)
