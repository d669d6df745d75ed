"""Expert reviews: the draw, the opinions and the majority, reminders and redrawn seats."""

import datetime
import random
import secrets
from collections import Counter

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.selectors import bureau_staff
from apps.catalog.models import Category
from apps.core import audit, inbox
from apps.core.workflow import require
from apps.experts import selectors
from apps.experts.enums import (
    DECISIONS_BY_KIND,
    DECISIONS_WITHOUT_COMMENTS,
    NO_MAJORITY,
    Decision,
    ExpertRole,
    ExpertStatus,
    ReviewKind,
    ReviewStatus,
)
from apps.experts.models import Expert, Review, ReviewMember
from apps.experts.signals import review_closed


def eligible_experts(*, category: Category, excluded_usccs: list[str]):
    """The draw's pool and exclusions: appointed committee experts with the specialty, by
    email; those with a conflict go to `excluded` with the reason."""
    candidates = (
        Expert.objects.filter(
            status=ExpertStatus.APPOINTED,
            roles__contains=[ExpertRole.COMMITTEE],
            specialties=category,
        )
        .order_by("email")
        .distinct()
    )
    conflicts = selectors.conflicts_by_uscc(usccs=excluded_usccs)
    pool, excluded = [], {}
    for expert in candidates:
        conflicted = sorted(uscc for uscc, ids in conflicts.items() if expert.pk in ids)
        if expert.organisation_uscc and expert.organisation_uscc in excluded_usccs:
            excluded[str(expert.pk)] = _("所在单位 %(uscc)s 与评审对象相关") % {
                "uscc": expert.organisation_uscc
            }
        elif conflicted:
            excluded[str(expert.pk)] = _("已声明与 %(uscc)s 存在利益冲突") % {"uscc": conflicted[0]}
        else:
            pool.append(expert)
    return pool, excluded


def draw(pool: list, size: int, seed: int) -> list:
    """The draw itself: reproducible from the seed and the pool order."""
    return random.Random(seed).sample(pool, size)


@transaction.atomic
def review_draw(
    *,
    target: models.Model,
    kind: str,
    title: str,
    category: Category,
    size: int,
    excluded_usccs: list[str],
    actor,
    seed: int | None = None,
) -> Review:
    """Draw `size` experts for a review of `target` and record the draw."""
    require(actor, "experts.manage_reviews")
    if size < 1:
        raise ValidationError({"size": _("抽取人数至少为1")})
    excluded_usccs = sorted({uscc for uscc in excluded_usccs if uscc})
    pool, excluded = eligible_experts(category=category, excluded_usccs=excluded_usccs)
    if len(pool) < size:
        raise ValidationError(
            _(
                "可抽取的专家不足：需要 %(size)d 名，类别“%(category)s”符合条件的已聘任专家"
                "只有 %(available)d 名（已回避 %(excluded)d 名）"
            )
            % {
                "size": size,
                "category": category.name,
                "available": len(pool),
                "excluded": len(excluded),
            }
        )
    seed = secrets.randbelow(2**31) if seed is None else seed
    chosen = draw(pool, size, seed)
    content_type = ContentType.objects.get_for_model(target)
    last_round = Review.objects.filter(content_type=content_type, object_id=target.pk).aggregate(
        last=Max("round")
    )["last"]
    review = Review.objects.create(
        kind=kind,
        content_type=content_type,
        object_id=target.pk,
        round=(last_round or 0) + 1,
        title=title[:300],
        category=category,
        size=size,
        seed=seed,
        pool=[expert.pk for expert in pool],
        excluded=excluded,
        excluded_usccs=excluded_usccs,
        drawn_by=actor,
    )
    deadline = _deadline()
    ReviewMember.objects.bulk_create(
        ReviewMember(review=review, expert=expert, position=position, deadline=deadline)
        for position, expert in enumerate(chosen, start=1)
    )
    _tell_drawn(review, chosen, deadline)
    audit.record(
        actor=actor,
        action="review.draw",
        target=review,
        changes={
            "seed": [None, seed],
            "pool": [None, review.pool],
            "drawn": [None, [expert.pk for expert in chosen]],
            "excluded": [None, excluded],
        },
    )
    return review


