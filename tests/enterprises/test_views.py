import pytest

from tests.factories.enterprises import EnterpriseFactory

pytestmark = pytest.mark.django_db


def test_public_profile_shows_the_enterprise(client):
    enterprise = EnterpriseFactory(name="北京示例电器有限公司")
    response = client.get(f"/enterprises/{enterprise.uscc}/")
    assert response.status_code == 200
    assert "北京示例电器有限公司" in response.content.decode()


def test_public_profile_unknown_uscc_is_404(client):
    assert client.get("/enterprises/91110108551385082Q/").status_code == 404


def test_enterprise_user_edits_own_profile(client, enterprise_user):
    client.force_login(enterprise_user)
    enterprise = enterprise_user.membership.enterprise
    response = client.post(
        "/workspace/enterprise/",
        {"name": enterprise.name, "district": "chaoyang", "address": "朝阳路1号"},
    )
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.address == "朝阳路1号"
    assert enterprise.district == "chaoyang"


def test_api_enterprise_detail(client):
    enterprise = EnterpriseFactory(name="北京示例电器有限公司", district="haidian")
    response = client.get(f"/api/v1/enterprises/{enterprise.uscc}/")
    assert response.json() == {
        "uscc": enterprise.uscc,
        "name": "北京示例电器有限公司",
        "district": "haidian",
    }


def test_api_unknown_enterprise_is_404(client):
    assert client.get("/api/v1/enterprises/91110108551385082Q/").status_code == 404


def test_api_schema_and_docs_are_served(client):
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200
