"""Leader titles: the title workflow, revocation, expiry and the validity period."""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from apps.core import audit, signals
from apps.core.workflow import SYSTEM, Workflow
from apps.leaders import notifications
from apps.leaders.enums import LeaderStatus, NotificationKind
from apps.leaders.models import Leader
from apps.leaders.services.common import is_user

# The leader title's workflow, as data: staff revoke (by hand, or a failed spot check);
# the nightly job expires.
LEADER = Workflow(
    "leader",
    LeaderStatus,
    noun=pgettext_lazy("workflow", "领跑者"),
    transitions={
        (LeaderStatus.ACTIVE, LeaderStatus.REVOKED): "leaders.revoke_leader",
        (LeaderStatus.ACTIVE, LeaderStatus.EXPIRED): SYSTEM,
        (LeaderStatus.EXPIRED, LeaderStatus.REVOKED): "leaders.revoke_leader",
    },
)


def leader_transition_refused(current: str, target: str) -> str:
    """The message for a move the workflow does not allow: the page's and the import's."""
    return LEADER.refusal(current, target)


def _change_status(leader: Leader, target: str, *, actor, action: str, **fields) -> Leader:
    LEADER.check(leader, target, actor)
    old = leader.status
    leader.status = target
    for name, value in fields.items():
        setattr(leader, name, value)
    leader.save(update_fields=["status", *fields, "updated_at"])
    audit.record(
        actor=actor,
        action=action,
        target=leader,
        changes={"status": [old, target], **{k: [None, v] for k, v in fields.items()}},
    )
    return leader


def leader_revocable(leader: Leader) -> bool:
    """Whether the title's workflow allows a revocation from its current status."""
    return LEADER.allows(leader.status, LeaderStatus.REVOKED)


@transaction.atomic
def leader_revoke(*, leader: Leader, reason: str, actor, on: date | None = None) -> Leader:
    """The one way a title is revoked, by bureau staff on the title's staff page or after a
    failed spot check (apps.supervision): publicly, with date and reason. The title's page
    and certificate say so from then on; the enterprise is told (outbox, email after
    commit) and the news app publishes an announcement (core.signals.leader_title_revoked)."""
    if actor is not None and not actor.has_perm("leaders.revoke_leader", leader):
        raise PermissionDenied
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("撤销领跑者必须填写理由")})
    limit = Leader._meta.get_field("revocation_reason").max_length
    if len(reason) > limit:
        message = _("撤销理由不能超过 %(n)d 个字（现有 %(m)d 个）")
        raise ValidationError({"reason": message % {"n": limit, "m": len(reason)}})
    leader = (
        Leader.objects.select_for_update(of=("self",))
        .select_related("category", "standard__enterprise")
        .get(pk=leader.pk)
    )
    leader = _change_status(
        leader,
        LeaderStatus.REVOKED,
        actor=actor,
        action="leader.revoke",
        revoked_on=on or timezone.localdate(),
        revocation_reason=reason,
    )
    standard = leader.standard
    url = reverse("leaders:leader_detail", args=[leader.verification_code])
    notifications.notify(
        enterprises=[standard.enterprise],
        kind=NotificationKind.REVOKED,
        subject=_("%(year)s年度领跑者称号已撤销：%(no)s")
        % {"year": leader.year, "no": standard.standard_no},
        body=_("您企业标准 %(no)s 的 %(year)s 年度领跑者称号已于 %(day)s 撤销。理由：%(reason)s")
        % {
            "no": standard.standard_no,
            "year": leader.year,
            "day": leader.revoked_on,
            "reason": leader.revocation_reason,
        },
        link=url,
    )
    signals.leader_title_revoked.send(
        sender=Leader,
        instance=leader,
        year=leader.year,
        title=_("%(enterprise)s %(no)s %(year)d 年度企业标准领跑者称号")
        % {"enterprise": standard.enterprise.name, "no": standard.standard_no, "year": leader.year},
        url=url,
        revoked_on=leader.revoked_on,
        reason=leader.revocation_reason,
        actor=actor if is_user(actor) else None,
    )
    return leader


@transaction.atomic
def leaders_expire(*, today: date | None = None) -> int:
    """Mark every active title past its validity as expired (nightly beat job)."""
    today = today or timezone.localdate()
    expired = list(Leader.objects.select_for_update().lapsed_on(today))
    for leader in expired:
        _change_status(leader, LeaderStatus.EXPIRED, actor=None, action="leader.expire")
    return len(expired)


def leader_valid_until(published_on: date) -> date:
    """A title is valid for `LEADER_VALIDITY_MONTHS` (default 12), the last day included."""
    return published_on + relativedelta(months=settings.LEADER_VALIDITY_MONTHS) - timedelta(days=1)


def _valid_until_sql(published_on: str) -> str:
    months = int(settings.LEADER_VALIDITY_MONTHS)
    return f"({published_on} + interval '{months} months' - interval '1 day')::date"


# The SQL twin of `leader_valid_until` for set-based imports, over the SQL expression of the
# publication date; lazy, so the setting is read when the statement is built (PostgreSQL
# clamps month ends as relativedelta does: 2024-02-29 + 12 months is 2025-02-28).
valid_until_sql = lazy(_valid_until_sql, str)
