from decimal import Decimal

from django.db import transaction

from apps.catalog.models import Category, Indicator, KeyArea
from apps.core import audit


def _upsert(model, lookup: dict, fields: dict, *, actor, action: str):
    """Create or update one row by its natural key, auditing what changed."""
    obj = model.objects.select_for_update().filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **fields)
        obj.full_clean()
        obj.save()
        audit.record(
            actor=actor,
            action=f"{action}.create",
            target=obj,
            changes=audit.diff({}, audit.snapshot(obj, list(fields))),
        )
        return obj, True
    before = audit.snapshot(obj, list(fields))
    for name, value in fields.items():
        setattr(obj, name, value)
    changes = audit.diff(before, audit.snapshot(obj, list(fields)))
    if changes:
        obj.full_clean()
        obj.save()
        audit.record(actor=actor, action=f"{action}.update", target=obj, changes=changes)
    return obj, False


@transaction.atomic
def indicator_upsert(
    *,
    category: Category,
    code: str,
    name: str,
    direction: str,
    unit: str = "",
    national_value: Decimal | None = None,
    international_value: Decimal | None = None,
    national_mandatory: bool | None = None,
    actor=None,
) -> Indicator:
    fields = {
        "name": name,
        "unit": unit,
        "direction": direction,
        "national_value": national_value,
        "international_value": international_value,
    }
    if national_mandatory is not None:  # None: keep what staff set in the admin
        fields["national_mandatory"] = national_mandatory
    return _upsert(
        Indicator, {"category": category, "code": code}, fields, actor=actor, action="indicator"
    )[0]


@transaction.atomic
def key_area_ensure(*, year: int, category: Category, actor=None) -> KeyArea:
    return _upsert(
        KeyArea, {"year": year, "category": category}, {}, actor=actor, action="key_area"
    )[0]
