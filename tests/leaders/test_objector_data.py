"""Objectors' personal data: asked for with a privacy notice and a consent box, shown to
bureau staff only, and deleted OBJECTOR_DATA_RETENTION_DAYS after the notice closed by the
daily job (and its command), with the objection's substance and finding kept."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from apps.core.models import AuditEntry, InboxMessage
from apps.leaders import tasks
from apps.leaders.models import Objection
from apps.leaders.services.objections import objection_file
from apps.leaders.services.objector_data import objector_data_purge_due
from tests.factories.lifecycle import list_in_notice, ranked_scheme
from tests.pages import submit

pytestmark = pytest.mark.django_db


def _file(candidate, **fields):
    return objection_file(
        candidate=candidate,
        name=fields.get("name", "北京某检测公司"),
        contact=fields.get("contact", "13800138000"),
        grounds="该企业标准的能效指标与实测不符",
        ip_address="10.0.0.7",
        consented=True,
    )


@pytest.fixture
def notice(bureau_user):
    return list_in_notice(ranked_scheme(entrants=3), bureau_user)


def test_the_form_asks_for_consent_with_the_notice_and_records_it(client, notice, settings):
    settings.OBJECTOR_DATA_RETENTION_DAYS = 90
    url = f"/notices/{notice.pk}/"
    page = client.get(url).content.decode()
    assert "个人信息处理说明" in page
    assert "公示期结束后 90 天删除" in page
    candidate = notice.candidates.first()
    fill = {
        "candidate": str(candidate.pk),
        "name": "赵六",
        "contact": "zhao@example.cn",
        "grounds": "该标准的噪声值与型式试验报告不一致",
    }
    refused = submit(client, url, fill)
    assert refused.status_code == 400
    assert "请阅读并同意个人信息处理说明后再提交" in refused.content.decode()
    assert not Objection.objects.exists()

    before = timezone.now()
    response = submit(client, url, {**fill, "privacy_consent": "on"})
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert objection.privacy_consent_at >= before
    assert (objection.name, objection.contact) == ("赵六", "zhao@example.cn")


def test_the_purge_blanks_the_objector_and_keeps_the_objection(notice, bureau_user, settings):
    settings.OBJECTOR_DATA_RETENTION_DAYS = 30
    candidate = notice.candidates.first()
    objection = _file(candidate)
    closed = notice.notice_ends_on
    # Not yet: the notice closed exactly 30 days ago.
    assert objector_data_purge_due(today=closed + datetime.timedelta(days=30)) == 0
    assert objector_data_purge_due(today=closed + datetime.timedelta(days=31)) == 1
    objection.refresh_from_db()
    assert (objection.name, objection.contact, objection.ip_address) == ("", "", None)
    assert objection.contact_index == ""
    assert objection.personal_data_purged_at is not None
    assert objection.grounds == "该企业标准的能效指标与实测不符"  # the substance stays
    assert objection.status == "open"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, contact, ip_address FROM leaders_objection WHERE id = %s",
            [objection.pk],
        )
        assert cursor.fetchone() == ("", "", None)
    entry = AuditEntry.objects.get(action="objection.personal_data_purge")
    assert entry.object_id == str(objection.pk) and entry.actor is None
    assert "北京某检测公司" not in str(entry.changes) and "13800138000" not in str(entry.changes)
    assert "30" in entry.changes["reason"][1]
    # Run again: nothing more to do, nothing more audited.
    assert objector_data_purge_due(today=closed + datetime.timedelta(days=60)) == 0
    assert AuditEntry.objects.filter(action="objection.personal_data_purge").count() == 1


def test_staff_page_says_the_objector_data_was_deleted(client_for, notice, bureau_user, settings):
    settings.OBJECTOR_DATA_RETENTION_DAYS = 0
    objection = _file(notice.candidates.first(), name="某某检测中心异议人", contact="zj@example.cn")
    objector_data_purge_due(today=notice.notice_ends_on + datetime.timedelta(days=1))
    page = client_for(bureau_user).get(f"/staff/objections/{objection.pk}/").content.decode()
    assert "异议人的姓名、联系方式和网络地址已于" in page
    assert "某某检测中心异议人" not in page and "zj@example.cn" not in page


def test_the_daily_job_and_the_command_purge_what_is_due(notice, settings):
    settings.OBJECTOR_DATA_RETENTION_DAYS = 0
    first = _file(notice.candidates.first())
    notice.notice_ends_on = timezone.localdate() - datetime.timedelta(days=2)
    notice.notice_starts_on = notice.notice_ends_on - datetime.timedelta(days=7)
    notice.save(update_fields=["notice_starts_on", "notice_ends_on"])
    out = io.StringIO()
    call_command("purge_objector_data", "--dry-run", stdout=out)
    assert out.getvalue().startswith("1 objection(s) due")
    assert Objection.objects.get(pk=first.pk).personal_data_purged_at is None
    assert tasks.purge_objector_data.delay().get() == 1
    assert Objection.objects.get(pk=first.pk).personal_data_purged_at is not None
    call_command("purge_objector_data", stdout=out)
    assert "purged the objector's data of 0 objection(s)" in out.getvalue()


def test_the_beat_schedule_runs_the_purge_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["purge-objector-data"]
    assert entry["task"] == tasks.purge_objector_data.name


def test_the_purge_reaches_the_notifications_about_the_objection(notice, bureau_user, settings):
    settings.OBJECTOR_DATA_RETENTION_DAYS = 0
    objection = _file(notice.candidates.first(), name="某某检测中心异议人", contact="zj@example.cn")
    staff_messages = InboxMessage.objects.filter(recipient=bureau_user)
    assert any("某某检测中心异议人" in message.body for message in staff_messages.all())
    assert InboxMessage.objects.filter(email="zj@example.cn", recipient=None).exists()
    objector_data_purge_due(today=notice.notice_ends_on + datetime.timedelta(days=1))
    assert staff_messages.exists()  # staff keep the message, without the name
    assert not any("某某检测中心异议人" in message.body for message in staff_messages.all())
    assert not InboxMessage.objects.filter(email="zj@example.cn").exists()
    assert Objection.objects.get(pk=objection.pk).name == ""
