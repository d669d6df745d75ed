"""Objections to a candidate during the notice: filing, expert review, the finding."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from apps.core import audit
from apps.core.workflow import SYSTEM, Workflow
from apps.declarations.validators import validate_pdf
from apps.experts.enums import ReviewKind
from apps.experts.services.reviews import review_draw
from apps.leaders import notifications
from apps.leaders.enums import (
    CandidateListStatus,
    CandidateStatus,
    NotificationKind,
    ObjectionStatus,
)
from apps.leaders.models import Candidate, CandidateList, Objection
from apps.leaders.services import waiting
from apps.leaders.services.candidate_lists import MANAGE_LISTS
from apps.leaders.services.common import is_user, require

# The objection's workflow, as data (status changes only in `_objection_set_status`).
OBJECTION = Workflow(
    "objection",
    ObjectionStatus,
    noun=pgettext_lazy("workflow", "异议"),
    transitions={
        (ObjectionStatus.OPEN, ObjectionStatus.EXPERT_REVIEW): MANAGE_LISTS,
        # The experts' answers are in (`objection_review_closed`).
        (ObjectionStatus.EXPERT_REVIEW, ObjectionStatus.REVIEWED): SYSTEM,
        (ObjectionStatus.REVIEWED, ObjectionStatus.UPHELD): MANAGE_LISTS,
        (ObjectionStatus.REVIEWED, ObjectionStatus.DISMISSED): MANAGE_LISTS,
        (ObjectionStatus.REVIEWED, ObjectionStatus.EXPERT_REVIEW): MANAGE_LISTS,
    },
)


@transaction.atomic
def objection_file(
    *,
    candidate: Candidate,
    name: str,
    contact: str,
    grounds: str,
    consented: bool,
    attachment=None,
    ip_address: str | None = None,
    today: date | None = None,
) -> Objection:
    """Anyone files an objection against an active candidate while the notice runs, having
    agreed to the form's privacy notice (`consented`; the time is kept on the objection)."""
    today = today or timezone.localdate()
    candidate = (
        Candidate.objects.select_for_update(of=("self",))
        .select_related("candidate_list", "standard__enterprise")
        .get(pk=candidate.pk)
    )
    candidate_list = candidate.candidate_list
    if not candidate_list.notice_running(today):
        raise ValidationError(_("该候选名单当前不在公示期内，不能提出异议"))
    if candidate.status != CandidateStatus.ACTIVE:
        raise ValidationError(_("该候选已被取消，不能再提出异议"))
    errors = {}
    if not consented:
        errors["privacy_consent"] = _("请阅读并同意个人信息处理说明后再提交")
    for field, value, label in (
        ("name", name, _("请填写异议人姓名或单位")),
        ("contact", contact, _("请填写联系方式，以便核实异议")),
        ("grounds", grounds, _("请填写异议理由")),
    ):
        if not (value or "").strip():
            errors[field] = label
    if attachment:
        try:
            validate_pdf(attachment)
        except ValidationError as error:
            errors["attachment"] = error.messages
    if errors:
        raise ValidationError(errors)
    objection = Objection(
        candidate=candidate,
        name=name.strip(),
        contact=contact.strip(),
        grounds=grounds.strip(),
        ip_address=ip_address,
        privacy_consent_at=timezone.now(),
    )
    # Checked before the file is stored, so a refused objection leaves no file behind.
    objection.full_clean(exclude=["attachment"])
    if attachment:
        objection.attachment.save("objection.pdf", attachment, save=False)
    objection.save()
    audit.record(
        actor=None,
        action="objection.file",
        target=objection,
        changes={"candidate": [None, str(candidate)], "ip_address": [None, ip_address]},
    )
    waiting.objection_filed(objection)
    return objection


def _objection_set_status(objection: Objection, to: str, *, actor, **fields) -> Objection:
    """The objection's one status-changing step (callers hold the row lock)."""
    old = objection.status
    OBJECTION.check(objection, to, actor)
    objection.status = to
    for name, value in fields.items():
        setattr(objection, name, value)
    objection.full_clean()
    objection.save(update_fields=["status", *fields, "updated_at"])
    audit.record(
        actor=actor,
        action=f"objection.{to}",
        target=objection,
        changes={"status": [old, to], **{k: [None, v] for k, v in fields.items()}},
    )
    return objection


