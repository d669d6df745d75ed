import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from apps.core.models import AuditEntry
from apps.leaders.services.titles import leader_revoke, leaders_expire
from tests.factories.leaders import LeaderFactory

pytestmark = pytest.mark.django_db


def test_api_leaders_lists_contract_fields(client):
    leader = LeaderFactory()
    response = client.get("/api/v1/leaders/?year=2025&category=C-AC")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["results"][0] == {
        "year": 2025,
        "category": "C-AC",
        "uscc": leader.standard.enterprise.uscc,
        "enterprise": leader.standard.enterprise.name,
        "standard_no": leader.standard.standard_no,
        "rank": 1,
        "score": "93.33",
        "status": leader.status_on(datetime.date.today()),
        "published_on": "2025-12-01",
        "valid_until": "2026-11-30",
        "verification_code": leader.verification_code,
    }


def test_api_leaders_filters_by_year_and_category(client):
    LeaderFactory(year=2024, valid_until=datetime.date(2030, 1, 1))
    LeaderFactory(year=2025, valid_until=datetime.date(2030, 1, 1))
    assert client.get("/api/v1/leaders/?year=2024").json()["count"] == 1
    assert client.get("/api/v1/leaders/?category=C-NONE").json()["count"] == 0


def test_api_leaders_query_count_does_not_grow(client, django_assert_num_queries):
    LeaderFactory()
    with django_assert_num_queries(2):
        client.get("/api/v1/leaders/")
    LeaderFactory.create_batch(10)
    with django_assert_num_queries(2):
        client.get("/api/v1/leaders/")


def test_leader_list_page_query_count_does_not_grow(client, django_assert_max_num_queries):
    LeaderFactory.create_batch(12, valid_until=datetime.date(2030, 1, 1))
    with django_assert_max_num_queries(4):
        response = client.get("/leaders/?year=2025")
    assert response.status_code == 200
    assert response.content.decode().count("badge-leader") == 12


def test_title_past_validity_reads_expired_before_and_after_the_job(client):
    leader = LeaderFactory(valid_until=datetime.date(2025, 12, 31))
    assert leader.status_on(datetime.date(2026, 1, 1)) == "expired"
    assert leaders_expire(today=datetime.date(2026, 1, 1)) == 1
    leader.refresh_from_db()
    assert leader.status == "expired"
    assert AuditEntry.objects.filter(action="leader.expire").count() == 1


def test_revocation_is_public_with_date_and_reason(client, bureau_user):
    leader = LeaderFactory(valid_until=datetime.date(2030, 1, 1))
    leader_revoke(
        leader=leader, reason="监督抽查不合格", actor=bureau_user, on=datetime.date(2026, 5, 1)
    )
    page = client.get(f"/leaders/{leader.verification_code}/").content.decode()
    assert "已于 2026-05-01 撤销，原因：监督抽查不合格" in page
    entry = AuditEntry.objects.get(action="leader.revoke")
    assert entry.changes["status"] == ["active", "revoked"]


def test_revocation_needs_reason_and_staff(bureau_user, enterprise_user):
    leader = LeaderFactory()
    with pytest.raises(ValidationError):
        leader_revoke(leader=leader, reason=" ", actor=bureau_user)
    with pytest.raises(PermissionDenied):
        leader_revoke(leader=leader, reason="x", actor=enterprise_user)


def test_revoked_title_cannot_be_revoked_again(bureau_user):
    leader = LeaderFactory()
    leader_revoke(leader=leader, reason="一", actor=bureau_user)
    with pytest.raises(ValidationError):
        leader_revoke(leader=leader, reason="二", actor=bureau_user)


def test_leader_list_is_paged(client, monkeypatch):
    from apps.leaders import views

    monkeypatch.setattr(views, "LEADER_PAGE_SIZE", 5)
    LeaderFactory.create_batch(7, valid_until=datetime.date(2030, 1, 1))
    first = client.get("/leaders/?year=2025").content.decode()
    second = client.get("/leaders/?year=2025&page=2").content.decode()
    assert first.count("badge-leader") == 5
    assert second.count("badge-leader") == 2
    assert "year=2025&amp;page=2" in first