def majority(decisions: list[str], *, otherwise: str = Decision.REVISE) -> str:
    """The decision more than half of the experts gave; without such a majority,
    `otherwise` (a scheme or list goes back for revision; see `NO_MAJORITY`)."""
    decision, count = Counter(decisions).most_common(1)[0]
    return decision if count * 2 > len(decisions) else otherwise


@transaction.atomic
def opinion_give(*, member: ReviewMember, decision: str, comments: str, actor) -> ReviewMember:
    """A drawn expert gives (or, while the review is open, changes) an opinion. When the last
    opinion is in, the review closes with the majority outcome and `review_closed` is sent."""
    review = Review.objects.select_for_update().get(pk=member.review_id)
    member = ReviewMember.objects.select_for_update().select_related("expert").get(pk=member.pk)
    require(actor, "experts.give_opinion", member)
    if review.status != ReviewStatus.OPEN:
        raise ValidationError(_("该评审已结束，不能再提交意见"))
    if member.replaced_at is not None:
        raise ValidationError(_("答复期限已过，该评审席位已改抽其他专家"))
    if decision not in DECISIONS_BY_KIND[review.kind]:
        raise ValidationError({"decision": _("请选择评审意见")})
    comments = comments.strip()
    if decision not in DECISIONS_WITHOUT_COMMENTS and not comments:
        if review.kind == ReviewKind.OBJECTION:
            message = _("请写明认定异议成立或不成立的理由")
        else:
            message = _("选择“修改后再审”或“不同意”时须填写评审意见")
        raise ValidationError({"comments": message})
    before = audit.snapshot(member, ["decision", "comments"])
    member.decision, member.comments, member.decided_at = decision, comments, timezone.now()
    member.full_clean()
    member.save(update_fields=["decision", "comments", "decided_at", "updated_at"])
    audit.record(
        actor=actor,
        action="review.opinion",
        target=review,
        changes={
            "expert": [None, member.expert.email],
            **audit.diff(before, audit.snapshot(member, ["decision", "comments"])),
        },
    )
    decisions = list(
        review.members.filter(replaced_at__isnull=True).values_list("decision", flat=True)
    )
    if all(decisions):
        review.status = ReviewStatus.CLOSED
        review.outcome = majority(decisions, otherwise=NO_MAJORITY[review.kind])
        review.closed_at = timezone.now()
        review.save(update_fields=["status", "outcome", "closed_at", "updated_at"])
        audit.record(
            actor=actor,
            action="review.close",
            target=review,
            changes={
                "status": [ReviewStatus.OPEN, ReviewStatus.CLOSED],
                "outcome": [None, review.outcome],
            },
        )
        review_closed.send(sender=Review, review=review, actor=actor)
    return member


def _deadline():
    return timezone.localdate() + datetime.timedelta(days=settings.REVIEW_RESPONSE_DAYS)


def _tell_drawn(review: Review, experts_drawn, deadline) -> None:
    """Each drawn expert is told, with the deadline: by their account when they have one
    (also on their notifications page), else at the address the expert pool holds."""
    inbox.notify_people(
        people=[
            expert.user if expert.user_id and expert.user.is_active else expert.email
            for expert in experts_drawn
        ],
        subject=gettext_lazy("请参加专家评审：%(title)s"),
        body=gettext_lazy(
            "您已被随机抽取为“%(title)s”（%(kind)s）的评审专家，请于 %(deadline)s 前登录平台"
            "提交评审意见。如与评审对象存在利益冲突，请在专家工作台声明。"
        ),
        values={"title": review.title, "kind": ReviewKind(review.kind).label, "deadline": deadline},
        path=reverse("experts:review_opinion", args=[review.pk]),
    )


