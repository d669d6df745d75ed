import random
import secrets
from collections import Counter

import rules
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.enums import Role
from apps.catalog.models import Category
from apps.core import audit
from apps.experts.enums import Decision, ExpertRole, ExpertStatus, ReviewStatus
from apps.experts.models import Expert, ExpertConflict, Review, ReviewMember
from apps.experts.signals import review_closed

User = get_user_model()

PROFILE_FIELDS = ["name", "organisation", "organisation_uscc", "title", "roles"]

# The expert's status workflow, as data.
EXPERT_TRANSITIONS = {
    ExpertStatus.RECOMMENDED: {ExpertStatus.APPOINTED, ExpertStatus.RETIRED},
    ExpertStatus.APPOINTED: {ExpertStatus.RETIRED},
    ExpertStatus.RETIRED: {ExpertStatus.APPOINTED},
}
# Moves back along it that only staff make, on the expert's page: re-appointing a retired
# expert. An import never moves a status back (CONTRACT.md §2).
EXPERT_MOVES_BACK = {(ExpertStatus.RETIRED, ExpertStatus.APPOINTED)}


def expert_transition_refused(current: str, target: str) -> str:
    """The message for a move `EXPERT_TRANSITIONS` does not allow: the page's and the
    import's (CONTRACT.md §2)."""
    return _("专家状态不能从“%(old)s”变为“%(new)s”") % {
        "old": ExpertStatus(current).label,
        "new": ExpertStatus(target).label,
    }


def _require(actor, perm: str, obj=None) -> None:
    if actor is not None and not rules.has_perm(perm, actor, obj):
        raise PermissionDenied


def _link_user(expert: Expert) -> None:
    """Link the expert to the expert account with the same email, if there is one."""
    if expert.user_id is None:
        user = User.objects.filter(email__iexact=expert.email, role=Role.EXPERT).first()
        if user is not None and not Expert.objects.filter(user=user).exists():
            expert.user = user


@transaction.atomic
def expert_save(
    *,
    email: str,
    name: str,
    organisation: str,
    organisation_uscc: str = "",
    title: str = "",
    specialties: list[Category] | None = None,
    roles: list[str] | None = None,
    status: str | None = None,
    recommendation: str = "",
    actor,
) -> tuple[Expert, bool]:
    """Create (recommend) or update an expert found by email. Returns (expert, created).

    A new expert starts `recommended` unless `status` says otherwise (imports record
    experts appointed elsewhere)."""
    _require(actor, "experts.manage_experts")
    email = email.strip().lower()
    roles = sorted(set(roles or [ExpertRole.COMMITTEE]))
    expert = Expert.objects.select_for_update().filter(email=email).first()
    created = expert is None
    before = {} if created else audit.snapshot(expert, [*PROFILE_FIELDS, "status"])
    if created:
        expert = Expert(email=email, recommended_by=actor if actor else None)
        expert.recommendation = recommendation
        expert.status = status or ExpertStatus.RECOMMENDED
        if expert.status == ExpertStatus.APPOINTED:
            expert.appointed_on = timezone.localdate()
    elif status and status != expert.status:
        _check_transition(expert.status, status)
        expert.status = status
    expert.name, expert.organisation = name, organisation
    expert.organisation_uscc, expert.title, expert.roles = organisation_uscc, title, roles
    _link_user(expert)
    expert.full_clean()
    expert.save()
    old_specialties = set() if created else set(expert.specialties.values_list("code", flat=True))
    if specialties is not None:
        expert.specialties.set(specialties)
    changes = audit.diff(before, audit.snapshot(expert, [*PROFILE_FIELDS, "status"]))
    new_specialties = set(expert.specialties.values_list("code", flat=True))
    if new_specialties != old_specialties:
        changes["specialties"] = [sorted(old_specialties), sorted(new_specialties)]
    if created or changes:
        audit.record(
            actor=actor,
            action="expert.recommend" if created else "expert.update",
            target=expert,
            changes=changes,
        )
    return expert, created


def _check_transition(current: str, target: str) -> None:
    if target not in EXPERT_TRANSITIONS[current]:
        raise ValidationError(expert_transition_refused(current, target))


