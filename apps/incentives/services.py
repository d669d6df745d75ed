import secrets
from datetime import date

import rules
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from apps.accounts.selectors import bureau_staff
from apps.core import audit, inbox
from apps.core.uploads import stored_files
from apps.core.workflow import Workflow
from apps.incentives import eligibility
from apps.incentives.documents import document_filename, inspect_upload
from apps.incentives.enums import ApplicationStatus, PilotTag, ProviderKind
from apps.incentives.models import (
    Application,
    ApplicationDocument,
    CreditRecord,
    EnterprisePilot,
    PartnerToken,
    Programme,
    hash_token,
)
from apps.incentives.rules import can_read_leader_feed
from apps.leaders import notifications
from apps.leaders.enums import LeaderStatus, NotificationKind

# The application workflow, as data: who may make each move (apps/core/workflow.py). The
# rules themselves, not `has_perm`: only the provider's own users (or bureau staff, for the
# bureau's own programmes) decide, and only the enterprise withdraws.
APPLICATION = Workflow(
    "incentive_application",
    ApplicationStatus,
    noun=pgettext_lazy("workflow", "申请"),
    transitions={
        (ApplicationStatus.SUBMITTED, ApplicationStatus.APPROVED): "incentives.decide_application",
        (ApplicationStatus.SUBMITTED, ApplicationStatus.REFUSED): "incentives.decide_application",
        (
            ApplicationStatus.SUBMITTED,
            ApplicationStatus.WITHDRAWN,
        ): "incentives.withdraw_application",
    },
)
# A decision always gives its reason; an enterprise may withdraw without one.
REASON_REQUIRED = {ApplicationStatus.APPROVED, ApplicationStatus.REFUSED}


@transaction.atomic
def application_submit(
    *,
    programme: Programme,
    enterprise,
    documents: dict,
    actor,
    statement: str = "",
    leader=None,
    today: date | None = None,
) -> Application:
    """Apply for a programme with one file per required document. Nothing is written unless
    the enterprise is eligible and every document is present and of an accepted type."""
    # The rules themselves, not `has_perm`: a superuser must not act for an enterprise.
    membership = getattr(actor, "membership", None)
    if not rules.has_perm("incentives.apply", actor) or membership.enterprise_id != enterprise.pk:
        raise PermissionDenied
    today = today or timezone.localdate()
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    result = eligibility.check(programme, enterprise, today)
    if not result.eligible:
        raise ValidationError(result.reasons)
    if programme.requires_active_leader:
        if leader is None:
            leader = result.leaders[0]
        elif leader.pk not in {title.pk for title in result.leaders}:
            raise ValidationError({"leader": _("所选领跑者称号不是本企业符合本政策条件的有效称号")})
    else:
        leader = None
    if Application.objects.filter(
        programme=programme,
        enterprise=enterprise,
        status__in=[ApplicationStatus.SUBMITTED, ApplicationStatus.APPROVED],
    ).exists():
        raise ValidationError(_("本企业已申请该政策，请勿重复申请"))
    missing = [name for name in programme.required_documents if not documents.get(name)]
    if missing:
        raise ValidationError(
            _("缺少申报材料：%(names)s") % {"names": "、".join(missing)}, code="missing"
        )
    unknown = sorted(set(documents) - set(programme.required_documents))
    if unknown:
        raise ValidationError(_("本政策不要求以下材料：%(names)s") % {"names": "、".join(unknown)})
    checked = {}
    errors = []
    for name in programme.required_documents:
        try:
            checked[name] = inspect_upload(documents[name], label=name)
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError(errors)

    application = Application(
        programme=programme,
        enterprise=enterprise,
        leader=leader,
        statement=statement.strip(),
        submitted_by=actor,
    )
    application.full_clean()
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        raise ValidationError(_("本企业已申请该政策，请勿重复申请")) from None
    with stored_files() as files:
        for name in programme.required_documents:
            upload = documents[name]
            content_type, sha256 = checked[name]
            document = ApplicationDocument(
                application=application,
                name=name,
                original_filename=document_filename(
                    upload, content_type=content_type, default=name
                ),
                content_type=content_type,
                size=upload.size,
                sha256=sha256,
            )
            files.save(document.file, "upload", upload)
            document.save()
        audit.record(
            actor=actor,
            action="incentive.apply",
            target=application,
            changes={
                "programme": [None, programme.code],
                "enterprise": [None, enterprise.uscc],
                "leader": [None, leader.verification_code if leader else None],
                "documents": [None, list(programme.required_documents)],
                "status": [None, application.status],
            },
        )
    _tell_deciders(application)
    return application


