from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import F, QuerySet

from apps.accounts.enums import Role


def invitations_pending(*, role: str | None = None) -> QuerySet:
    """Active accounts whose owner never set a password: not yet invited first, then the
    oldest invitations."""
    users = get_user_model().objects.filter(
        is_active=True, password__startswith=UNUSABLE_PASSWORD_PREFIX
    )
    if role:
        users = users.filter(role=role)
    return users.order_by(F("invited_at").asc(nulls_first=True), "email")


def bureau_staff(*, excluding=None) -> QuerySet:
    """Every active bureau staff account: who is told of a step that waits on the bureau;
    `excluding` a staff member whose own action it was (they are on the page already)."""
    staff = get_user_model().objects.filter(role=Role.BUREAU, is_active=True)
    if getattr(excluding, "pk", None) is not None:
        staff = staff.exclude(pk=excluding.pk)
    return staff.order_by("email")