def overdue_seats(*, today=None):
    """Seats of open reviews whose deadline has passed with no opinion and no re-draw."""
    return ReviewMember.objects.filter(
        review__status=ReviewStatus.OPEN,
        decision="",
        replaced_at__isnull=True,
        deadline__lt=today or timezone.localdate(),
    ).select_related("review", "expert__user")


def reviews_remind_overdue(*, today=None) -> int:
    """The daily reminder: each drawn expert past the deadline, and bureau staff once per
    review, who may re-draw the seat (`review_seat_redraw`)."""
    seats = list(overdue_seats(today=today))
    for seat in seats:
        expert = seat.expert
        inbox.notify_people(
            people=[expert.user if expert.user_id and expert.user.is_active else expert.email],
            subject=gettext_lazy("评审意见已逾期：%(title)s"),
            body=gettext_lazy(
                "“%(title)s”的评审意见应于 %(deadline)s 前提交，目前尚未收到。请尽快提交。"
            ),
            values={"title": seat.review.title, "deadline": seat.deadline},
            path=reverse("experts:review_opinion", args=[seat.review_id]),
        )
    reviews = {seat.review_id: seat.review for seat in seats}
    staff = list(bureau_staff())
    for review in reviews.values():
        late = [seat.expert.name for seat in seats if seat.review_id == review.pk]
        inbox.notify_people(
            people=staff,
            subject=gettext_lazy("专家评审逾期：%(title)s"),
            body=gettext_lazy("以下专家未在期限内提交意见：%(names)s。可在评审页面改抽其他专家。"),
            values={"title": review.title, "names": "、".join(late)},
            path=reverse("experts:review_detail", args=[review.pk]),
        )
    return len(seats)


def seat_may_be_redrawn(member: ReviewMember, review: Review) -> bool:
    """What the re-draw button asks: the service checks the same again."""
    return (
        review.status == ReviewStatus.OPEN
        and member.replaced_at is None
        and not member.decision
        and member.deadline is not None
        and member.deadline < timezone.localdate()
    )


@transaction.atomic
def review_seat_redraw(*, member: ReviewMember, actor, seed: int | None = None) -> ReviewMember:
    """Replace a drawn expert who has not answered by the deadline with one drawn by the
    review's rule: the pool is recomputed (appointed committee experts of the category, the
    same exclusions and conflicts), less every expert already drawn for this review, sorted
    by email, and `random.Random(seed).sample(pool, 1)` draws one, with a fresh seed that is
    recorded on the new seat and in the audit log."""
    require(actor, "experts.manage_reviews")
    review = Review.objects.select_for_update().select_related("category").get(pk=member.review_id)
    member = ReviewMember.objects.select_for_update().select_related("expert").get(pk=member.pk)
    if not seat_may_be_redrawn(member, review):
        raise ValidationError(
            _("只有评审进行中、答复期限（%(deadline)s）已过且未提交意见的席位可以改抽")
            % {"deadline": member.deadline or "—"}
        )
    drawn = set(review.members.values_list("expert_id", flat=True))
    pool, _excluded = eligible_experts(
        category=review.category, excluded_usccs=review.excluded_usccs
    )
    pool = [expert for expert in pool if expert.pk not in drawn]
    if not pool:
        raise ValidationError(_("没有可改抽的专家：符合条件的专家都已抽取过或需回避"))
    seed = secrets.randbelow(2**31) if seed is None else seed
    [chosen] = draw(pool, 1, seed)
    member.replaced_at = timezone.now()
    member.save(update_fields=["replaced_at", "updated_at"])
    position = review.members.aggregate(last=Max("position"))["last"] + 1
    deadline = _deadline()
    seat = ReviewMember.objects.create(
        review=review, expert=chosen, position=position, deadline=deadline, seed=seed
    )
    audit.record(
        actor=actor,
        action="review.redraw",
        target=review,
        changes={
            "replaced": [member.expert.email, None],
            "drawn": [None, chosen.email],
            "seed": [None, seed],
            "pool": [None, [expert.pk for expert in pool]],
        },
    )
    _tell_drawn(review, [chosen], deadline)
    return seat
