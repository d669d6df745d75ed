from decimal import Decimal

import pytest
from django.db import connection

from apps.declarations.search_stats import gram_statistics
from tests.declarations.helpers import declare
from tests.factories.declarations import (
    IndicatorValueFactory,
    StandardFactory,
    category_with_indicators,
)
from tests.factories.enterprises import EnterpriseFactory

pytestmark = pytest.mark.django_db

FIELDS = [
    "id",
    "uscc",
    "enterprise",
    "standard_no",
    "name",
    "category",
    "category_name",
    "products",
    "published_on",
    "status",
    "indicators",
]


def test_detail_has_exactly_the_contract_fields(enterprise_user, category, pdf, client):
    standard = declare(user=enterprise_user, category=category, pdf=pdf())
    data = client.get(f"/api/v1/standards/{standard.pk}/").json()
    assert list(data) == FIELDS
    enterprise = enterprise_user.membership.enterprise
    assert data == {
        "id": standard.pk,
        "uscc": enterprise.uscc,
        "enterprise": enterprise.name,
        "standard_no": "Q/BJT 001-2024",
        "name": "电饭锅企业标准",
        "category": "C-RICE",
        "category_name": "电饭锅",
        "products": "IH电饭煲 FB-30A",
        "published_on": standard.published_on.isoformat(),
        "status": "public",
        "indicators": [
            {"code": "EFF", "name": "热效率", "unit": "%", "value": "85"},
            {"code": "NOISE", "name": "噪声", "unit": "dB(A)", "value": "40"},
            {"code": "STANDBY", "name": "待机功率", "unit": "W", "value": "0.8"},
        ],
    }


def test_list_gives_the_same_fields_and_pagination(category, client):
    standard = StandardFactory(category=category)
    IndicatorValueFactory(
        standard=standard, indicator=category.indicators.get(code="EFF"), value=Decimal("100")
    )
    data = client.get("/api/v1/standards/").json()
    assert list(data) == ["count", "count_capped", "expanded_terms", "next", "previous", "results"]
    assert data["expanded_terms"] == []  # no q, nothing searched for
    assert data["count"] == 1 and data["count_capped"] is False
    assert list(data["results"][0]) == FIELDS
    assert data["results"][0]["indicators"][0]["value"] == "100"
    assert data["results"] == [client.get(f"/api/v1/standards/{standard.pk}/").json()]


def test_drafts_are_never_served(category, client, enterprise_user):
    draft = declare(user=enterprise_user, category=category, publish=False)
    assert client.get(f"/api/v1/standards/{draft.pk}/").status_code == 404
    assert client.get("/api/v1/standards/").json()["count"] == 0
    client.force_login(enterprise_user)
    assert client.get(f"/api/v1/standards/{draft.pk}/").status_code == 404


def test_list_filters(client, category):
    other = category_with_indicators(code="C-AC", name="房间空气调节器")
    firm = EnterpriseFactory(name="北京华创电器有限公司")
    a = StandardFactory(enterprise=firm, category=category, name="电饭锅标准")
    b = StandardFactory(category=other, name="空调标准", products="KFR-35GW")

    def ids(**params):
        return [row["id"] for row in client.get("/api/v1/standards/", params).json()["results"]]

    assert ids(q="华创") == [a.pk]
    assert ids(q="kfr-35") == [b.pk]
    assert ids(category="C-AC") == [b.pk]
    assert ids(uscc=firm.uscc) == [a.pk]
    assert ids(uscc=firm.uscc, q="空调") == []


def test_api_is_read_only(client, enterprise_user, category):
    standard = StandardFactory(category=category)
    client.force_login(enterprise_user)
    assert client.post("/api/v1/standards/", {}).status_code == 405
    assert client.delete(f"/api/v1/standards/{standard.pk}/").status_code == 405


def test_capped_count(client, category, monkeypatch):
    monkeypatch.setattr("apps.declarations.selectors.CappedPaginator.cap", 3)
    for _ in range(5):
        StandardFactory(category=category)
    data = client.get("/api/v1/standards/", {"page_size": 2}).json()
    assert (data["count"], data["count_capped"]) == (3, True)
    seen = [row["id"] for row in data["results"]]
    while data["next"]:  # every match stays reachable past the cap
        data = client.get(data["next"]).json()
        seen += [row["id"] for row in data["results"]]
    assert len(seen) == len(set(seen)) == 5


@pytest.mark.parametrize("rows", [1, 25])
def test_list_query_count(rows, client, category, django_assert_max_num_queries):
    indicators = list(category.indicators.all())
    for _ in range(rows):
        standard = StandardFactory(category=category)
        for indicator in indicators:
            IndicatorValueFactory(standard=standard, indicator=indicator)
    # plan probe (2, or 3 when the index counts too), page, enterprises, indicator values,
    # and for the primary-key plan its planner hint (savepoint, SET LOCAL on/off, release);
    # the search's statistics are read once per process and a few minutes, here beforehand.
    gram_statistics(connection)
    with django_assert_max_num_queries(10):
        data = client.get("/api/v1/standards/", {"q": "测试"}).json()
    assert len(data["results"]) == min(rows, 20)
    assert all(len(row["indicators"]) == 3 for row in data["results"])


def test_schema_documents_the_endpoint(client):
    schema = client.get("/api/schema/").content.decode()
    assert "/api/v1/standards/{id}/" in schema
    assert "count_capped" in schema
