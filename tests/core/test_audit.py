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


def test_admin_bulk_delete_is_audited_per_row(client, admin_user):
    from apps.enterprises.models import Enterprise

    enterprises = [EnterpriseFactory(), EnterpriseFactory()]
    client.force_login(admin_user)
    response = client.post(
        "/admin/enterprises/enterprise/",
        {
            "action": "delete_selected",
            "_selected_action": [str(e.pk) for e in enterprises],
            "post": "yes",
        },
    )
    assert response.status_code == 302
    assert not Enterprise.objects.filter(pk__in=[e.pk for e in enterprises]).exists()
    deleted = AuditEntry.objects.filter(action="admin.delete", actor=admin_user)
    assert sorted(deleted.values_list("object_id", flat=True)) == sorted(
        str(e.pk) for e in enterprises
    )


def _workflow_rows():
    from tests.factories.evaluators import ApplicationFactory, approved_scheme
    from tests.factories.leaders import LeaderFactory

    scheme = approved_scheme()
    return {
        "evaluators/scheme": scheme,
        "evaluators/keyareaapplication": ApplicationFactory(),
        "leaders/leader": LeaderFactory(),
    }


def test_admin_cannot_add_change_or_delete_workflow_rows(client, admin_user):
    """Schemes, key-area applications and leaders change only through their services (state
    machine, permission check, audit): even the administrator only views them."""
    client.force_login(admin_user)
    for path, row in _workflow_rows().items():
        row.refresh_from_db()
        before = {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields}
        assert client.get(f"/admin/{path}/{row.pk}/change/").status_code == 200
        audit.record(actor=admin_user, action="workflow.step", target=row)
        history = client.get(f"/admin/{path}/{row.pk}/history/").content.decode()
        assert "workflow.step" in history  # the history page is the row's audit log
        assert client.post(f"/admin/{path}/{row.pk}/change/", {}).status_code == 403
        assert client.post(f"/admin/{path}/{row.pk}/delete/", {"post": "yes"}).status_code == 403
        assert client.get(f"/admin/{path}/add/").status_code == 403
        row.refresh_from_db()
        assert before == {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields}
    assert not AuditEntry.objects.filter(action__startswith="admin.").exists()
