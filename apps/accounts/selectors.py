from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import F, QuerySet


def invitations_pending(*, role: str | None = None) -> QuerySet:
    """Active accounts whose owner never set a password: not yet invited first, then the
    oldest invitations."""
    users = get_user_model().objects.filter(
        is_active=True, password__startswith=UNUSABLE_PASSWORD_PREFIX
    )
    if role:
        users = users.filter(role=role)
    return users.order_by(F("invited_at").asc(nulls_first=True), "email")