def _tell_deciders(application: Application) -> None:
    """The application now waits on its provider: each of the provider's active users (and,
    for a programme of the bureau's own department, every bureau staff member, who decide it
    on the staff desk) gets a mail and a message linking the application."""
    provider = application.programme.provider
    people = list(
        get_user_model().objects.filter(provider_membership__provider=provider, is_active=True)
    )
    if provider.kind == ProviderKind.BUREAU:
        people += list(bureau_staff())
    params = {"programme": application.programme.name, "enterprise": application.enterprise.name}
    inbox.notify_people(
        people=people,
        subject=gettext_lazy("新的激励申请待审核：%(enterprise)s 申请“%(programme)s”"),
        body=gettext_lazy(
            "%(enterprise)s提交了“%(programme)s”的申请及申报材料，请审核并填写处理意见。"
        ),
        values=params,
        path=reverse("incentives:application_detail", args=[application.pk]),
    )


@transaction.atomic
def application_change_status(
    *, application: Application, target: str, actor, reason: str = ""
) -> Application:
    """The one service that changes an application's status, by the transition table."""
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("programme__provider", "leader", "enterprise")
        .get(pk=application.pk)
    )
    APPLICATION.check(application, target, actor)
    if (
        target == ApplicationStatus.APPROVED
        and application.leader_id is not None
        and application.leader.status_on(timezone.localdate()) != LeaderStatus.ACTIVE
    ):
        raise ValidationError(
            _("申请所依据的领跑者称号当前状态为“%(status)s”，不能批准")
            % {"status": LeaderStatus(application.leader.status_on(timezone.localdate())).label}
        )
    reason = reason.strip()
    if target in REASON_REQUIRED and not reason:
        raise ValidationError({"reason": _("请填写处理意见（通过或不通过的理由）")})
    if len(reason) > 500:
        raise ValidationError({"reason": _("处理意见不能超过 500 字")})
    old = application.status
    application.status = target
    application.decided_at = timezone.now()
    application.decided_by = actor
    application.decision_reason = reason
    application.save(
        update_fields=["status", "decided_at", "decided_by", "decision_reason", "updated_at"]
    )
    audit.record(
        actor=actor,
        action=f"incentive.{target}",
        target=application,
        changes={"status": [old, target], **({"reason": [None, reason]} if reason else {})},
    )
    if target in REASON_REQUIRED:
        _notify_decision(application)
    return application


def _notify_decision(application: Application) -> None:
    """Tell the enterprise: a notice in its portal list, emailed after the commit."""
    params = {
        "programme": application.programme.name,
        "status": application.get_status_display(),
        "provider": application.programme.provider.name,
        "reason": application.decision_reason,
    }
    notifications.notify(
        enterprises=[application.enterprise],
        kind=NotificationKind.INCENTIVE,
        subject=_("激励申请“%(programme)s”：%(status)s") % params,
        body=_(
            "%(provider)s已审核您企业对“%(programme)s”的申请，结果：%(status)s。处理意见：%(reason)s"
        )
        % params,
        link=reverse("incentives:application_detail", args=[application.pk]),
    )


# ---------------------------------------------------------------------------------------------
# Quality credit record (work plan task 4)

CREDIT_SYNC_SQL = """
WITH src AS (
    SELECT l.id AS leader_id,
           s.enterprise_id,
           CASE WHEN l.status = 'revoked' THEN 'revoked'
                WHEN l.status = 'expired' OR l.valid_until < %(today)s THEN 'expired'
                ELSE 'active' END AS status,
           l.published_on AS entered_on,
           CASE WHEN l.status = 'revoked' THEN COALESCE(l.revoked_on, %(today)s)
                WHEN l.status = 'expired' OR l.valid_until < %(today)s
                    THEN l.valid_until + 1
                ELSE l.published_on END AS status_changed_on,
           CASE WHEN l.status = 'revoked' THEN LEFT(l.revocation_reason, 500) ELSE '' END
               AS note
      FROM leaders_leader l
      JOIN declarations_standard s ON s.id = l.standard_id
     WHERE (%(all)s OR l.id = ANY(%(ids)s))
       AND l.published_on <= %(today)s
),
old AS (
    SELECT c.leader_id, c.status FROM incentives_creditrecord c
     WHERE c.leader_id IN (SELECT leader_id FROM src)
)
INSERT INTO incentives_creditrecord
       (created_at, updated_at, leader_id, enterprise_id, status, entered_on,
        status_changed_on, note)
SELECT now(), now(), src.leader_id, src.enterprise_id, src.status, src.entered_on,
       src.status_changed_on, src.note
  FROM src
 WHERE src.status = 'active' OR src.leader_id IN (SELECT leader_id FROM old)
ON CONFLICT (leader_id) DO UPDATE
   SET status = EXCLUDED.status,
       enterprise_id = EXCLUDED.enterprise_id,
       status_changed_on = EXCLUDED.status_changed_on,
       note = EXCLUDED.note,
       updated_at = now()
 WHERE incentives_creditrecord.status <> EXCLUDED.status
    OR incentives_creditrecord.enterprise_id <> EXCLUDED.enterprise_id
    OR incentives_creditrecord.note <> EXCLUDED.note
RETURNING incentives_creditrecord.id,
          (SELECT old.status FROM old WHERE old.leader_id = incentives_creditrecord.leader_id),
          incentives_creditrecord.status
"""


