"""Objectors' personal data: the objection form's privacy notice, and a person's objections
in a personal data export or deletion (apps/core/personal_data.py), found by the blind index
of their contact (their e-mail or phone)."""

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.personal_data import Section, register, when
from apps.core.privacy import PrivacyNotice
from apps.leaders.services.objector_data import (
    objection_personal_data_purge,
    objections_of_person,
)


def objection_notice() -> PrivacyNotice:
    return PrivacyNotice(
        collected=_("异议人姓名或单位、联系方式（电话或邮箱），以及提交时的网络地址。"),
        purpose=_(
            "仅用于核实异议、必要时向您了解情况并告知处理结果。"
            "您的姓名和联系方式不公开，也不提供给被提出异议的企业和评审专家。"
        ),
        access=_("只有负责处理异议的市场监管局工作人员。"),
        retention=_(
            "公示期结束后 %(days)d 天删除（异议理由、证明材料和认定结论作为公示记录保留）；"
            "您也可以要求提前删除。提交时的网络地址另记入安全审计日志，"
            "按审计日志的保存期限（至少 %(audit_days)d 天）保存。"
        )
        % {
            "days": settings.OBJECTOR_DATA_RETENTION_DAYS,
            "audit_days": settings.AUDIT_RETENTION_DAYS,
        },
    )


def _contacts(user) -> list[str]:
    return [user.email, user.phone]


def _rows(user) -> list[dict]:
    return [
        {
            _("异议对象"): str(objection.candidate),
            _("提交时间"): when(objection.created_at),
            _("异议人姓名或单位"): objection.name,
            _("联系方式"): objection.contact,
            _("异议理由"): objection.grounds,
            _("状态"): objection.get_status_display(),
            _("认定意见"): objection.finding,
            _("同意个人信息处理说明时间"): when(objection.privacy_consent_at),
        }
        for objection in objections_of_person(contacts=_contacts(user))
    ]


def _erase(user, mode: str, actor) -> None:
    for objection in objections_of_person(contacts=_contacts(user)):
        objection_personal_data_purge(
            objection=objection, actor=actor, reason=_("本人要求删除个人信息")
        )


register(
    Section(
        key="objections",
        label=gettext_lazy("异议"),
        rows=_rows,
        erase=_erase,
        order=50,
    )
)
