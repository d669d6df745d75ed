"""Helpers the evaluators services share."""

import rules
from django.core.exceptions import PermissionDenied


def require(actor, perm: str, obj=None) -> None:
    if actor is not None and not rules.has_perm(perm, actor, obj):
        raise PermissionDenied
