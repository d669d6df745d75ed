"""Who is told when a key-area application or a scheme comes to wait on someone
(docs/notifications.md): bureau staff of what they must decide, the agency's evaluators of
what they must do next. Each is called inside the transaction of the step (apps.core.inbox)."""

import datetime

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from apps.accounts.selectors import bureau_staff
from apps.core import inbox
from apps.evaluators.enums import ApplicationStatus, SchemeStatus
from apps.evaluators.models import Agency, KeyAreaApplication, Scheme
from apps.experts.enums import Decision


def agency_users(agency: Agency):
    """The agency's active evaluator accounts."""
    return get_user_model().objects.filter(agency_membership__agency=agency, is_active=True)


def _key_area(application: KeyAreaApplication) -> str:
    return f"{application.key_area.year} {application.key_area.category.name}"


def applications_submitted(applications: list[KeyAreaApplication], *, agency: Agency) -> None:
    """New key-area applications wait on bureau staff."""
    inbox.notify_people(
        people=bureau_staff(),
        subject=gettext_lazy("重点领域申请待审核：%(agency)s"),
        body=gettext_lazy(
            "%(agency)s申请评估以下重点领域：%(areas)s。请审核机构资质后批准或不予批准。"
        ),
        values={
            "agency": agency.name,
            "areas": "、".join(_key_area(application) for application in applications),
        },
        path=reverse("evaluators:applications"),
    )


def application_decided(application: KeyAreaApplication) -> None:
    """Approved: the agency may now write the key area's scheme. Refused: with the reason."""
    approved = application.status == ApplicationStatus.APPROVED
    values = {"area": _key_area(application), "reason": application.refusal_reason}
    inbox.notify_people(
        people=agency_users(application.agency),
        subject=gettext_lazy("重点领域申请已批准：%(area)s")
        if approved
        else gettext_lazy("重点领域申请未获批准：%(area)s"),
        body=gettext_lazy(
            "贵机构评估“%(area)s”的申请已获批准，现在可以在评估机构工作台编制该领域的"
            "评估方案并提交评审。"
        )
        if approved
        else gettext_lazy("贵机构评估“%(area)s”的申请未获批准。理由：%(reason)s"),
        values=values,
        path=reverse("evaluators:workspace"),
    )


def _values(scheme: Scheme) -> dict:
    return {
        "scheme": str(scheme),
        "agency": scheme.agency.name,
        "year": scheme.year,
        "category": scheme.category.name,
        "reason": scheme.returned_reason,
        "ends": scheme.public_comment_ends_on or "",
    }


# After a scheme's status change, who it now waits on: (staff or the agency, the page where
# they act, subject, body). Submitted: staff review it; returned: the agency reworks it;
# approved: the agency's evaluators score under it.
STAFF, AGENCY = "staff", "agency"
SCHEME_MOVES = {
    SchemeStatus.SUBMITTED: (
        STAFF,
        "evaluators:staff_scheme",
        gettext_lazy("评估方案待审核：%(scheme)s"),
        gettext_lazy(
            "%(agency)s提交了评估方案“%(scheme)s”（%(year)s年 %(category)s），"
            "请审核后送专家评审或退回修改。"
        ),
    ),
    SchemeStatus.RETURNED: (
        AGENCY,
        "evaluators:scheme_edit",
        gettext_lazy("评估方案被退回修改：%(scheme)s"),
        gettext_lazy(
            "评估方案“%(scheme)s”被退回修改。理由：%(reason)s\n"
            "请在方案页面转回草稿，修改后重新提交。"
        ),
    ),
    SchemeStatus.APPROVED: (
        AGENCY,
        "evaluators:scoring",
        gettext_lazy("评估方案已批准：%(scheme)s"),
        gettext_lazy("评估方案“%(scheme)s”已批准，现在可以为参评的企业标准评分。"),
    ),
}


def scheme_moved(scheme: Scheme, *, to: str) -> None:
    """After a status change, tell whom the scheme now waits on (`SCHEME_MOVES`)."""
    if to not in SCHEME_MOVES:
        return
    who, page, subject, body = SCHEME_MOVES[to]
    inbox.notify_people(
        people=bureau_staff() if who == STAFF else agency_users(scheme.agency),
        subject=subject,
        body=body,
        values=_values(scheme),
        path=reverse(page, args=[scheme.pk]),
    )


def scheme_review_closed(scheme: Scheme, *, outcome: str) -> None:
    """The experts' opinions are all in: staff decide what follows (after the public
    comment, approve or return; a returned scheme's agency is told by `scheme_moved`)."""
    values = {**_values(scheme), "outcome": Decision(outcome).label}
    if outcome == Decision.APPROVE:
        body = gettext_lazy(
            "评估方案“%(scheme)s”的专家评审已结束（多数意见：%(outcome)s），已进入公开征求意见，"
            "至 %(ends)s 结束。征求意见期结束后请批准方案或退回修改。"
        )
    else:
        body = gettext_lazy(
            "评估方案“%(scheme)s”的专家评审已结束（多数意见：%(outcome)s），方案已退回评估机构"
            "修改。请在方案页面查看专家意见。"
        )
    inbox.notify_people(
        people=bureau_staff(),
        subject=gettext_lazy("评估方案专家评审已结束：%(scheme)s"),
        body=body,
        values=values,
        path=reverse("evaluators:staff_scheme", args=[scheme.pk]),
    )


def schemes_comment_ended(*, today: datetime.date | None = None) -> int:
    """Daily (beat `evaluators.tell_comment_ended`): each scheme whose public comment ended
    yesterday now waits on staff to approve or return it."""
    today = today or timezone.localdate()
    ended = list(
        Scheme.objects.filter(
            status=SchemeStatus.PUBLIC_COMMENT,
            public_comment_ends_on=today - datetime.timedelta(days=1),
        ).select_related("agency", "category")
    )
    for scheme in ended:
        values = {**_values(scheme), "comments": scheme.comments.count()}
        inbox.notify_people(
            people=bureau_staff(),
            subject=gettext_lazy("评估方案征求意见期已结束：%(scheme)s"),
            body=gettext_lazy(
                "评估方案“%(scheme)s”的公开征求意见已于 %(ends)s 结束，共收到 %(comments)s "
                "条意见。请批准方案或退回修改。"
            ),
            values=values,
            path=reverse("evaluators:staff_scheme", args=[scheme.pk]),
        )
    return len(ended)
