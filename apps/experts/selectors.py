from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from apps.experts.enums import ReviewStatus
from apps.experts.models import Expert, ExpertConflict, Review, ReviewMember


def expert_of(user) -> Expert | None:
    if not user.is_authenticated:
        return None
    return Expert.objects.filter(user=user).first()


def conflicts_by_uscc(
    *, usccs: Iterable[str] | None = None, experts: Iterable[int] | None = None
) -> dict[str, set[int]]:
    """Declared conflicts of interest, the one definition every draw uses: an expert has a
    conflict with an organisation when the expert declared an `ExpertConflict` with its USCC.
    Returns {uscc: ids of the experts who declared one}, in one query; narrow it to some
    organisations (`usccs`) or to some experts (`experts`, e.g. the inspectors of a draw)."""
    conflicts = ExpertConflict.objects.all()
    if usccs is not None:
        conflicts = conflicts.filter(uscc__in=list(usccs))
    if experts is not None:
        conflicts = conflicts.filter(expert_id__in=list(experts))
    result: dict[str, set[int]] = {}
    for uscc, expert_id in conflicts.values_list("uscc", "expert_id"):
        result.setdefault(uscc, set()).add(expert_id)
    return result


def experts_for_staff() -> QuerySet[Expert]:
    return (
        Expert.objects.select_related("user")
        .prefetch_related("specialties")
        .order_by("status", "email")
    )


def seats_of(user) -> QuerySet[ReviewMember]:
    """The review seats an expert was drawn for; nothing else of the reviews is theirs."""
    return (
        ReviewMember.objects.filter(expert__user=user)
        .select_related("review", "review__category")
        .order_by("-review__created_at")
    )


def reviews_for_staff() -> QuerySet[Review]:
    return (
        Review.objects.select_related("category", "drawn_by")
        .annotate(
            opinions=Count("members", filter=~Q(members__decision="")),
            seats=Count("members", filter=Q(members__replaced_at__isnull=True)),
            overdue=Count(
                "members",
                filter=Q(
                    members__decision="",
                    members__replaced_at__isnull=True,
                    members__deadline__lt=timezone.localdate(),
                    status=ReviewStatus.OPEN,
                ),
            ),
        )
        .order_by("-created_at")
    )


def reviews_of_target(target) -> QuerySet[Review]:
    return (
        Review.objects.filter(
            content_type=ContentType.objects.get_for_model(target), object_id=target.pk
        )
        .prefetch_related("members__expert")
        .order_by("round")
    )


def review_comments(review: Review) -> str:
    """The drawn experts' written comments, one line each with the expert's name: the
    reasons a scheme or a candidate list is returned with."""
    return "\n".join(
        f"{member.expert.name}：{member.comments}"
        for member in review.members.select_related("expert").exclude(comments="")
    )
