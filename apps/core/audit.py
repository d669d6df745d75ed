"""The audit log's write side: services call `record`; nobody else writes AuditEntry."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from apps.core.crypto import MASK, EncryptedTextField
from apps.core.models import AuditEntry


def _plain(value: Any) -> Any:
    """JSON-safe form of a field value."""
    if isinstance(value, (list, tuple, models.QuerySet)):  # many-to-many values
        return [_plain(item) for item in value]
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, (Decimal, date, datetime)):
        return str(value)
    if hasattr(value, "name") and hasattr(value, "storage"):  # FieldFile
        return value.name or ""
    return value


def is_personal(model, name: str) -> bool:
    """An encrypted personal field: the audit log says that it changed, never its value
    (the log is kept for years and read by the audit administrator)."""
    try:
        return isinstance(model._meta.get_field(name), EncryptedTextField)
    except FieldDoesNotExist:  # a form-only field, a property
        return False


class Masked(str):
    """An encrypted field's value in a snapshot: reads and is stored as ****** ("" when
    empty), yet compares by the hidden value, so `diff` still sees that it changed."""

    def __new__(cls, secret):
        masked = super().__new__(cls, MASK if secret else "")
        masked.secret = secret
        return masked

    def __eq__(self, other):
        if isinstance(other, Masked):
            return self.secret == other.secret
        return str.__eq__(self, other)

    def __ne__(self, other):
        return not self == other

    __hash__ = str.__hash__


def masked(value: Any) -> Any:
    return Masked(value)


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    return {
        name: masked(getattr(instance, name))
        if is_personal(type(instance), name)
        else _plain(getattr(instance, name))
        for name in fields
    }


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for every field whose value changed."""
    return {
        name: [before.get(name), after.get(name)]
        for name in after
        if before.get(name) != after.get(name)
    }


def record(
    *,
    actor,
    action: str,
    target: models.Model,
    changes: dict[str, Any] | None = None,
    object_repr: str | None = None,
) -> AuditEntry:
    """`object_repr` replaces `str(target)` where that would name a person whose data is
    being deleted."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        content_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        object_id=str(target.pk),
        object_repr=(str(target) if object_repr is None else object_repr)[:255],
        changes={key: _plain_pair(value) for key, value in (changes or {}).items()},
    )


def record_event(
    *,
    actor,
    action: str,
    target: models.Model | None = None,
    subject: str = "",
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """A security event (a sign-in, a refused request, an export): about `target`, else about
    the signed-in actor, else, when there is no row to name (a failed sign-in for an unknown
    address, a request refused to an anonymous visitor), filed under the accounts' type
    without an object id, `subject` saying what it is about."""
    if target is None and getattr(actor, "is_authenticated", False):
        target = actor
    if target is not None:
        return record(actor=actor, action=action, target=target, changes=changes)
    return AuditEntry.objects.create(
        actor=None,
        action=action,
        content_type=ContentType.objects.get_for_model(get_user_model()),
        object_id="",
        object_repr=subject[:255],
        changes={key: _plain_pair(value) for key, value in (changes or {}).items()},
    )


def _plain_pair(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return _plain(value)


def history_for(target: models.Model):
    return AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(target, for_concrete_model=False),
        object_id=str(target.pk),
    ).select_related("actor", "content_type")
