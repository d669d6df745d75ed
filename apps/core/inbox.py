"""Messages to people about what waits on them: an expert drawn for a review, staff with a
registration to activate, an applicant whose request was decided. Each message is a row
(`InboxMessage`) written in the transaction that caused it, listed on the person's
notifications page, and mailed by a Celery task after the commit; the quarter-hourly retry
sends what a failed mail server left behind, so a lost mail never loses the message.

Links point at the host the person used when there is a request (the page that caused the
message), otherwise at `PORTAL_BASE_URL`.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.middleware import request_base_url
from apps.core.models import InboxMessage

MAX_ATTEMPTS = 3
SEND_BATCH = 200


def base_url(request=None) -> str:
    """The host the person used for the request that causes the message, if any."""
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return request_base_url.get() or settings.PORTAL_BASE_URL.rstrip("/")


def notify_people(
    *,
    people: Iterable,
    subject: str,
    body: str,
    path: str = "",
    request=None,
) -> list[InboxMessage]:
    """One message to each person: a user, or an e-mail address for someone who has no
    account yet. Users without an e-mail address or inactive ones are skipped."""
    url = base_url(request) + path if path else ""
    rows, seen = [], set()
    for person in people:
        if isinstance(person, str):
            user, email = None, person
        else:
            user, email = person, person.email
            if not user.is_active:
                continue
        if not email or email.lower() in seen:
            continue
        seen.add(email.lower())
        rows.append(InboxMessage(recipient=user, email=email, subject=subject, body=body, url=url))
    InboxMessage.objects.bulk_create(rows)
    if rows:
        from apps.core.tasks import send_inbox  # real cycle: core.tasks imports this

        transaction.on_commit(send_inbox.delay)
    return rows


def send_pending(*, limit: int = SEND_BATCH) -> int:
    """Mail pending messages; each row is claimed under SKIP LOCKED so two workers never send
    one twice. A failure is kept with its error and retried up to MAX_ATTEMPTS times."""
    sent = 0
    with transaction.atomic():
        batch = list(
            InboxMessage.objects.select_for_update(skip_locked=True)
            .filter(status=InboxMessage.Status.PENDING)
            .order_by("pk")[:limit]
        )
        if not batch:
            return 0
        connection = get_connection()
        for message in batch:
            text = message.body + (f"\n\n{message.url}" if message.url else "")
            text += "\n\n" + _("—— 北京市企业标准“领跑者”服务平台（本邮件由系统发送，请勿回复）")
            try:
                EmailMessage(
                    subject=message.subject,
                    body=text,
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    to=[message.email],
                    connection=connection,
                ).send()
            except Exception as error:  # any mail failure: record it, retry later
                attempts = message.attempts + 1
                InboxMessage.objects.filter(pk=message.pk).update(
                    attempts=F("attempts") + 1,
                    error=str(error)[:2000],
                    status=(
                        InboxMessage.Status.FAILED
                        if attempts >= MAX_ATTEMPTS
                        else InboxMessage.Status.PENDING
                    ),
                )
                continue
            InboxMessage.objects.filter(pk=message.pk).update(
                status=InboxMessage.Status.SENT,
                sent_at=timezone.now(),
                attempts=F("attempts") + 1,
                error="",
            )
            sent += 1
    return sent


def messages_of(user):
    return InboxMessage.objects.filter(recipient=user).order_by("-created_at", "-id")


def unread_count(user) -> int:
    return InboxMessage.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(user) -> int:
    return InboxMessage.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
