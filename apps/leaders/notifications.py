"""The enterprise outbox: rows are written inside the transaction that caused them and a
Celery task sends them by email after that transaction commits. The same rows are the
enterprise's notice list in the portal, so a lost email never loses the message."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.enterprises.enums import MembershipStatus
from apps.enterprises.models import Enterprise, EnterpriseMembership
from apps.leaders.enums import NotificationKind, NotificationStatus
from apps.leaders.models import Notification

MAX_ATTEMPTS = 3
SEND_BATCH = 200


def absolute(path: str) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + path if path else ""


def notify(*, enterprises, kind: str, subject: str, body: str, link: str = "") -> int:
    """Queue one message to each enterprise; the email goes out after commit."""
    rows = [
        Notification(enterprise=enterprise, kind=kind, subject=subject, body=body, link=link)
        for enterprise in enterprises
    ]
    Notification.objects.bulk_create(rows)
    if rows:
        _send_after_commit()
    return len(rows)


def notify_ranking_out(*, ranking) -> int:
    """Every enterprise with an entrant standard in the ranking, in one INSERT … SELECT:
    a national compile reaches hundreds of thousands of enterprises."""
    scheme = ranking.scheme

    link = reverse("leaders:ranking_detail", args=[scheme.scheme_code])
    subject = _("%(year)s年度“%(category)s”企业标准排行榜已发布") % {
        "year": scheme.year,
        "category": scheme.category.name,
    }
    body = _(
        "您企业参评的标准已列入 %(year)s 年度“%(category)s”企业标准排行榜（方案 %(code)s）。"
        "登录后在排行榜页面可看到本企业的名次、得分及未排名的原因。"
    ) % {"year": scheme.year, "category": scheme.category.name, "code": scheme.scheme_code}
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO leaders_notification
                (created_at, updated_at, enterprise_id, kind, subject, body, link, recipients,
                 status, attempts, error)
            SELECT now(), now(), e.enterprise_id, %(kind)s, %(subject)s, %(body)s, %(link)s,
                   '[]'::jsonb, %(status)s, 0, ''
            FROM (SELECT DISTINCT s.enterprise_id
                  FROM leaders_rankingentry re
                  JOIN declarations_standard s ON s.id = re.standard_id
                  WHERE re.ranking_id = %(ranking)s) e
            """,
            {
                "kind": NotificationKind.RANKING_OUT,
                "subject": subject,
                "body": body,
                "link": link,
                "status": NotificationStatus.PENDING,
                "ranking": ranking.pk,
            },
        )
        count = cursor.rowcount
    if count:
        _send_after_commit()
    return count


def _send_after_commit() -> None:
    from apps.leaders.tasks import send_notifications  # tasks import this module: a real cycle

    send_notifications.delay_on_commit()


def recipients_of(enterprises: list[Enterprise]) -> dict[int, list[str]]:
    """Contact email plus the active members' account emails, per enterprise."""
    found: dict[int, set[str]] = {
        e.pk: {e.contact_email.lower()} if e.contact_email else set() for e in enterprises
    }
    for enterprise_id, email in EnterpriseMembership.objects.filter(
        enterprise__in=enterprises, status=MembershipStatus.ACTIVE
    ).values_list("enterprise_id", "user__email"):
        if email:
            found[enterprise_id].add(email.lower())
    return {pk: sorted(emails) for pk, emails in found.items()}


def notifications_send(*, limit: int = SEND_BATCH) -> int:
    """Send up to `limit` pending messages. Rows are claimed with SKIP LOCKED, so two workers
    never send the same message; a failure is recorded and retried up to MAX_ATTEMPTS."""
    sent = 0
    with transaction.atomic():
        batch = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status__in=[NotificationStatus.PENDING, NotificationStatus.FAILED])
            .filter(attempts__lt=MAX_ATTEMPTS)
            .select_related("enterprise")
            .order_by("id")[:limit]
        )
        if not batch:
            return 0
        addresses = recipients_of(list({n.enterprise_id: n.enterprise for n in batch}.values()))
        with get_connection() as mail:
            for notification in batch:
                to = addresses.get(notification.enterprise_id, [])
                notification.recipients = to
                notification.attempts = F("attempts") + 1
                try:
                    if to:
                        message = EmailMessage(
                            subject=notification.subject,
                            body=_email_body(notification),
                            to=to,
                            connection=mail,
                        )
                        message.send()
                except Exception as error:
                    notification.status = NotificationStatus.FAILED
                    notification.error = str(error)[:1000]
                else:
                    notification.status = NotificationStatus.SENT
                    notification.sent_at = timezone.now()
                    notification.error = "" if to else _("企业未登记邮箱，仅在平台内通知")
                    sent += 1
                notification.save(
                    update_fields=[
                        "recipients",
                        "attempts",
                        "status",
                        "sent_at",
                        "error",
                        "updated_at",
                    ]
                )
    return sent


def _email_body(notification: Notification) -> str:
    lines = [notification.body]
    if notification.link:
        lines += ["", absolute(notification.link)]
    lines += ["", str(settings.PORTAL_NAME)]
    return "\n".join(lines)
