"""Candidate lists: snapshot → expert review → public notice → publication."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from apps.core import audit, signals
from apps.core.workflow import SYSTEM, Workflow
from apps.evaluators.models import Scheme
from apps.experts.enums import Decision, ReviewKind
from apps.experts.selectors import review_comments
from apps.experts.services.reviews import review_draw
from apps.leaders import notifications
from apps.leaders.enums import (
    OPEN_OBJECTION_STATUSES,
    CandidateListStatus,
    CandidateStatus,
    NotificationKind,
)
from apps.leaders.models import Candidate, CandidateList, Leader, Objection, Ranking
from apps.leaders.services import waiting
from apps.leaders.services.common import is_user, require
from apps.leaders.services.titles import leader_valid_until

# The candidate list's workflow, as data. Every status change goes through
# `candidate_list_transition`; `_guard` holds the refusals that depend on more than the
# current status.
MANAGE_LISTS = "leaders.manage_candidate_lists"
CANDIDATE_LIST = Workflow(
    "candidate_list",
    CandidateListStatus,
    noun=pgettext_lazy("workflow", "候选名单"),
    transitions={
        (CandidateListStatus.DRAFT, CandidateListStatus.EXPERT_REVIEW): MANAGE_LISTS,
        (CandidateListStatus.DRAFT, CandidateListStatus.WITHDRAWN): MANAGE_LISTS,
        # The experts' majority moves it on (`candidate_list_review_closed`).
        (CandidateListStatus.EXPERT_REVIEW, CandidateListStatus.REVIEWED): SYSTEM,
        (CandidateListStatus.EXPERT_REVIEW, CandidateListStatus.RETURNED): SYSTEM,
        (CandidateListStatus.RETURNED, CandidateListStatus.EXPERT_REVIEW): MANAGE_LISTS,
        (CandidateListStatus.RETURNED, CandidateListStatus.WITHDRAWN): MANAGE_LISTS,
        (CandidateListStatus.REVIEWED, CandidateListStatus.NOTICE): MANAGE_LISTS,
        (CandidateListStatus.REVIEWED, CandidateListStatus.WITHDRAWN): MANAGE_LISTS,
        (CandidateListStatus.NOTICE, CandidateListStatus.PUBLISHED): MANAGE_LISTS,
        (CandidateListStatus.NOTICE, CandidateListStatus.WITHDRAWN): MANAGE_LISTS,
    },
)


@transaction.atomic
def candidate_list_create(*, scheme, actor) -> CandidateList:
    """Snapshot the candidates of the scheme's current ranking. Recompiling later never
    changes the list, and keeps the ranking it was made from."""
    require(actor, "leaders.manage_candidate_lists")

    scheme = Scheme.objects.select_for_update().select_related("category").get(pk=scheme.pk)
    ranking = Ranking.objects.filter(scheme=scheme, is_current=True).first()
    if ranking is None:
        raise ValidationError(
            _("方案 %(code)s 尚未编制排行榜，请先编制") % {"code": scheme.scheme_code}
        )
    live = CandidateList.objects.filter(scheme=scheme).exclude(status=CandidateListStatus.WITHDRAWN)
    if live.exists():
        raise ValidationError(
            _("方案 %(code)s 已有候选名单（%(status)s），撤回后才能重新生成")
            % {"code": scheme.scheme_code, "status": live.first().get_status_display()}
        )
    entries = list(ranking.entries.filter(candidate=True).select_related("standard__enterprise"))
    if not entries:
        raise ValidationError(
            _("排行榜中没有领跑者候选（参评企业不足 %(n)d 家或无标准达到条件），不能生成候选名单")
            % {"n": scheme.min_participants}
        )
    candidate_list = CandidateList.objects.create(
        scheme=scheme, ranking=ranking, created_by=actor if is_user(actor) else None
    )
    Candidate.objects.bulk_create(
        Candidate(
            candidate_list=candidate_list,
            standard=entry.standard,
            position=position,
            rank=entry.rank,
            score=entry.score,
            tiers=entry.tiers or {},
        )
        for position, entry in enumerate(entries, start=1)
    )
    audit.record(
        actor=actor,
        action="candidate_list.create",
        target=candidate_list,
        changes={
            "ranking": [None, ranking.pk],
            "candidates": [None, [e.standard.standard_no for e in entries]],
        },
    )
    notifications.notify(
        enterprises=_distinct_enterprises(e.standard for e in entries),
        kind=NotificationKind.CANDIDATE,
        subject=_("您企业的标准列入%(year)s年度“%(category)s”领跑者候选名单")
        % {"year": scheme.year, "category": scheme.category.name},
        body=_(
            "根据方案 %(code)s 的排行榜，您企业的标准列入领跑者候选名单。候选名单将经专家评审"
            "和公示，公示无异议后发布领跑者名单。"
        )
        % {"code": scheme.scheme_code},
        link=reverse("leaders:ranking_detail", args=[scheme.scheme_code]),
    )
    return candidate_list


def _distinct_enterprises(standards) -> list:
    seen = {}
    for standard in standards:
        seen.setdefault(standard.enterprise_id, standard.enterprise)
    return list(seen.values())


def _guard(candidate_list: CandidateList, target: str, today: date) -> None:
    """Refusals beyond the transition table, each with its own message."""
    active = candidate_list.candidates.filter(status=CandidateStatus.ACTIVE)
    if target == CandidateListStatus.NOTICE and not active.exists():
        raise ValidationError(_("候选名单中没有候选，不能公示"))
    if target == CandidateListStatus.PUBLISHED:
        if today <= candidate_list.notice_ends_on:
            raise ValidationError(
                _("公示期至 %(end)s，公示期内不能发布名单")
                % {"end": candidate_list.notice_ends_on.isoformat()}
            )
        open_objections = Objection.objects.filter(
            candidate__candidate_list=candidate_list, status__in=OPEN_OBJECTION_STATUSES
        ).count()
        if open_objections:
            raise ValidationError(
                _("还有 %(n)d 项异议尚未处理完毕，不能发布名单") % {"n": open_objections}
            )
        if not active.exists():
            raise ValidationError(_("所有候选均已取消，没有可发布的领跑者"))
        taken = list(
            Leader.objects.filter(
                year=candidate_list.scheme.year,
                standard__in=active.values("standard"),
            ).values_list("standard__standard_no", flat=True)
        )
        if taken:
            raise ValidationError(
                _("以下标准已是 %(year)d 年度领跑者，不能重复发布：%(numbers)s")
                % {"year": candidate_list.scheme.year, "numbers": "、".join(sorted(taken))}
            )


@transaction.atomic
def candidate_list_transition(
    *,
    candidate_list: CandidateList,
    to: str,
    actor,
    reason: str = "",
    today: date | None = None,
) -> CandidateList:
    """The candidate list's one status-changing service. The row lock makes two staff acting
    at once run one after the other: the second sees the new status and is refused, so a
    list is never published twice."""
    today = today or timezone.localdate()
    candidate_list = (
        CandidateList.objects.select_for_update(of=("self",))
        .select_related("scheme__category")
        .get(pk=candidate_list.pk)
    )
    old = candidate_list.status
    CANDIDATE_LIST.check(candidate_list, to, actor)
    _guard(candidate_list, to, today)
    fields = ["status"]
    changes: dict = {"status": [old, to]}
    if to == CandidateListStatus.NOTICE:
        candidate_list.notice_starts_on = today
        candidate_list.notice_ends_on = today + timedelta(
            days=candidate_list.scheme.notice_days - 1
        )
        fields += ["notice_starts_on", "notice_ends_on"]
    elif to == CandidateListStatus.RETURNED:
        candidate_list.returned_reason = reason
        fields.append("returned_reason")
    elif to == CandidateListStatus.WITHDRAWN:
        if not reason.strip():
            raise ValidationError({"reason": _("撤回候选名单必须填写理由")})
        candidate_list.withdrawn_reason = reason.strip()
        fields.append("withdrawn_reason")
    elif to == CandidateListStatus.PUBLISHED:
        candidate_list.published_on = today
        fields.append("published_on")
    candidate_list.status = to
    for name in fields[1:]:
        changes[name] = [None, getattr(candidate_list, name)]
    candidate_list.full_clean()
    candidate_list.save(update_fields=[*fields, "updated_at"])
    audit.record(actor=actor, action=f"candidate_list.{to}", target=candidate_list, changes=changes)
    if to == CandidateListStatus.NOTICE:
        _notify_list(candidate_list, NotificationKind.NOTICE_START)
        _announce_notice(candidate_list, actor=actor)
    elif to == CandidateListStatus.PUBLISHED:
        _notice_end(candidate_list)
        leaders = _publish_leaders(candidate_list, actor=actor, today=today)
        _announce_publication(candidate_list, leaders, actor=actor)
    return candidate_list


def _list_title(candidate_list: CandidateList) -> str:
    scheme = candidate_list.scheme
    return _("%(year)d 年度%(category)s企业标准领跑者") % {
        "year": scheme.year,
        "category": scheme.category.name,
    }


def _announce_notice(candidate_list: CandidateList, *, actor) -> None:
    """Tell the apps above (news) that a notice opened: core.signals.notice_opened."""
    signals.notice_opened.send(
        sender=CandidateList,
        instance=candidate_list,
        year=candidate_list.scheme.year,
        title=_("%(title)s候选名单") % {"title": _list_title(candidate_list)},
        url=reverse("leaders:notice_detail", args=[candidate_list.pk]),
        opens_on=candidate_list.notice_starts_on,
        closes_on=candidate_list.notice_ends_on,
        actor=actor if is_user(actor) else None,
    )


def _announce_publication(candidate_list: CandidateList, leaders: list, *, actor) -> None:
    """Tell the apps above (news, incentives, statistics): core.signals.leader_list_published."""
    scheme = candidate_list.scheme
    signals.leader_list_published.send(
        sender=CandidateList,
        instance=candidate_list,
        year=scheme.year,
        title=_("%(title)s名单") % {"title": _list_title(candidate_list)},
        url=f"{reverse('leaders:leader_list')}?year={scheme.year}",
        published_on=candidate_list.published_on,
        leader_count=len(leaders),
        actor=actor if is_user(actor) else None,
    )


def _publish_leaders(candidate_list: CandidateList, *, actor, today: date) -> list[Leader]:
    scheme = candidate_list.scheme
    candidates = list(
        candidate_list.candidates.filter(status=CandidateStatus.ACTIVE).select_related(
            "standard__enterprise"
        )
    )
    leaders = Leader.objects.bulk_create(
        Leader(
            year=scheme.year,
            category=scheme.category,
            standard=candidate.standard,
            rank=candidate.rank,
            score=candidate.score,
            published_on=today,
            valid_until=leader_valid_until(today),
            candidate=candidate,
        )
        for candidate in candidates
    )
    for leader, candidate in zip(leaders, candidates, strict=True):
        audit.record(
            actor=actor,
            action="leader.publish",
            target=leader,
            changes={
                "standard": [None, candidate.standard.standard_no],
                "valid_until": [None, leader.valid_until],
            },
        )
        notifications.notify(
            enterprises=[candidate.standard.enterprise],
            kind=NotificationKind.PUBLISHED,
            subject=_("恭喜！您企业的标准入选%(year)s年度企业标准领跑者名单")
            % {"year": scheme.year},
            body=_(
                "您企业标准 %(no)s 入选 %(year)s 年度“%(category)s”企业标准领跑者名单，"
                "有效期至 %(until)s。证书和验证码见领跑者页面。"
            )
            % {
                "no": candidate.standard.standard_no,
                "year": scheme.year,
                "category": scheme.category.name,
                "until": leader.valid_until,
            },
            link=reverse("leaders:leader_detail", args=[leader.verification_code]),
        )
    return leaders


def _notify_list(candidate_list: CandidateList, kind: str) -> None:
    scheme = candidate_list.scheme
    standards = [
        c.standard
        for c in candidate_list.candidates.filter(status=CandidateStatus.ACTIVE).select_related(
            "standard__enterprise"
        )
    ]
    values = {
        "year": scheme.year,
        "category": scheme.category.name,
        "start": candidate_list.notice_starts_on,
        "end": candidate_list.notice_ends_on,
    }
    if kind == NotificationKind.NOTICE_START:
        subject = _("%(year)s年度“%(category)s”领跑者候选名单开始公示") % values
        body = _("候选名单公示期为 %(start)s 至 %(end)s。公示期内任何人可对候选提出异议。") % values
    else:
        subject = _("%(year)s年度“%(category)s”领跑者候选名单公示结束") % values
        body = _("公示期（%(start)s 至 %(end)s）已结束，异议处理完毕后将发布领跑者名单。") % values
    notifications.notify(
        enterprises=_distinct_enterprises(standards),
        kind=kind,
        subject=subject,
        body=body,
        link=reverse("leaders:notice_detail", args=[candidate_list.pk]),
    )


def _notice_end(candidate_list: CandidateList) -> None:
    if not candidate_list.notice_end_notified:
        _notify_list(candidate_list, NotificationKind.NOTICE_END)
        candidate_list.notice_end_notified = True
        candidate_list.save(update_fields=["notice_end_notified", "updated_at"])


@transaction.atomic
def notices_close(*, today: date | None = None) -> int:
    """Daily: tell the candidates of every notice that has ended (once per list)."""
    today = today or timezone.localdate()
    ended = list(
        CandidateList.objects.select_for_update(of=("self",))
        .select_related("scheme__category")
        .filter(
            status=CandidateListStatus.NOTICE,
            notice_ends_on__lt=today,
            notice_end_notified=False,
        )
    )
    for candidate_list in ended:
        _notice_end(candidate_list)
        audit.record(actor=None, action="candidate_list.notice_end", target=candidate_list)
        waiting.notice_ended(candidate_list)
    return len(ended)


@transaction.atomic
def candidate_list_send_to_review(
    *, candidate_list: CandidateList, size: int, actor, seed: int | None = None
):
    """Draw experts for the list's review. Experts from a candidate's enterprise or the
    evaluating agency, or who declared a conflict with one, are never drawn."""
    require(actor, "leaders.manage_candidate_lists")
    candidate_list = CandidateList.objects.select_related("scheme__category", "scheme__agency").get(
        pk=candidate_list.pk
    )
    if not CANDIDATE_LIST.allows(candidate_list.status, CandidateListStatus.EXPERT_REVIEW):
        raise ValidationError(
            _("候选名单“%(status)s”时不能送专家评审")
            % {"status": candidate_list.get_status_display()}
        )
    usccs = list(
        candidate_list.candidates.values_list("standard__enterprise__uscc", flat=True).distinct()
    )
    review = review_draw(
        target=candidate_list,
        kind=ReviewKind.CANDIDATE_LIST,
        title=str(candidate_list),
        category=candidate_list.scheme.category,
        size=size,
        excluded_usccs=[*usccs, candidate_list.scheme.agency.uscc],
        actor=actor,
        seed=seed,
    )
    candidate_list_transition(
        candidate_list=candidate_list, to=CandidateListStatus.EXPERT_REVIEW, actor=actor
    )
    return review


def candidate_list_review_closed(*, review, actor) -> None:
    """The experts' majority decides: approve → reviewed (ready for notice); otherwise the
    list is returned with the experts' comments."""
    candidate_list = CandidateList.objects.get(pk=review.object_id)
    if review.outcome == Decision.APPROVE:
        candidate_list = candidate_list_transition(
            candidate_list=candidate_list, to=CandidateListStatus.REVIEWED, actor=actor
        )
    else:
        candidate_list = candidate_list_transition(
            candidate_list=candidate_list,
            to=CandidateListStatus.RETURNED,
            actor=actor,
            reason=review_comments(review) or _("专家评审未通过"),
        )
    waiting.list_review_closed(candidate_list)
