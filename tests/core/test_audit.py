import pytest

from apps.core import audit
from apps.core.models import AuditEntry
from apps.enterprises import services
from tests.factories.enterprises import EnterpriseFactory

pytestmark = pytest.mark.django_db


def test_enterprise_update_records_old_and_new_values(bureau_user):
    enterprise = EnterpriseFactory(address="旧地址")
    services.enterprise_update(enterprise=enterprise, actor=bureau_user, address="新地址")
    entry = AuditEntry.objects.get(action="enterprise.update")
    assert entry.actor == bureau_user
    assert entry.object_id == str(enterprise.pk)
    assert entry.changes == {"address": ["旧地址", "新地址"]}


def test_update_without_change_writes_no_entry(bureau_user):
    enterprise = EnterpriseFactory(address="同一地址")
    services.enterprise_update(enterprise=enterprise, actor=bureau_user, address="同一地址")
    assert not AuditEntry.objects.filter(action="enterprise.update").exists()


def test_history_for_lists_newest_first(bureau_user):
    enterprise = EnterpriseFactory()
    services.enterprise_update(enterprise=enterprise, actor=bureau_user, address="一")
    services.enterprise_update(enterprise=enterprise, actor=bureau_user, address="二")
    assert [e.changes["address"][1] for e in audit.history_for(enterprise)] == ["二", "一"]


def test_admin_change_is_audited_and_shown_in_history(client, admin_user):
    enterprise = EnterpriseFactory(name="旧名称")
    client.force_login(admin_user)
    response = client.post(
        f"/admin/enterprises/enterprise/{enterprise.pk}/change/",
        {
            "uscc": enterprise.uscc,
            "name": "新名称",
            "district": "haidian",
            "industry_code": "",
            "address": "",
            "contact_email": "",
            "contact_phone": "",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="admin.change")
    assert entry.changes == {"name": ["旧名称", "新名称"]}
    history = client.get(f"/admin/enterprises/enterprise/{enterprise.pk}/history/")
    assert "旧名称 → 新名称" in history.content.decode()
