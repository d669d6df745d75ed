"""Personal information is shown only to the roles that need it (docs/security.md "Personal
information"): phone numbers to bureau staff and the system administrator (and the person's
own enterprise), objectors to bureau staff; never to the security or audit administrator, the
experts who review an objection, or the public (pages, API); and the audit log records that
a personal field changed, never its value."""

import pytest
from django.urls import reverse

from apps.accounts.enums import Role
from apps.core.models import AuditEntry
from apps.experts.models import ReviewMember
from apps.leaders.models import Objection
from apps.leaders.services.objections import objection_file, objection_send_to_review
from apps.leaders.services.objector_data import objections_of_person
from tests.factories.accounts import UserFactory
from tests.factories.enterprises import EnterpriseFactory, MembershipFactory
from tests.factories.lifecycle import expert_pool, list_in_notice, ranked_scheme
from tests.pages import submit

pytestmark = pytest.mark.django_db

PHONE = "13812345678"
OBJECTOR, CONTACT = "北京某某检测技术中心", "objector-secret@example.cn"


@pytest.fixture
def objection(bureau_user):
    candidate_list = list_in_notice(ranked_scheme(entrants=3), bureau_user)
    return objection_file(
        candidate=candidate_list.candidates.first(),
        name=OBJECTOR,
        contact=CONTACT,
        grounds="该标准声明的待机功率与实测不符",
        ip_address="10.0.0.9",
        consented=True,
    )


def _page(client, user, url) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def test_an_accounts_phone_is_for_the_system_administrator_not_the_security_one(
    client, system_admin, security_admin, admin_user
):
    person = UserFactory(role=Role.EVALUATOR, phone=PHONE)
    url = reverse("admin:accounts_user_change", args=[person.pk])
    assert PHONE in _page(client, system_admin, url)
    assert PHONE in _page(client, admin_user, url)
    secadm = _page(client, security_admin, url)
    assert PHONE not in secadm and 'name="phone"' not in secadm


def test_the_objector_is_for_bureau_staff_only(client, objection, bureau_user, system_admin):
    staff_page = _page(client, bureau_user, f"/staff/objections/{objection.pk}/")
    assert OBJECTOR in staff_page and CONTACT in staff_page
    # The system administrator may read objections in the admin, without the objector.
    for url in (
        reverse("admin:leaders_objection_change", args=[objection.pk]),
        reverse("admin:leaders_objection_changelist"),
    ):
        page = _page(client, system_admin, url)
        assert OBJECTOR not in page and CONTACT not in page and "10.0.0.9" not in page


def test_experts_reviewing_an_objection_do_not_see_who_filed_it(client, objection, bureau_user):
    expert_pool(objection.candidate.candidate_list.scheme.category, 3)
    review = objection_send_to_review(objection=objection, size=3, actor=bureau_user)
    member = ReviewMember.objects.filter(review=review).select_related("expert__user").first()
    page = _page(client, member.expert.user, f"/workspace/expert/reviews/{review.pk}/")
    assert "该标准声明的待机功率与实测不符" in page  # the grounds, which they judge
    assert OBJECTOR not in page and CONTACT not in page


def test_public_pages_and_the_api_never_show_contacts(client, objection):
    enterprise = objection.candidate.standard.enterprise
    enterprise.contact_phone = PHONE
    enterprise.save(update_fields=["contact_phone"])
    client.logout()
    for url in (
        f"/enterprises/{enterprise.uscc}/",
        f"/api/v1/enterprises/{enterprise.uscc}/",
        f"/notices/{objection.candidate.candidate_list_id}/",
        "/notices/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert PHONE not in body and OBJECTOR not in body and CONTACT not in body, url


def test_the_enterprise_sees_and_edits_its_own_contact_phone_and_the_log_keeps_no_value(
    client, audit_admin
):
    membership = MembershipFactory(
        status="active", enterprise=EnterpriseFactory(contact_phone="010-11112222")
    )
    client.force_login(membership.user)
    page = client.get("/workspace/enterprise/").content.decode()
    assert "010-11112222" in page
    enterprise = membership.enterprise
    response = submit(
        client, "/workspace/enterprise/", {"name": enterprise.name, "contact_phone": PHONE}
    )
    assert response.status_code == 302
    membership.enterprise.refresh_from_db()
    assert membership.enterprise.contact_phone == PHONE
    entry = AuditEntry.objects.get(action="enterprise.update")
    assert entry.changes["contact_phone"] == ["******", "******"]
    assert PHONE not in str(entry.changes) and "010-11112222" not in str(entry.changes)
    # The audit administrator reads the change, not the number.
    log = _page(client, audit_admin, reverse("admin:core_auditentry_change", args=[entry.pk]))
    assert PHONE not in log


def test_an_admin_edit_of_a_phone_is_audited_without_the_number(client, system_admin):
    person = UserFactory(role=Role.EVALUATOR, phone="")
    client.force_login(system_admin)
    url = reverse("admin:accounts_user_change", args=[person.pk])
    response = submit(
        client,
        url,
        {
            "email": person.email,
            "name": person.name,
            "phone": PHONE,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.phone == PHONE
    entry = AuditEntry.objects.get(action="admin.change", object_id=str(person.pk))
    assert entry.changes["phone"] == ["", "******"]


def test_objections_are_found_by_contact_without_decrypting(objection):
    assert list(objections_of_person(contacts=[CONTACT.upper()])) == [objection]
    assert not objections_of_person(contacts=["someone-else@example.cn"]).exists()
    assert Objection.objects.get().contact == CONTACT
