"""Enterprises' personal data: the registration's privacy notice, and an enterprise user's
part of a personal data export or deletion (apps/core/personal_data.py)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core import audit
from apps.core.personal_data import Section, register, when
from apps.core.privacy import PrivacyNotice
from apps.enterprises.models import Enterprise, EnterpriseMembership


def registration_notice() -> PrivacyNotice:
    return PrivacyNotice(
        collected=_(
            "联系人姓名、联系电话、邮箱（登录名），以及企业名称、统一社会信用代码和所在区。"
        ),
        purpose=_(
            "核实企业身份并激活企业账户；就企业标准声明、领跑者评估和政策激励与联系人联系。"
            "联系人的姓名、电话和邮箱不公开。"
        ),
        access=_(
            "市场监管局工作人员和系统管理员（维护账户）；评估机构、专家和公众看不到联系人信息。"
        ),
        retention=_(
            "账户存续期间保存；账户注销或本人要求删除时删除，须保留的记录（如审计日志）"
            "中的信息匿名化处理。"
        ),
    )


def _contact_of(user):
    """Enterprises whose contact is this person (their registration's e-mail)."""
    return Enterprise.objects.filter(contact_email__iexact=user.email)


def _rows(user) -> list[dict]:
    rows = [
        {
            _("企业"): membership.enterprise.name,
            _("统一社会信用代码"): membership.enterprise.uscc,
            _("状态"): membership.get_status_display(),
            _("申请时间"): when(membership.created_at),
            _("处理时间"): when(membership.decided_at),
        }
        for membership in EnterpriseMembership.objects.filter(user=user).select_related(
            "enterprise"
        )
    ]
    rows += [
        {
            _("企业"): enterprise.name,
            _("联系邮箱"): enterprise.contact_email,
            _("联系电话"): enterprise.contact_phone,
        }
        for enterprise in _contact_of(user)
    ]
    return rows


def _erase(user, mode: str, actor) -> None:
    # The enterprise stays (it is the enterprise's record); its contact was this person.
    for enterprise in _contact_of(user):
        before = audit.snapshot(enterprise, ["contact_email", "contact_phone"])
        enterprise.contact_email, enterprise.contact_phone = "", ""
        enterprise.save(update_fields=["contact_email", "contact_phone", "updated_at"])
        audit.record(
            actor=actor,
            action="enterprise.personal_data_erase",
            target=enterprise,
            changes={name: [audit.masked(value), ""] for name, value in before.items()},
        )


register(
    Section(
        key="enterprise",
        label=gettext_lazy("企业账户"),
        rows=_rows,
        erase=_erase,
        order=20,
    )
)
