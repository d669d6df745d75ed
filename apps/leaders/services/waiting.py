"""Who is told when a candidate list or an objection comes to wait on someone
(docs/notifications.md): bureau staff of what they must decide next, the objector of the
finding. Enterprises hear of their candidacy through their own outbox (`notifications`).
Each is called inside the transaction of the step (apps.core.inbox)."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

from apps.accounts.selectors import bureau_staff
from apps.core import inbox
from apps.experts.enums import Decision
from apps.leaders.enums import OPEN_OBJECTION_STATUSES, CandidateListStatus, ObjectionStatus
from apps.leaders.models import CandidateList, Objection


def _list_values(candidate_list: CandidateList) -> dict:
    scheme = candidate_list.scheme
    return {
        "year": scheme.year,
        "category": scheme.category.name,
        "code": scheme.scheme_code,
        "reason": candidate_list.returned_reason,
        "start": candidate_list.notice_starts_on or "",
        "end": candidate_list.notice_ends_on or "",
    }


def schemes_ranked(schemes) -> None:
    """A compile gave these schemes candidates and none has a candidate list yet: staff
    make the lists (one message per compile)."""
    if not schemes:
        return
    inbox.notify_people(
        people=bureau_staff(),
        subject=gettext_lazy("排行榜已编制，待生成领跑者候选名单"),
        body=gettext_lazy(
            "以下方案的排行榜已编制并产生领跑者候选：%(schemes)s。"
            "请核对排行榜后生成候选名单并送专家评审。"
        ),
        values={
            "schemes": "、".join(f"{s.scheme_code}（{s.year} {s.category.name}）" for s in schemes)
        },
        path=reverse("leaders:staff_lists"),
    )


def list_review_closed(candidate_list: CandidateList) -> None:
    """The experts' opinions are all in: staff open the notice, or send a returned list to
    review again or withdraw it."""
    values = _list_values(candidate_list)
    if candidate_list.status == CandidateListStatus.REVIEWED:
        subject = gettext_lazy("候选名单专家评审通过：%(year)s年度“%(category)s”")
        body = gettext_lazy(
            "%(year)s年度“%(category)s”领跑者候选名单（方案 %(code)s）已通过专家评审，请开始公示。"
        )
    else:
        subject = gettext_lazy("候选名单专家评审未通过：%(year)s年度“%(category)s”")
        body = gettext_lazy(
            "%(year)s年度“%(category)s”领跑者候选名单（方案 %(code)s）未通过专家评审。"
            "专家意见：\n%(reason)s\n请处理后重新送专家评审，或撤回名单。"
        )
    inbox.notify_people(
        people=bureau_staff(),
        subject=subject,
        body=body,
        values=values,
        path=reverse("leaders:staff_list", args=[candidate_list.pk]),
    )


def notice_ended(candidate_list: CandidateList) -> None:
    """The notice is over: staff decide the open objections, then publish the list."""
    values = {
        **_list_values(candidate_list),
        "open": Objection.objects.filter(
            candidate__candidate_list=candidate_list, status__in=OPEN_OBJECTION_STATUSES
        ).count(),
    }
    inbox.notify_people(
        people=bureau_staff(),
        subject=gettext_lazy("候选名单公示期已结束：%(year)s年度“%(category)s”"),
        body=gettext_lazy(
            "%(year)s年度“%(category)s”领跑者候选名单的公示期（%(start)s 至 %(end)s）已结束，"
            "尚未处理完毕的异议 %(open)s 项。异议处理完毕后请发布领跑者名单。"
        ),
        values=values,
        path=reverse("leaders:staff_list", args=[candidate_list.pk]),
    )


def _objection_values(objection: Objection) -> dict:
    candidate = objection.candidate
    return {
        "candidate": f"{candidate.standard.enterprise.name} {candidate.standard.standard_no}",
        "name": objection.name,
        "year": candidate.candidate_list.scheme.year,
        "category": candidate.candidate_list.scheme.category.name,
        "finding": objection.finding,
    }


def _objector(objection: Objection):
    """The objector's account when the contact is the address of an active one, else the
    address itself (mail only); None when the contact is no e-mail address (a phone)."""
    address = objection.contact.strip()
    try:
        validate_email(address)
    except ValidationError:
        return None
    account = get_user_model().objects.filter(email__iexact=address, is_active=True).first()
    return account or address


def objection_filed(objection: Objection) -> None:
    """A new objection waits on staff; the objector gets a receipt at an e-mail contact."""
    values = _objection_values(objection)
    inbox.notify_people(
        people=bureau_staff(),
        subject=gettext_lazy("新的异议待处理：%(candidate)s"),
        body=gettext_lazy(
            "%(name)s对%(year)s年度“%(category)s”公示中的候选“%(candidate)s”提出异议。"
            "请核实后送专家评审。"
        ),
        values=values,
        path=reverse("leaders:staff_objection", args=[objection.pk]),
    )
    objector = _objector(objection)
    if objector is not None:
        inbox.notify_people(
            people=[objector],
            language=translation.get_language() or "",  # the objector is filing it now
            subject=gettext_lazy("异议已受理：%(candidate)s"),
            body=gettext_lazy(
                "您对候选“%(candidate)s”提出的异议已受理。市场监管局将组织专家评审后作出认定，"
                "届时将通知您认定结果。"
            ),
            values=values,
            path=reverse("leaders:notice_detail", args=[objection.candidate.candidate_list_id]),
        )


def objection_review_closed(objection: Objection, *, outcome: str) -> None:
    """The experts' answers are in: staff find the objection upheld or dismissed."""
    values = {**_objection_values(objection), "outcome": Decision(outcome).label}
    inbox.notify_people(
        people=bureau_staff(),
        subject=gettext_lazy("异议专家评审已完成，待认定：%(candidate)s"),
        body=gettext_lazy(
            "对候选“%(candidate)s”的异议（异议人：%(name)s）专家评审已完成，"
            "多数意见：%(outcome)s。请作出认定。"
        ),
        values=values,
        path=reverse("leaders:staff_objection", args=[objection.pk]),
    )


def objection_decided(objection: Objection) -> None:
    """The objector learns the finding, at their account or their e-mail contact."""
    objector = _objector(objection)
    if objector is None:
        return
    values = _objection_values(objection)
    upheld = objection.status == ObjectionStatus.UPHELD
    inbox.notify_people(
        people=[objector],
        subject=gettext_lazy("异议认定结果：%(candidate)s"),
        body=gettext_lazy(
            "经专家评审，您对候选“%(candidate)s”提出的异议成立，该候选已被取消。"
            "认定意见：%(finding)s"
        )
        if upheld
        else gettext_lazy(
            "经专家评审，您对候选“%(candidate)s”提出的异议不成立，该候选保留。认定意见：%(finding)s"
        ),
        values=values,
        path=reverse("leaders:notice_detail", args=[objection.candidate.candidate_list_id]),
    )
