"""A person's request about their data (PIPL art. 45 and 47), handled by the security
administrator on the person's account page (docs/security.md "Personal information"):

- `person_data_summary`: what each part holds and what must be kept;
- `person_data_export`: every part as JSON or CSV, audited (`account.personal_data_export`);
- `person_data_erase`: the person's data deleted, or, when records must be kept (signed expert
  opinions, scores, the audit log's record of what they did), the account anonymised and the
  personal data of each part removed; audited (`account.personal_data_erase`).

The parts come from each app's `personal_data.py` (apps/core/personal_data.py).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.models import ADMIN_SITE_ROLES
from apps.core import audit
from apps.core.imports.exporters import neutralise
from apps.core.personal_data import ANONYMISE, DELETE, sections
from apps.core.workflow import require

PERMISSION = "accounts.handle_personal_data"
FORMATS = ("json", "csv")


@dataclass
class Part:
    key: str
    label: str
    count: int
    obligations: list[str]


def person_data_summary(person) -> list[Part]:
    return [
        Part(
            key=section.key,
            label=str(section.label),
            count=len(section.rows(person)),
            obligations=section.obligations(person),
        )
        for section in sections()
    ]


def person_obligations(person) -> list[str]:
    return [reason for section in sections() for reason in section.obligations(person)]


def person_data_export(*, person, fmt: str, actor) -> tuple[str, str, bytes]:
    """(file name, content type, content) of everything the portal keeps about `person`."""
    require(actor, PERMISSION, superuser=True)
    if fmt not in FORMATS:
        raise ValidationError({"format": _("请选择 JSON 或 CSV")})
    parts = [(section, section.rows(person)) for section in sections()]
    stamp = timezone.localtime()
    name = f"personal-data-{person.pk}-{stamp:%Y%m%d}.{fmt}"
    if fmt == "json":
        document = {
            "exported_at": stamp.isoformat(timespec="seconds"),
            "sections": [
                {"key": section.key, "label": str(section.label), "records": rows}
                for section, rows in parts
            ],
        }
        content = json.dumps(document, ensure_ascii=False, indent=2).encode()
        content_type = "application/json"
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([_("部分"), _("记录"), _("项目"), _("内容")])
        for section, rows in parts:
            for number, row in enumerate(rows, start=1):
                for label, value in row.items():
                    writer.writerow(
                        [
                            neutralise(str(section.label)),
                            number,
                            neutralise(str(label)),
                            neutralise(str(value)),
                        ]
                    )
        content = buffer.getvalue().encode("utf-8-sig")  # Excel reads Chinese right
        content_type = "text/csv; charset=utf-8"
    audit.record(
        actor=actor,
        action="account.personal_data_export",
        target=person,
        changes={
            "format": [None, fmt.upper()],
            "sections": [None, [str(section.label) for section, _rows in parts]],
        },
    )
    return name, content_type, content


def _check_erasable(person, actor) -> None:
    if person.pk == actor.pk:
        raise ValidationError(_("不能删除自己的个人信息，请由另一位安全管理员办理"))
    if person.is_superuser or person.role in ADMIN_SITE_ROLES:
        raise ValidationError(
            _("管理员账户不能在此删除：请先由安全管理员把角色改为业务角色，再办理删除")
        )


def _erase_parts(person, mode: str, actor) -> None:
    # From the last part to the first: the account (first) is changed last, so each part
    # can still find the person's records by their e-mail and phone.
    for section in reversed(sections()):
        section.erase(person, mode, actor)


@transaction.atomic
def person_data_erase(*, person, actor, reason: str) -> str:
    """Delete the person's data; returns DELETE, or ANONYMISE when records must be kept (the
    obligations), or when the database refuses the deletion (a protected row)."""
    require(actor, PERMISSION, superuser=True)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请写明依据（如本人申请的日期和方式）")})
    person = type(person).objects.select_for_update().get(pk=person.pk)
    _check_erasable(person, actor)
    obligations = person_obligations(person)
    if not obligations:
        try:
            with transaction.atomic():
                _record(person, actor, reason, DELETE, obligations)
                _erase_parts(person, DELETE, actor)
                person.delete()
            return DELETE
        except (ProtectedError, RestrictedError, DatabaseError):
            person.refresh_from_db()
            obligations = [_("数据库中有引用该账户且须保留的记录")]
    _record(person, actor, reason, ANONYMISE, obligations)
    _erase_parts(person, ANONYMISE, actor)  # the account part anonymises the account last
    return ANONYMISE


def _record(person, actor, reason: str, mode: str, obligations: list[str]) -> None:
    audit.record(
        actor=actor,
        action="account.personal_data_erase",
        target=person,
        object_repr=_("已删除个人信息的账户"),
        changes={
            "outcome": [None, _("已删除") if mode == DELETE else _("已匿名化")],
            "reason": [None, reason],
            "obligations": [None, obligations],
        },
    )
