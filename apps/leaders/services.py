from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core import audit
from apps.leaders import ranking_sql
from apps.leaders.enums import LeaderStatus
from apps.leaders.models import Leader, Ranking

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


# ---------------------------------------------------------------------------------------------
# Rankings (CONTRACT.md §3)


class RankingNotCompilable(ValidationError):
    pass


@transaction.atomic
def ranking_compile(*, scheme, actor=None) -> Ranking:
    """Compile one approved scheme's ranking and candidates, replacing its current ranking
    atomically. The row lock on the scheme makes concurrent compiles of one scheme run one
    after the other; a compile interrupted anywhere rolls back whole, so a rerun gives the
    same result as an undisturbed run."""
    from apps.evaluators.enums import SchemeStatus
    from apps.evaluators.models import Scheme

    scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
    if scheme.status != SchemeStatus.APPROVED:
        raise RankingNotCompilable(
            _("方案 %(code)s 尚未批准，不能编制排行榜") % {"code": scheme.scheme_code}
        )
    _retire_current_ranking(scheme)
    ranking = Ranking.objects.create(scheme=scheme, compiled_by=actor if _is_user(actor) else None)
    with connection.cursor() as cursor:
        cursor.execute(
            ranking_sql.COMPILE_RANKING, {"scheme_id": scheme.pk, "ranking_id": ranking.pk}
        )
        cursor.execute(ranking_sql.RANKING_TOTALS, {"ranking_id": ranking.pk})
        ranking.entrants, ranking.participants = cursor.fetchone()
    ranking.save(update_fields=["entrants", "participants"])
    audit.record(
        actor=actor,
        action="ranking.compile",
        target=ranking,
        changes={
            "scheme": [None, scheme.scheme_code],
            "entrants": [None, ranking.entrants],
            "participants": [None, ranking.participants],
            "candidates": [None, ranking.entries.filter(candidate=True).count()],
        },
    )
    return ranking


def _retire_current_ranking(scheme) -> None:
    """The previous current ranking goes; one a candidate list was made from is kept, no
    longer current."""
    for previous in Ranking.objects.filter(scheme=scheme, is_current=True):
        if _ranking_is_referenced(previous):
            previous.is_current = False
            previous.save(update_fields=["is_current"])
        else:
            previous.delete()


def _ranking_is_referenced(ranking: Ranking) -> bool:
    return False


def _is_user(actor) -> bool:
    return bool(getattr(actor, "is_authenticated", False))
