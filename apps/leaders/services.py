from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core import audit
from apps.leaders.enums import LeaderStatus
from apps.leaders.models import Leader

# The leader title's workflow, as data.
LEADER_TRANSITIONS = {
    LeaderStatus.ACTIVE: {LeaderStatus.REVOKED, LeaderStatus.EXPIRED},
    LeaderStatus.EXPIRED: {LeaderStatus.REVOKED},
    LeaderStatus.REVOKED: set(),
}


def _change_status(leader: Leader, target: str, *, actor, action: str, **fields) -> Leader:
    if target not in LEADER_TRANSITIONS[leader.status]:
        raise ValidationError(
            _("领跑者状态不能从“%(old)s”变为“%(new)s”")
            % {"old": leader.get_status_display(), "new": LeaderStatus(target).label}
        )
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


@transaction.atomic
def leader_revoke(*, leader: Leader, reason: str, actor, on: date | None = None) -> Leader:
    """Revoke a leader title publicly, with date and reason (e.g. a failed spot check)."""
    if actor is not None and not actor.has_perm("leaders.revoke_leader", leader):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("撤销领跑者必须填写理由")})
    leader = Leader.objects.select_for_update().get(pk=leader.pk)
    return _change_status(
        leader,
        LeaderStatus.REVOKED,
        actor=actor,
        action="leader.revoke",
        revoked_on=on or timezone.localdate(),
        revocation_reason=reason.strip(),
    )


@transaction.atomic
def leaders_expire(*, today: date | None = None) -> int:
    """Mark every active title past its validity as expired (nightly beat job)."""
    today = today or timezone.localdate()
    expired = list(
        Leader.objects.select_for_update().filter(status=LeaderStatus.ACTIVE, valid_until__lt=today)
    )
    for leader in expired:
        _change_status(leader, LeaderStatus.EXPIRED, actor=None, action="leader.expire")
    return len(expired)
