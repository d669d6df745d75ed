"""Experts' personal data: the roster's privacy notice, and an expert's part of a personal
data export or deletion (apps/core/personal_data.py)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from apps.core import audit
from apps.core.personal_data import DELETE, Section, register, when
from apps.core.privacy import PrivacyNotice
from apps.experts.enums import ExpertStatus
from apps.experts.models import Expert, ReviewMember

ANONYMOUS_NAME = "已匿名化的专家"


def roster_notice() -> PrivacyNotice:
    return PrivacyNotice(
        collected=_("专家的姓名、邮箱、联系电话、单位、职称、专业领域、利益冲突声明和评审意见。"),
        purpose=_(
            "建立和管理专家库，按专业领域随机抽取评审专家并回避利益冲突，通知和联系专家参加评审。"
            "专家姓名只在评审记录中出现，联系电话不公开。"
        ),
        access=_(
            "市场监管局工作人员和系统管理员（维护专家库）；专家本人；其他专家、企业和公众看不到联系电话。"
        ),
        retention=_(
            "聘任期间及解聘后评审记录须保留的期间；本人要求删除时，已提交评审意见的专家匿名化处理"
            "（意见保留，姓名和联系方式删除），其余删除。"
        ),
    )


def expert_of(user):
    """The expert record of this account: linked to it, or with its e-mail."""
    return (
        Expert.objects.filter(user=user).first()
        or Expert.objects.filter(email__iexact=user.email).first()
    )


def _rows(user) -> list[dict]:
    expert = expert_of(user)
    if expert is None:
        return []
    rows = [
        {
            _("姓名"): expert.name,
            _("邮箱"): expert.email,
            _("联系电话"): expert.phone,
            _("单位"): expert.organisation,
            _("单位统一社会信用代码"): expert.organisation_uscc,
            _("职称"): expert.title,
            _("专业领域"): "、".join(str(c) for c in expert.specialties.all()),
            _("角色"): expert.get_roles_display(),
            _("状态"): expert.get_status_display(),
            _("聘任日期"): when(expert.appointed_on),
            _("任期截止"): when(expert.term_ends_on),
            _("解聘日期"): when(expert.retired_on),
            _("同意个人信息处理说明时间"): when(expert.privacy_consent_at),
        }
    ]
    rows += [
        {_("利益冲突声明"): f"{c.organisation}（{c.uscc}）", _("原因"): c.reason}
        for c in expert.conflicts.all()
    ]
    rows += [
        {
            _("评审"): str(seat.review),
            _("意见"): seat.get_decision_display(),
            _("评审意见"): seat.comments,
            _("提交时间"): when(seat.decided_at),
        }
        for seat in ReviewMember.objects.filter(expert=expert).select_related("review")
    ]
    return rows


def _obligations(user) -> list[str]:
    expert = expert_of(user)
    if expert is None:
        return []
    seats = ReviewMember.objects.filter(expert=expert)
    given = seats.exclude(decision="").count()
    reasons = []
    if given:
        reasons.append(
            ngettext(
                "已提交的专家评审意见 %(count)d 条：评审记录须保留，专家匿名化",
                "已提交的专家评审意见 %(count)d 条：评审记录须保留，专家匿名化",
                given,
            )
            % {"count": given}
        )
    elif seats.exists():
        reasons.append(_("曾被抽取参加专家评审：评审记录须保留，专家匿名化"))
    return reasons


def _erase(user, mode: str, actor) -> None:
    expert = expert_of(user)
    if expert is None:
        return
    if mode == DELETE:
        audit.record(
            actor=actor,
            action="expert.personal_data_erase",
            target=expert,
            object_repr=ANONYMOUS_NAME,
            changes={"outcome": [None, _("已删除")]},
        )
        expert.delete()  # with its conflict declarations
        return
    fields = ["name", "email", "phone", "title", "status"]
    before = audit.snapshot(expert, fields)
    expert.conflicts.all().delete()
    expert.name = ANONYMOUS_NAME
    expert.email = f"anonymised-expert-{expert.pk}@leaders.invalid"
    expert.phone = expert.title = expert.recommendation = ""
    expert.privacy_consent_at = None
    if expert.status != ExpertStatus.RETIRED:  # never drawn again
        expert.status, expert.retired_on = ExpertStatus.RETIRED, timezone.localdate()
    expert.save()
    changes = audit.diff(before, audit.snapshot(expert, fields))
    for name in ("name", "email", "title"):  # what named the person stays out of the log
        if name in changes:
            changes[name] = [audit.masked(value) for value in changes[name]]
    audit.record(actor=actor, action="expert.personal_data_erase", target=expert, changes=changes)


register(
    Section(
        key="expert",
        label=gettext_lazy("专家"),
        rows=_rows,
        obligations=_obligations,
        erase=_erase,
        order=30,
    )
)
