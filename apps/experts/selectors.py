from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet

from apps.experts.models import Expert, Review, ReviewMember


def expert_of(user) -> Expert | None:
    if not user.is_authenticated:
        return None
    return Expert.objects.filter(user=user).first()


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
            seats=Count("members"),
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
