import datetime

import pytest
from django.utils import timezone

from apps.accounts.enums import Role
from apps.core.models import AuditEntry
from apps.incentives import services
from apps.incentives.models import PartnerToken
from tests.factories.accounts import UserFactory
from tests.factories.incentives import partner_user, valid_leader

pytestmark = pytest.mark.django_db

FEED = "/api/v1/partner/leaders/"
CSV = "/api/v1/partner/leaders.csv"
TODAY = timezone.localdate()


@pytest.fixture
def leaders():
    active = valid_leader()
    valid_leader(status="revoked", revoked_on=datetime.date(2026, 2, 1))
    valid_leader(valid_until=TODAY - datetime.timedelta(days=1))  # past validity
    valid_leader(published_on=TODAY + datetime.timedelta(days=5))  # not yet published
    return active


@pytest.mark.parametrize("url", [FEED, CSV])
def test_anonymous_gets_401(client, url):
    response = client.get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("url", [FEED, CSV])
@pytest.mark.parametrize("role", ["enterprise", "evaluator", "expert", "bureau", "administrator"])
def test_other_roles_get_403(client_for, users_by_role, role, url):
    assert client_for(users_by_role[role]).get(url).status_code == 403


def test_partner_without_provider_gets_403(client_for):
    assert client_for(UserFactory(role=Role.PARTNER)).get(FEED).status_code == 403


def test_partner_reads_only_currently_valid_titles(client_for, leaders):
    body = client_for(partner_user()).get(FEED).json()
    assert body["count"] == 1
    assert body["results"] == [
        {
            "year": 2025,
            "category": "C-AC",
            "category_name": "房间空气调节器",
            "sector": "consumer_goods",
            "uscc": leaders.standard.enterprise.uscc,
            "enterprise": leaders.standard.enterprise.name,
            "standard_no": leaders.standard.standard_no,
            "standard_name": leaders.standard.name,
            "rank": 1,
            "score": "93.33",
            "published_on": "2025-12-01",
            "valid_until": leaders.valid_until.isoformat(),
            "verification_code": leaders.verification_code,
        }
    ]


def test_csv_has_bom_header_and_verification_codes(client_for, leaders):
    response = client_for(partner_user()).get(CSV)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeffyear,category,category_name,sector,uscc,")
    lines = text.strip().splitlines()
    assert len(lines) == 2
    assert lines[1].endswith(leaders.verification_code)
    assert f"active-leaders-{TODAY.isoformat()}.csv" in response["Content-Disposition"]


def test_token_authentication(client, leaders):
    partner = partner_user()
    token, key = services.partner_token_issue(actor=partner, name="信贷系统")
    assert PartnerToken.objects.get().key_hash != key  # only the hash is stored
    response = client.get(FEED, HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert response.json()["count"] == 1
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert client.get(CSV, HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    assert client.get(FEED, HTTP_AUTHORIZATION="Token wrong").status_code == 401
    assert client.get(FEED, HTTP_AUTHORIZATION="Token a b").status_code == 401
    services.partner_token_revoke(token=token, actor=partner)
    assert client.get(FEED, HTTP_AUTHORIZATION=f"Token {key}").status_code == 401
    assert AuditEntry.objects.filter(action__startswith="partner_token.").count() == 2


def test_token_of_a_user_who_lost_the_partner_role_is_refused(client):
    partner = partner_user()
    _token, key = services.partner_token_issue(actor=partner, name="信贷系统")
    partner.role = Role.ENTERPRISE
    partner.save()
    assert client.get(FEED, HTTP_AUTHORIZATION=f"Token {key}").status_code == 403


def test_tokens_are_issued_and_revoked_on_the_partner_desk(client_for):
    partner = partner_user()
    client = client_for(partner)
    response = client.post("/partner/tokens/", {"name": "采购系统"}, follow=True)
    key = response.context["new_key"]
    assert key and PartnerToken.objects.get(user=partner).prefix == key[:8]
    assert "new_key" not in client.session
    assert client.get(FEED, HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    token = PartnerToken.objects.get()
    other = partner_user()
    assert client_for(other).post(f"/partner/tokens/{token.pk}/revoke/").status_code == 404
    client_for(partner).post(f"/partner/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_feed_query_count_does_not_grow(client_for, django_assert_num_queries):
    partner = partner_user()
    client = client_for(partner)
    valid_leader()
    # session, user, provider membership (permission), count, page
    with django_assert_num_queries(5):
        assert client.get(FEED).json()["count"] == 1
    for _ in range(15):
        valid_leader()
    with django_assert_num_queries(5):
        assert client.get(FEED).json()["count"] == 16


def test_csv_query_count_does_not_grow(client_for, django_assert_max_num_queries):
    client = client_for(partner_user())
    valid_leader()
    with django_assert_max_num_queries(5):
        b"".join(client.get(CSV).streaming_content)
    for _ in range(15):
        valid_leader()
    with django_assert_max_num_queries(5):
        lines = b"".join(client.get(CSV).streaming_content).decode().strip().splitlines()
    assert len(lines) == 17
