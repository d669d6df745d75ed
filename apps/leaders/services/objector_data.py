"""Objectors' personal data (docs/security.md "Personal information"): the name, contact
details and address of whoever filed an objection are deleted OBJECTOR_DATA_RETENTION_DAYS
after the notice closed (a daily job, `leaders.purge_objector_data`, and the command
`purge_objector_data`), or earlier on the objector's request (apps.accounts.privacy). The
objection's grounds, attachment, status and finding stay; each deletion is audited."""

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from apps.core import audit
from apps.core.crypto import blind_index
from apps.core.models import InboxMessage
from apps.leaders.models import Objection

PERSONAL_FIELDS = ("name", "contact", "ip_address")


def objections_due_for_purge(*, today: date | None = None) -> QuerySet[Objection]:
    """Objections still holding personal data whose notice closed more than the retention
    period ago."""
    today = today or timezone.localdate()
    cutoff = today - timedelta(days=settings.OBJECTOR_DATA_RETENTION_DAYS)
    return Objection.objects.filter(
        personal_data_purged_at__isnull=True,
        candidate__candidate_list__notice_ends_on__lt=cutoff,
    ).order_by("pk")


def objections_of_person(*, contacts: list[str]) -> QuerySet[Objection]:
    """Objections whose contact is one of `contacts` (an e-mail, phones), by blind index."""
    indexes = {blind_index(value) for value in contacts if value} - {""}
    return Objection.objects.filter(contact_index__in=indexes).select_related(
        "candidate__standard__enterprise"
    )


@transaction.atomic
def objection_personal_data_purge(*, objection: Objection, actor, reason: str) -> bool:
    """Blank the objector's name, contact and address; False when already done."""
    objection = (
        Objection.objects.select_for_update(of=("self",))
        .select_related("candidate")
        .get(pk=objection.pk)
    )
    if objection.personal_data_purged_at is not None:
        return False
    _forget_in_messages(objection)
    objection.name = objection.contact = ""
    objection.ip_address = None
    objection.personal_data_purged_at = timezone.now()
    objection.save(
        update_fields=[*PERSONAL_FIELDS, "contact_index", "personal_data_purged_at", "updated_at"]
    )
    audit.record(
        actor=actor,
        action="objection.personal_data_purge",
        target=objection,
        changes={
            "fields": [
                None,
                [str(Objection._meta.get_field(name).verbose_name) for name in PERSONAL_FIELDS],
            ],
            "reason": [None, reason],
        },
    )
    return True


def _forget_in_messages(objection: Objection) -> None:
    """The notifications about the objection (apps.leaders.services.waiting) name the
    objector to staff, and mail the objector at their contact: staff's keep the message with
    "the objector" for the name; mails to an address without an account go."""
    name, contact = objection.name, objection.contact.strip()
    staff_path = reverse("leaders:staff_objection", args=[objection.pk])
    for message in InboxMessage.objects.filter(url__endswith=staff_path):
        with translation.override(message.language or settings.LANGUAGE_CODE):
            word = translation.gettext("异议人")
        for text in filter(None, (name, contact)):
            message.subject = message.subject.replace(text, word)
            message.body = message.body.replace(text, word)
        message.save(update_fields=["subject", "body"])
    if contact:
        notice_path = reverse("leaders:notice_detail", args=[objection.candidate.candidate_list_id])
        InboxMessage.objects.filter(
            recipient__isnull=True, email__iexact=contact, url__endswith=notice_path
        ).delete()


def objector_data_purge_due(*, today: date | None = None) -> int:
    """The retention job: purge every objection due; returns how many were purged. Each
    objection is its own transaction, so a run stopped half-way leaves nothing half-done and
    the next run carries on."""
    reason = _("保存期限届满：公示结束 %(days)d 天后删除") % {
        "days": settings.OBJECTOR_DATA_RETENTION_DAYS
    }
    return sum(
        objection_personal_data_purge(objection=objection, actor=None, reason=reason)
        for objection in objections_due_for_purge(today=today)
    )
