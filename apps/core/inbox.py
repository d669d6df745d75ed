"""Messages to people about what waits on them: an expert drawn for a review, staff with a
registration to activate, an applicant whose request was decided. Each message is a row
(`InboxMessage`) written in the transaction that caused it, listed on the person's
notifications page, and mailed by a Celery task after the commit; the quarter-hourly retry
sends what a failed mail server left behind, so a lost mail never loses the message.

Links point at the host the person used when there is a request (the page that caused the
message), otherwise at `PORTAL_BASE_URL`.

Each message is written in its recipient's language (`User.language`: the one they last chose
or signed in with), not the language of the person whose step caused it: callers pass lazy
text (`gettext_lazy`) with its `%(name)s` values apart, and it is translated and filled once
per language among the recipients.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.functional import Promise
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


def _format(message, values) -> str:
    return str(message) % values if values else str(message)


def language_of(person) -> str:
    """A user's language for messages; settings.LANGUAGE_CODE when they have none."""
    return getattr(person, "language", "") or settings.LANGUAGE_CODE


def notify_people(
    *,
    people: Iterable,
    subject: Promise,
    body: Promise,
    values: dict | None = None,
    path: str = "",
    request=None,
    language: str = "",
) -> list[InboxMessage]:
    """One message to each person: a user, or an e-mail address for someone who has no
    account yet. Users without an e-mail address or inactive ones are skipped.

    `subject` and `body` are lazy texts, written in each recipient's language and filled with
    `values` (lazy labels among them are translated too); a bare address gets `language` when
    given (the person is the one acting now), else that of the active account with the
    address, else the portal's."""
    for words in (subject, body):
        if not isinstance(words, Promise):
            raise TypeError(
                "notify_people needs lazy text (gettext_lazy, values apart) so that each "
                "recipient reads it in their own language"
            )
    url = base_url(request) + path if path else ""
    recipients, seen = [], set()
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
        recipients.append((user, email))
    accounts = _accounts_of([email for user, email in recipients if user is None])
    rows, texts = [], {}
    for user, email in recipients:
        if user is not None:
            lang = language_of(user)
        else:
            lang = language or language_of(accounts.get(email.lower()))
        if lang not in texts:
            with translation.override(lang):
                texts[lang] = (_format(subject, values)[:200], _format(body, values))
        rows.append(
            InboxMessage(
                recipient=user,
                email=email,
                subject=texts[lang][0],
                body=texts[lang][1],
                url=url,
                language=lang,
            )
        )
    InboxMessage.objects.bulk_create(rows)
    if rows:
        from apps.core.tasks import send_inbox  # real cycle: core.tasks imports this

        transaction.on_commit(send_inbox.delay)
    return rows


def _accounts_of(emails: list[str]) -> dict:
    """The active account of each address, if any (its owner's language)."""
    if not emails:
        return {}
    User = get_user_model()
    users = User.objects.filter(is_active=True, email__in=[email.lower() for email in emails])
    return {user.email.lower(): user for user in users}


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
            with translation.override(message.language or settings.LANGUAGE_CODE):
                text += "\n\n" + _(
                    "—— 北京市企业标准“领跑者”服务平台（本邮件由系统发送，请勿回复）"
                )
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