@transaction.atomic
def credit_records_sync(*, leader_ids: list[int] | None = None, today: date | None = None) -> int:
    """Enter every active leader title in the quality credit record and bring existing
    records in step with their titles (revoked, expired), in one set-based statement.
    `leader_ids` limits the sync to those titles. Returns the number of records written;
    running it again with the same data writes nothing."""
    today = today or timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute(
            CREDIT_SYNC_SQL,
            {"today": today, "all": leader_ids is None, "ids": list(leader_ids or [])},
        )
        written = cursor.fetchall()
    if written:
        records = CreditRecord.objects.in_bulk([row[0] for row in written])
        for record_id, old, new in written:
            audit.record(
                actor=None,
                action="credit.enter" if old is None else "credit.update",
                target=records[record_id],
                changes={"status": [old, new]},
            )
    return len(written)


# ---------------------------------------------------------------------------------------------
# Partner feed tokens


@transaction.atomic
def partner_token_issue(*, actor, name: str) -> tuple[PartnerToken, str]:
    """A new feed token for a partner user; the key is returned once and never stored."""
    if not can_read_leader_feed.test(actor):
        raise PermissionDenied
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("请填写令牌用途，例如“信贷审批系统”")})
    if PartnerToken.objects.filter(user=actor, revoked_at__isnull=True).count() >= 5:
        raise ValidationError(_("每个账户最多同时持有 5 个有效令牌，请先撤销不用的令牌"))
    key = secrets.token_urlsafe(32)
    token = PartnerToken(user=actor, name=name, prefix=key[:8], key_hash=hash_token(key))
    token.full_clean()
    token.save()
    audit.record(actor=actor, action="partner_token.issue", target=token, changes={})
    return token, key


@transaction.atomic
def partner_token_revoke(*, token: PartnerToken, actor) -> PartnerToken:
    token = PartnerToken.objects.select_for_update().get(pk=token.pk)
    if token.user_id != actor.pk:
        raise PermissionDenied
    if token.revoked_at is not None:
        raise ValidationError(_("该令牌已撤销"))
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(actor=actor, action="partner_token.revoke", target=token, changes={})
    return token


# ---------------------------------------------------------------------------------------------
# Pilot tags (work plan tasks 8-11)


@transaction.atomic
def enterprise_pilot_add(
    *, enterprise, tag: str, actor, since: int | None = None, note: str = ""
) -> EnterprisePilot:
    """Tag an enterprise with a pilot or campaign it takes part in."""
    if not rules.has_perm("incentives.manage_pilots", actor):
        raise PermissionDenied
    if tag not in PilotTag.values:
        raise ValidationError({"tag": _("请选择试点示范或行动")})
    if EnterprisePilot.objects.filter(enterprise=enterprise, tag=tag).exists():
        raise ValidationError(
            _("%(enterprise)s已有“%(tag)s”标记")
            % {"enterprise": enterprise.name, "tag": PilotTag(tag).label}
        )
    pilot = EnterprisePilot(enterprise=enterprise, tag=tag, since=since, note=note.strip())
    pilot.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            pilot.save()
    except IntegrityError:  # tagged by someone else a moment ago
        raise ValidationError(
            _("%(enterprise)s已有“%(tag)s”标记")
            % {"enterprise": enterprise.name, "tag": PilotTag(tag).label}
        ) from None
    audit.record(
        actor=actor,
        action="pilot.tag",
        target=pilot,
        changes={
            "enterprise": [None, enterprise.uscc],
            "tag": [None, tag],
            **({"since": [None, since]} if since else {}),
            **({"note": [None, pilot.note]} if pilot.note else {}),
        },
    )
    return pilot


@transaction.atomic
def enterprise_pilot_remove(*, pilot: EnterprisePilot, actor) -> None:
    if not rules.has_perm("incentives.manage_pilots", actor):
        raise PermissionDenied
    pilot = (
        EnterprisePilot.objects.select_for_update(of=("self",))
        .select_related("enterprise")
        .get(pk=pilot.pk)
    )
    audit.record(
        actor=actor,
        action="pilot.untag",
        target=pilot,
        changes={"enterprise": [pilot.enterprise.uscc, None], "tag": [pilot.tag, None]},
    )
    pilot.delete()
