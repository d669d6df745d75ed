import datetime

import pytest
from django.utils import timezone

from apps.core.models import AuditEntry
from apps.core.signals import leader_list_published
from apps.incentives import services, tasks
from apps.incentives.models import CreditRecord
from apps.leaders.models import Leader
from apps.leaders.services.titles import leader_revoke, leaders_expire
from tests.factories.incentives import valid_leader

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def test_new_leader_title_is_entered_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        leader = valid_leader()
    record = CreditRecord.objects.get(leader=leader)
    assert record.enterprise == leader.standard.enterprise
    assert record.status == "active"
    assert record.entered_on == leader.published_on
    assert AuditEntry.objects.get(action="credit.enter").changes == {"status": [None, "active"]}


def test_revocation_updates_the_record_with_the_reason(
    bureau_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        leader = valid_leader()
    with django_capture_on_commit_callbacks(execute=True):
        leader_revoke(
            leader=leader, reason="监督抽查不合格", actor=bureau_user, on=datetime.date(2026, 6, 1)
        )
    record = CreditRecord.objects.get(leader=leader)
    assert record.status == "revoked"
    assert record.status_changed_on == datetime.date(2026, 6, 1)
    assert record.note == "监督抽查不合格"
    assert AuditEntry.objects.get(action="credit.update").changes == {
        "status": ["active", "revoked"]
    }


def test_sync_is_set_based_idempotent_and_covers_bulk_writes():
    active = valid_leader()
    expired_by_date = valid_leader(valid_until=TODAY - datetime.timedelta(days=3))
    never_active = valid_leader(status="revoked", revoked_on=datetime.date(2026, 1, 1))
    # Bulk writes (as CSV imports do) send no signals; the sync still sees them.
    assert services.credit_records_sync() == 1
    assert list(CreditRecord.objects.values_list("leader_id", "status")) == [(active.pk, "active")]
    assert services.credit_records_sync() == 0
    Leader.objects.filter(pk=active.pk).update(valid_until=TODAY - datetime.timedelta(days=1))
    assert tasks.sync_credit_records() == 1
    record = CreditRecord.objects.get()
    assert record.status == "expired"
    assert record.status_changed_on == TODAY
    assert not CreditRecord.objects.filter(leader__in=[expired_by_date, never_active]).exists()


def test_expiry_job_moves_records_to_expired(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        leader = valid_leader(valid_until=TODAY + datetime.timedelta(days=1))
    later = TODAY + datetime.timedelta(days=2)
    leaders_expire(today=later)
    services.credit_records_sync(today=later)
    assert CreditRecord.objects.get(leader=leader).status == "expired"


def test_list_publication_signal_syncs_every_title(django_capture_on_commit_callbacks):
    leaders = [valid_leader() for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        leader_list_published.send(
            sender=Leader,
            instance=leaders[0],
            year=2025,
            title="2025 年度领跑者名单",
            url="/leaders/?year=2025",
            published_on=datetime.date(2025, 12, 1),
            leader_count=3,
            actor=None,
        )
    assert CreditRecord.objects.filter(status="active").count() == 3
