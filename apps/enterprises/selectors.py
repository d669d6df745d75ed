from django.db.models import QuerySet

from apps.enterprises.enums import MembershipStatus, NameChangeStatus
from apps.enterprises.models import Enterprise, EnterpriseMembership, EnterpriseNameChange


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


def enterprises_public() -> QuerySet[Enterprise]:
    """Enterprises whose name may be shown: not those of a registration still unreviewed."""
    return Enterprise.objects.filter(is_public=True)


def name_changes_pending() -> QuerySet[EnterpriseNameChange]:
    return (
        EnterpriseNameChange.objects.filter(status=NameChangeStatus.PENDING)
        .select_related("enterprise", "requested_by")
        .order_by("created_at", "id")
    )


def name_change_pending_for(enterprise: Enterprise) -> EnterpriseNameChange | None:
    return EnterpriseNameChange.objects.filter(
        enterprise=enterprise, status=NameChangeStatus.PENDING
    ).first()
