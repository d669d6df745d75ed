"""Enterprise names go public only after review: a self-registration's new enterprise is hidden
until staff activate it; an enterprise user's rename is a request staff approve or refuse."""

import pytest

from apps.core.models import AuditEntry
from apps.enterprises.models import Enterprise, EnterpriseMembership, EnterpriseNameChange
from tests.enterprises.test_registration import FORM
from tests.factories.enterprises import MembershipFactory

pytestmark = pytest.mark.django_db


def test_a_pending_registrations_enterprise_is_not_public_until_activated(client, bureau_user):
    assert client.post("/accounts/register/", FORM).status_code == 200
    enterprise = Enterprise.objects.get(uscc=FORM["uscc"])
    assert not enterprise.is_public
    profile, api = f"/enterprises/{FORM['uscc']}/", f"/api/v1/enterprises/{FORM['uscc']}/"
    assert client.get(profile).status_code == 404
    assert client.get(api).status_code == 404

    membership = EnterpriseMembership.objects.get()
    client.force_login(bureau_user)
    assert FORM["enterprise_name"] in client.get("/staff/registrations/").content.decode()
    client.post(f"/staff/registrations/{membership.pk}/decide/", {"approve": "on"})
    client.logout()
    assert client.get(profile).status_code == 200
    assert client.get(api).json()["name"] == FORM["enterprise_name"]
    entry = AuditEntry.objects.get(action="enterprise.publish")
    assert (entry.actor, entry.changes) == (bureau_user, {"is_public": [False, True]})


def test_a_refused_registration_keeps_its_enterprise_hidden(client, bureau_user):
    client.post("/accounts/register/", FORM)
    membership = EnterpriseMembership.objects.get()
    client.force_login(bureau_user)
    client.post(
        f"/staff/registrations/{membership.pk}/decide/", {"approve": "", "reason": "名称不符"}
    )
    client.logout()
    assert client.get(f"/enterprises/{FORM['uscc']}/").status_code == 404


def _profile_form(client) -> dict:
    response = client.get("/workspace/enterprise/")
    form = response.context["form"]
    page = response.content.decode()
    assert all(f'name="{name}"' in page for name in form.fields)
    return {name: form[name].value() or "" for name in form.fields}


def test_a_rename_by_the_enterprise_waits_for_staff_approval(client_for, bureau_user):
    user = MembershipFactory(enterprise__name="旧名称有限公司").user
    enterprise = user.membership.enterprise
    client = client_for(user)
    data = _profile_form(client)
    data.update(name="新名称有限公司", address="新地址")
    response = client.post("/workspace/enterprise/", data, follow=True)
    assert "经市场监管局审核批准后才会公开" in response.content.decode()
    enterprise.refresh_from_db()
    assert (enterprise.name, enterprise.address) == ("旧名称有限公司", "新地址")
    assert "待市场监管局审核" in client.get("/workspace/enterprise/").content.decode()
    public = client_for(None).get(f"/api/v1/enterprises/{enterprise.uscc}/").json()
    assert public["name"] == "旧名称有限公司"
    change = EnterpriseNameChange.objects.get()
    assert AuditEntry.objects.get(action="enterprise.name_change_request").changes == {
        "name": ["旧名称有限公司", "新名称有限公司"]
    }

    staff = client_for(bureau_user)
    page = staff.get("/staff/enterprise-names/").content.decode()
    assert "新名称有限公司" in page and f'name="change" value="{change.pk}"' in page
    response = staff.post("/staff/enterprise-names/", {"change": change.pk, "approve": "on"})
    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.name == "新名称有限公司"
    assert AuditEntry.objects.filter(
        action="enterprise.name_change_approve", actor=bureau_user
    ).exists()
    assert AuditEntry.objects.get(action="enterprise.update", actor=bureau_user).changes == {
        "name": ["旧名称有限公司", "新名称有限公司"]
    }


def test_a_refusal_needs_a_reason_and_keeps_the_old_name(client_for, bureau_user):
    user = MembershipFactory(enterprise__name="旧名称有限公司").user
    client = client_for(user)
    client.post("/workspace/enterprise/", {**_profile_form(client), "name": "冒名公司"})
    change = EnterpriseNameChange.objects.get()
    staff = client_for(bureau_user)
    response = staff.post(
        "/staff/enterprise-names/", {"change": change.pk, "approve": ""}, follow=True
    )
    assert "拒绝时必须填写理由" in response.content.decode()
    change.refresh_from_db()
    assert change.status == "pending"
    staff.post("/staff/enterprise-names/", {"change": change.pk, "approve": "", "reason": "不符"})
    change.refresh_from_db()
    assert change.status == "refused"
    assert Enterprise.objects.get().name == "旧名称有限公司"
    assert AuditEntry.objects.filter(action="enterprise.name_change_refuse").exists()


def test_enterprise_users_cannot_decide_name_changes(client_for, enterprise_user):
    client = client_for(enterprise_user)
    client.post("/workspace/enterprise/", {**_profile_form(client), "name": "自批公司"})
    change = EnterpriseNameChange.objects.get()
    response = client.post("/staff/enterprise-names/", {"change": change.pk, "approve": "on"})
    assert response.status_code == 403
    assert Enterprise.objects.get().name != "自批公司"


@pytest.mark.parametrize("pending", [1, 12])
def test_the_staff_list_query_count_is_flat(
    pending, client_for, bureau_user, django_assert_max_num_queries
):
    from apps.enterprises import services

    for _ in range(pending):
        user = MembershipFactory().user
        services.name_change_request(
            enterprise=user.membership.enterprise, new_name="改名有限公司", actor=user
        )
    client = client_for(bureau_user)
    with django_assert_max_num_queries(8):
        response = client.get("/staff/enterprise-names/")
    assert response.content.decode().count('name="change"') == pending
