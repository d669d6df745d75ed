"""A person asks for their data, or for it to be deleted (PIPL art. 45, 47): the security
administrator opens the person's account in the admin, follows "个人信息：导出或删除" and
submits the rendered forms. Both are audited; a person with obligations (signed expert
opinions, their own entries in the audit log) is anonymised rather than deleted; nobody else
may do either."""

import csv
import io
import json
import re

import pytest
from django.urls import reverse

from apps.accounts.enums import Role
from apps.accounts.models import User
from apps.core.crypto import blind_index
from apps.core.models import AuditEntry
from apps.experts.models import Expert, ReviewMember
from apps.leaders.models import Objection
from apps.leaders.services.objections import objection_file
from tests.factories.accounts import UserFactory
from tests.factories.lifecycle import list_in_notice, ranked_scheme
from tests.pages import submit

pytestmark = pytest.mark.django_db


def _page_url(client, person) -> str:
    """The link on the person's account page, as the security administrator sees it."""
    change = client.get(reverse("admin:accounts_user_change", args=[person.pk])).content.decode()
    match = re.search(r'<a href="([^"]+)" id="personal-data-link">', change)
    assert match, "no personal data link on the account page"
    return match.group(1)


@pytest.fixture
def notice(bureau_user):
    """A candidate list in notice, reviewed by three experts who gave signed opinions."""
    return list_in_notice(ranked_scheme(entrants=3), bureau_user)


@pytest.fixture
def expert_user(notice):
    """An expert who signed an opinion, and filed an objection with their e-mail."""
    member = ReviewMember.objects.select_related("expert__user").first()
    user = member.expert.user
    user.phone = "13700001111"
    user.save(update_fields=["phone"])
    Expert.objects.filter(pk=member.expert_id).update(phone="")
    objection_file(
        candidate=notice.candidates.first(),
        name="某检测公司王工",
        contact=user.email.upper(),
        grounds="=HYPERLINK(1)",
        consented=True,
    )
    return user


