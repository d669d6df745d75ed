from django.db.models import QuerySet

from apps.enterprises.enums import MembershipStatus
from apps.enterprises.models import Enterprise, EnterpriseMembership


def enterprise_of(user) -> Enterprise | None:
    """The enterprise an active enterprise user acts for, or None."""
    if not user.is_authenticated:
        return None
    membership = (
        EnterpriseMembership.objects.filter(user=user, status=MembershipStatus.ACTIVE)
        .select_related("enterprise")
        .first()
    )
    return membership.enterprise if membership else None


def memberships_pending() -> QuerySet[EnterpriseMembership]:
    return (
        EnterpriseMembership.objects.filter(status=MembershipStatus.PENDING)
        .select_related("user", "enterprise")
        .order_by("created_at")
    )