@transaction.atomic
def objection_send_to_review(*, objection: Objection, size: int, actor, seed: int | None = None):
    """Assign the objection to drawn experts (none from the candidate's enterprise)."""
    require(actor, "leaders.manage_candidate_lists")
    objection = (
        Objection.objects.select_for_update(of=("self",))
        .select_related("candidate__standard__enterprise", "candidate__candidate_list__scheme")
        .get(pk=objection.pk)
    )
    if not OBJECTION.allows(objection.status, ObjectionStatus.EXPERT_REVIEW):
        raise ValidationError(
            _("异议“%(status)s”时不能送专家评审") % {"status": objection.get_status_display()}
        )
    scheme = objection.candidate.candidate_list.scheme
    review = review_draw(
        target=objection,
        kind=ReviewKind.OBJECTION,
        title=str(objection),
        category=scheme.category,
        size=size,
        excluded_usccs=[objection.candidate.standard.enterprise.uscc],
        actor=actor,
        seed=seed,
    )
    _objection_set_status(objection, ObjectionStatus.EXPERT_REVIEW, actor=actor)
    return review


def objection_review_closed(*, review, actor) -> None:
    objection = Objection.objects.select_for_update().get(pk=review.object_id)
    _objection_set_status(objection, ObjectionStatus.REVIEWED, actor=actor)
    waiting.objection_review_closed(objection, outcome=review.outcome)


@transaction.atomic
def objection_decide(
    *, objection: Objection, upheld: bool, finding: str, actor, today: date | None = None
) -> Objection:
    """Staff record the finding after the experts' review. Upheld: the candidate is removed,
    with the finding as the public reason. Dismissed: the candidate stays."""
    require(actor, "leaders.manage_candidate_lists")
    today = today or timezone.localdate()
    objection = (
        Objection.objects.select_for_update(of=("self",))
        .select_related("candidate__standard__enterprise", "candidate__candidate_list__scheme")
        .get(pk=objection.pk)
    )
    if objection.status != ObjectionStatus.REVIEWED:
        raise ValidationError(_("异议须经专家评审完成后才能认定"))
    finding = (finding or "").strip()
    if not finding:
        raise ValidationError({"finding": _("请填写认定意见（异议成立时作为取消候选的公开理由）")})
    # Lock the list too: a finding and a publication of the same list never interleave.
    candidate_list = CandidateList.objects.select_for_update().get(
        pk=objection.candidate.candidate_list_id
    )
    if candidate_list.status != CandidateListStatus.NOTICE:
        raise ValidationError(_("候选名单已不在公示阶段，不能再认定异议"))
    _objection_set_status(
        objection,
        ObjectionStatus.UPHELD if upheld else ObjectionStatus.DISMISSED,
        actor=actor,
        finding=finding,
        decided_at=timezone.now(),
        decided_by=actor if is_user(actor) else None,
    )
    if upheld:
        _candidate_remove(objection.candidate, reason=finding, actor=actor, today=today)
    waiting.objection_decided(objection)
    return objection


def _candidate_remove(candidate: Candidate, *, reason: str, actor, today: date) -> None:
    candidate = Candidate.objects.select_for_update(of=("self",)).get(pk=candidate.pk)
    if candidate.status == CandidateStatus.REMOVED:
        return
    candidate.status = CandidateStatus.REMOVED
    candidate.removed_on = today
    candidate.removal_reason = reason
    candidate.full_clean()
    candidate.save(update_fields=["status", "removed_on", "removal_reason"])
    audit.record(
        actor=actor,
        action="candidate.remove",
        target=candidate,
        changes={
            "status": [CandidateStatus.ACTIVE, CandidateStatus.REMOVED],
            "reason": [None, reason],
        },
    )
    standard = (
        Candidate.objects.select_related("standard__enterprise").get(pk=candidate.pk).standard
    )
    notifications.notify(
        enterprises=[standard.enterprise],
        kind=NotificationKind.REMOVED,
        subject=_("您企业的标准 %(no)s 被取消领跑者候选资格") % {"no": standard.standard_no},
        body=_("经异议处理，取消候选资格。理由：%(reason)s") % {"reason": reason},
        link=reverse("leaders:notice_detail", args=[candidate.candidate_list_id]),
    )