def test_the_security_administrator_exports_a_person_as_json(client, security_admin, expert_user):
    client.force_login(security_admin)
    url = _page_url(client, expert_user)
    page = client.get(url).content.decode()
    assert "已提交的专家评审意见 1 条" in page  # why the account must stay
    response = submit(client, url, {"format": "json"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="personal-data-')
    document = json.loads(response.content)
    sections = {part["key"]: part["records"] for part in document["sections"]}
    assert sections["account"][0]["邮箱（登录名）"] == expert_user.email
    assert sections["account"][0]["电话"] == "13700001111"  # decrypted for the person
    assert sections["account"][0]["角色"] == "专家"
    assert sections["expert"][0]["姓名"] == expert_user.expert.name
    assert any(row.get("意见") == "同意" for row in sections["expert"])  # the signed opinion
    assert [row["异议人姓名或单位"] for row in sections["objections"]] == ["某检测公司王工"]
    assert any(row["操作"] == "提交评审意见" for row in sections["audit"])
    entry = AuditEntry.objects.get(action="account.personal_data_export")
    assert (entry.actor, entry.object_id) == (security_admin, str(expert_user.pk))
    assert entry.changes["format"] == [None, "JSON"]


def test_the_csv_export_opens_in_excel_and_neutralises_formulas(
    client, security_admin, expert_user
):
    client.force_login(security_admin)
    response = submit(client, _page_url(client, expert_user), {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["部分", "记录", "项目", "内容"]
    assert ["账户", "1", "邮箱（登录名）", expert_user.email] in rows
    assert ["异议", "1", "异议理由", "'=HYPERLINK(1)"] in rows
    # The download is audited twice over: as this request, and as a CSV export.
    assert AuditEntry.objects.filter(action="account.personal_data_export").count() == 1
    assert AuditEntry.objects.filter(action="data.export", actor=security_admin).count() == 1


def test_a_person_with_signed_opinions_is_anonymised(client, security_admin, expert_user):
    expert = expert_user.expert
    client.force_login(security_admin)
    url = _page_url(client, expert_user)
    assert "将匿名化" in client.get(url).content.decode()
    response = submit(
        client, url, {"reason": "本人 2026-12-01 来函申请删除，已核对身份证件", "confirm": "on"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:accounts_user_change", args=[expert_user.pk])

    person = User.objects.get(pk=expert_user.pk)
    assert person.email == f"anonymised-{person.pk}@leaders.invalid"
    assert (person.name, person.phone, person.is_active) == ("已匿名化的用户", "", False)
    assert not person.has_usable_password()
    expert.refresh_from_db()
    assert (expert.name, expert.phone, expert.status) == ("已匿名化的专家", "", "retired")
    # The signed opinion stays, under the anonymised expert.
    assert ReviewMember.objects.filter(expert=expert).exclude(decision="").count() == 1
    # The objection they filed keeps its grounds, loses the objector.
    objection = Objection.objects.get()
    assert (objection.name, objection.contact, objection.grounds) == ("", "", "=HYPERLINK(1)")
    entry = AuditEntry.objects.get(action="account.personal_data_erase")
    assert entry.actor == security_admin and entry.object_id == str(person.pk)
    assert entry.changes["outcome"] == [None, "已匿名化"]
    assert entry.object_repr == "已删除个人信息的账户"
    assert AuditEntry.objects.filter(action="objection.personal_data_purge").count() == 1
    # Nothing of the old identity in what the erasure wrote to the log.
    written = AuditEntry.objects.filter(action__endswith="personal_data_erase")
    assert expert_user.email not in str([(e.object_repr, e.changes) for e in written])


def test_a_person_without_obligations_is_deleted(client, security_admin, bureau_user):
    # An evaluator's account made by staff, never used; the person filed an objection by phone.
    person = UserFactory(role=Role.EVALUATOR, phone="139 0000 2222")
    candidate = list_in_notice(ranked_scheme(entrants=3), bureau_user).candidates.first()
    objection = objection_file(
        candidate=candidate, name="李四", contact="13900002222", grounds="理由", consented=True
    )
    client.force_login(security_admin)
    url = _page_url(client, person)
    assert "将连同其个人信息一并删除" in client.get(url).content.decode()
    response = submit(client, url, {"reason": "本人电话申请，已回拨核实", "confirm": "on"})
    assert response["Location"] == reverse("admin:accounts_user_changelist")
    assert not User.objects.filter(pk=person.pk).exists()
    objection.refresh_from_db()
    assert (objection.name, objection.contact) == ("", "")
    assert objection.contact_index != blind_index("13900002222")
    entry = AuditEntry.objects.get(action="account.personal_data_erase")
    assert entry.object_id == str(person.pk) and entry.changes["outcome"] == [None, "已删除"]


def test_a_reason_and_the_confirmation_are_required(client, security_admin):
    person = UserFactory(role=Role.PARTNER)
    client.force_login(security_admin)
    url = _page_url(client, person)
    response = submit(client, url, {"reason": "", "confirm": "on"})
    assert response.status_code == 200
    assert User.objects.filter(pk=person.pk, is_active=True).exists()
    assert not AuditEntry.objects.filter(action="account.personal_data_erase").exists()


@pytest.mark.parametrize("target_role", [Role.ADMINISTRATOR, Role.SECURITY_ADMIN])
def test_administrators_and_oneself_are_not_erased(client, security_admin, target_role):
    target = (
        security_admin
        if target_role == Role.SECURITY_ADMIN
        else UserFactory(role=target_role, is_staff=True)
    )
    client.force_login(security_admin)
    url = reverse("admin:accounts_user_personal_data", args=[target.pk])
    response = submit(client, url, {"reason": "测试", "confirm": "on"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "不能删除自己的个人信息" in page or "管理员账户不能在此删除" in page
    assert User.objects.get(pk=target.pk).is_active


@pytest.mark.parametrize("who", ["bureau_user", "system_admin", "audit_admin"])
def test_nobody_else_exports_or_erases(client, request, who, security_admin):
    person = UserFactory(role=Role.ENTERPRISE, phone="13600003333")
    client.force_login(request.getfixturevalue(who))
    change = client.get(reverse("admin:accounts_user_change", args=[person.pk]))
    assert "personal-data-link" not in change.content.decode()
    url = reverse("admin:accounts_user_personal_data", args=[person.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"action": "export", "format": "json"}).status_code == 403
    erase = {"action": "erase", "reason": "x", "confirm": "on"}
    assert client.post(url, erase).status_code == 403
    assert User.objects.filter(pk=person.pk, is_active=True).exists()
    assert not AuditEntry.objects.filter(action__startswith="account.personal_data").exists()


def test_people_without_staff_access_are_sent_to_sign_in(client, enterprise_user):
    client.force_login(enterprise_user)
    url = reverse("admin:accounts_user_personal_data", args=[enterprise_user.pk])
    response = client.get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]
