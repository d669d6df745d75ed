"""Helpers the leaders services share."""

from django.core.exceptions import PermissionDenied


def is_user(actor) -> bool:
    return bool(getattr(actor, "is_authenticated", False))


def require(actor, perm: str, obj=None) -> None:
    if actor is not None and not actor.has_perm(perm, obj):
        raise PermissionDenied