@transaction.atomic
def expert_set_status(
    *,
    expert: Expert,
    status: str,
    actor,
    appointed_on=None,
    term_ends_on=None,
) -> Expert:
    """The expert's one status-changing service: appoint (with the term) or retire."""
    _require(actor, "experts.manage_experts")
    expert = Expert.objects.select_for_update().get(pk=expert.pk)
    _check_transition(expert.status, status)
    before = audit.snapshot(expert, ["status", "appointed_on", "term_ends_on", "retired_on"])
    expert.status = status
    if status == ExpertStatus.APPOINTED:
        expert.appointed_on = appointed_on or timezone.localdate()
        expert.term_ends_on = term_ends_on
        expert.retired_on = None
    else:
        expert.retired_on = timezone.localdate()
    expert.full_clean()
    expert.save(
        update_fields=["status", "appointed_on", "term_ends_on", "retired_on", "updated_at"]
    )
    audit.record(
        actor=actor,
        action=f"expert.{status}",
        target=expert,
        changes=audit.diff(
            before, audit.snapshot(expert, ["status", "appointed_on", "term_ends_on", "retired_on"])
        ),
    )
    return expert


@transaction.atomic
def conflict_declare(*, expert: Expert, uscc: str, organisation: str, reason: str, actor):
    """An expert declares a conflict of interest with an organisation."""
    if actor is not None and actor.pk != expert.user_id:
        _require(actor, "experts.manage_experts")
    conflict = ExpertConflict(
        expert=expert, uscc=uscc.strip().upper(), organisation=organisation, reason=reason
    )
    if ExpertConflict.objects.filter(expert=expert, uscc=conflict.uscc).exists():
        raise ValidationError({"uscc": _("已声明过与该单位的利益冲突")})
    conflict.full_clean()
    conflict.save()
    audit.record(
        actor=actor,
        action="expert.conflict_declare",
        target=expert,
        changes={"conflict": [None, f"{conflict.uscc} {organisation}: {reason}"]},
    )
    return conflict


def eligible_experts(*, category: Category, excluded_usccs: list[str]):
    """The draw's pool and exclusions: appointed committee experts with the specialty, by
    email; those with a conflict go to `excluded` with the reason."""
    candidates = (
        Expert.objects.filter(
            status=ExpertStatus.APPOINTED,
            roles__contains=[ExpertRole.COMMITTEE],
            specialties=category,
        )
        .prefetch_related(
            models.Prefetch(
                "conflicts",
                queryset=ExpertConflict.objects.filter(uscc__in=excluded_usccs),
                to_attr="relevant_conflicts",
            )
        )
        .order_by("email")
        .distinct()
    )
    pool, excluded = [], {}
    for expert in candidates:
        if expert.organisation_uscc and expert.organisation_uscc in excluded_usccs:
            excluded[str(expert.pk)] = _("所在单位 %(uscc)s 与评审对象相关") % {
                "uscc": expert.organisation_uscc
            }
        elif expert.relevant_conflicts:
            excluded[str(expert.pk)] = _("已声明与 %(uscc)s 存在利益冲突") % {
                "uscc": expert.relevant_conflicts[0].uscc
            }
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
    _require(actor, "experts.manage_reviews")
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
    ReviewMember.objects.bulk_create(
        ReviewMember(review=review, expert=expert, position=position)
        for position, expert in enumerate(chosen, start=1)
    )
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


def majority(decisions: list[str]) -> str:
    """The decision more than half of the experts gave; without such a majority the object
    goes back for revision (`revise`)."""
    decision, count = Counter(decisions).most_common(1)[0]
    return decision if count * 2 > len(decisions) else Decision.REVISE


@transaction.atomic
def opinion_give(*, member: ReviewMember, decision: str, comments: str, actor) -> ReviewMember:
    """A drawn expert gives (or, while the review is open, changes) an opinion. When the last
    opinion is in, the review closes with the majority outcome and `review_closed` is sent."""
    review = Review.objects.select_for_update().get(pk=member.review_id)
    member = ReviewMember.objects.select_for_update().select_related("expert").get(pk=member.pk)
    _require(actor, "experts.give_opinion", member)
    if review.status != ReviewStatus.OPEN:
        raise ValidationError(_("该评审已结束，不能再提交意见"))
    if decision not in Decision.values:
        raise ValidationError({"decision": _("请选择评审意见")})
    comments = comments.strip()
    if decision != Decision.APPROVE and not comments:
        raise ValidationError({"comments": _("选择“修改后再审”或“不同意”时须填写评审意见")})
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
    decisions = list(review.members.values_list("decision", flat=True))
    if all(decisions):
        review.status, review.outcome = ReviewStatus.CLOSED, majority(decisions)
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
