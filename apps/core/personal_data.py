"""What the portal keeps about one person, app by app (PIPL art. 45 and 47: a copy on
request, deletion on request).

Each app lists its part in `apps/<app>/personal_data.py` with `register(Section(...))`
(discovered at start-up by CoreConfig.ready, so `core` never imports an app):

- `rows(user)`: the person's records in that part, each a dict of readable label → readable
  value, for the export;
- `obligations(user)`: readable reasons why the account must stay (a signed expert opinion,
  scores, the audit log's record of what the person did): an account with any is anonymised
  rather than deleted;
- `erase(user, mode, actor)`: remove the personal data of that part, `mode` being
  `DELETE` (the account is deleted next) or `ANONYMISE` (it stays, without personal data).

The services that use them are in `apps.accounts.privacy`. The audit log's own part is here:
entries about the account and entries the person made, kept as they are (append-only, at
least AUDIT_RETENTION_DAYS).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core.formatting import describe
from apps.core.models import AuditEntry

DELETE = "delete"
ANONYMISE = "anonymise"


def _none(user) -> list:
    return []


def _nothing(user, mode: str, actor) -> None:
    return None


@dataclass(frozen=True)
class Section:
    key: str
    label: Any  # a lazy translation
    rows: Callable[[Any], list[dict[str, Any]]]
    obligations: Callable[[Any], list[str]] = _none
    erase: Callable[[Any, str, Any], None] = _nothing
    order: int = 100


_SECTIONS: dict[str, Section] = {}


def register(section: Section) -> Section:
    _SECTIONS[section.key] = section
    return section


def sections() -> list[Section]:
    return sorted(_SECTIONS.values(), key=lambda section: (section.order, section.key))


def when(value) -> str:
    """A date or time as people read it in an export ("" when there is none)."""
    if value is None:
        return ""
    if hasattr(value, "hour"):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def yes_no(value: bool) -> str:
    return _("是") if value else _("否")


# ---------------------------------------------------------------- the audit log's part


def _entries(user):
    about = Q(content_type=ContentType.objects.get_for_model(type(user)), object_id=str(user.pk))
    return AuditEntry.objects.filter(about | Q(actor=user)).select_related("actor", "content_type")


def _audit_rows(user) -> list[dict[str, Any]]:
    rows = []
    for item in describe(_entries(user).order_by("created_at", "id")):
        entry = item["entry"]
        rows.append(
            {
                _("时间"): when(entry.created_at),
                _("操作人"): item["actor"] or _("系统"),
                _("操作"): item["action"],
                _("对象"): entry.object_repr,
                _("变更"): "；".join(
                    f"{label}：{old} → {new}" for label, old, new in item["changes"]
                ),
            }
        )
    return rows


def _audit_obligations(user) -> list[str]:
    count = AuditEntry.objects.filter(actor=user).count()
    if not count:
        return []
    return [
        _(
            "审计日志中有其操作记录 %(count)d 条：至少保存 %(days)d 天且不可删改，"
            "账户须保留（匿名化）"
        )
        % {"count": count, "days": settings.AUDIT_RETENTION_DAYS}
    ]


register(
    Section(
        key="audit",
        label=gettext_lazy("审计记录"),
        rows=_audit_rows,
        obligations=_audit_obligations,
        order=900,
    )
)
