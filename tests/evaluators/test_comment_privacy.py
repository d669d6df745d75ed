"""The public comment form on an evaluation scheme: a privacy notice and consent before a
comment is taken, and the commenter's contact deleted after the retention period."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from apps.core.models import AuditEntry
from apps.evaluators.models import Scheme, SchemeComment
from apps.evaluators.services.comments import commenter_contacts_purge_due
from apps.evaluators.services.schemes import scheme_comment_add
from apps.evaluators.tasks import purge_commenter_contacts
from tests.factories.evaluators import approved_scheme

pytestmark = pytest.mark.django_db


def _open_scheme(code="S-PRIV-1"):
    scheme = approved_scheme(status="public_comment", code=code)
    Scheme.objects.filter(pk=scheme.pk).update(
        public_comment_ends_on=timezone.localdate() + datetime.timedelta(days=3)
    )
    scheme.refresh_from_db()
    return scheme


def test_the_comment_form_shows_the_notice_and_refuses_a_comment_without_consent(client):
    scheme = _open_scheme()
    url = f"/schemes/{scheme.scheme_code}/"
    page = client.get(url).content.decode()
    assert "个人信息处理说明" in page and 'name="privacy_consent"' in page
    assert "180 天删除" in page  # the retention the notice promises, from settings
    data = {"author_name": "王五", "contact": "13800000000", "text": "建议"}
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "请阅读并同意个人信息处理说明后再提交" in refused.content.decode()
    assert not SchemeComment.objects.exists()
    assert client.post(url, {**data, "privacy_consent": "on"}).status_code == 302
    assert SchemeComment.objects.get().privacy_consent_at is not None


def test_the_service_refuses_a_comment_without_consent():
    scheme = _open_scheme()
    with pytest.raises(ValidationError) as error:
        scheme_comment_add(scheme=scheme, author_name="王五", text="建议", consented=False)
    assert error.value.message_dict == {"privacy_consent": ["请阅读并同意个人信息处理说明后再提交"]}
    assert not SchemeComment.objects.exists()


def test_contacts_are_deleted_after_the_retention_period_and_the_comment_stays(settings):
    settings.COMMENTER_CONTACT_RETENTION_DAYS = 30
    scheme = _open_scheme()
    kept = _open_scheme(code="S-PRIV-2")
    for target in (scheme, kept):
        scheme_comment_add(
            scheme=target,
            author_name="北京家电协会",
            contact="13800000000",
            text="建议",
            consented=True,
        )
    today = timezone.localdate()
    Scheme.objects.filter(pk=scheme.pk).update(
        public_comment_ends_on=today - datetime.timedelta(days=31)
    )
    Scheme.objects.filter(pk=kept.pk).update(
        public_comment_ends_on=today - datetime.timedelta(days=29)
    )

    assert purge_commenter_contacts() == 1
    purged, untouched = (SchemeComment.objects.get(scheme=s) for s in (scheme, kept))
    assert (purged.author_name, purged.text, purged.contact) == ("北京家电协会", "建议", "")
    assert untouched.contact == "13800000000"
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact FROM evaluators_schemecomment WHERE id = %s", [purged.pk])
        assert cursor.fetchone() == ("",)  # gone from the table, not just hidden
    entry = AuditEntry.objects.get(action="scheme.commenter_contact_purge")
    assert entry.object_id == str(scheme.pk) and entry.changes == {"comments": [None, 1]}
    assert commenter_contacts_purge_due() == 0  # a second run finds nothing left
