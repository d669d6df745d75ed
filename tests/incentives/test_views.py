import pytest

from apps.incentives import services
from apps.incentives.models import Application, ProviderMembership
from tests.factories.incentives import (
    PDF_BYTES,
    EnterprisePilotFactory,
    ProgrammeFactory,
    leader_enterprise_user,
    partner_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    return ProgrammeFactory(code="bank-credit")


@pytest.fixture
def applicant():
    return leader_enterprise_user()


def make_application(programme, applicant, upload):
    return services.application_submit(
        programme=programme,
        enterprise=applicant.membership.enterprise,
        documents={"营业执照": upload("执照.pdf"), "贷款申请书": upload("申请书.pdf")},
        actor=applicant,
    )


@pytest.fixture
def world(programme, applicant, upload, users_by_role):
    """Every role, the applicant and the provider's partner, and one submitted application."""
    users = dict(users_by_role)
    ProviderMembership.objects.create(user=users["partner"], provider=programme.provider)
    users["applicant"] = applicant
    users["other_partner"] = partner_user()
    application = make_application(programme, applicant, upload)
    return users, application


ROLES = [
    "anonymous",
    "enterprise",
    "applicant",
    "evaluator",
    "expert",
    "bureau",
    "partner",
    "other_partner",
    "administrator",
]


def expected(allowed, login_redirect=True):
    """allowed roles -> 200; anonymous -> 302 (login) unless public; others -> 403."""
    return {
        role: 200 if role in allowed else (302 if role == "anonymous" and login_redirect else 403)
        for role in ROLES
    }


EVERYONE = set(ROLES)


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("/incentives/", EVERYONE),
        ("/incentives/pilots/", EVERYONE),
        ("/incentives/bank-credit/", EVERYONE),
        ("/incentives/bank-credit/apply/", {"applicant"}),
        ("/workspace/incentives/", {"enterprise", "applicant"}),
        ("/incentives/applications/{app}/", {"applicant", "partner", "bureau", "administrator"}),
        ("/incentives/documents/{doc}/", {"applicant", "partner", "bureau", "administrator"}),
        ("/partner/", {"partner", "other_partner"}),
        ("/news/", EVERYONE),
        ("/news/feed/", EVERYONE),
        ("/news/atom/", EVERYONE),
        ("/statistics/", EVERYONE),
        ("/statistics/coverage_year.csv", EVERYONE),
    ],
)
def test_get_permission_matrix(client_for, world, url, allowed):
    users, application = world
    url = url.format(app=application.pk, doc=application.documents.first().pk)
    got = {role: client_for(users[role]).get(url).status_code for role in ROLES}
    want = expected(allowed)
    if url.endswith("/apply/"):
        want["enterprise"] = 302  # an enterprise without a title is sent back with the reason
    assert got == want


@pytest.mark.parametrize(
    ("url", "data", "allowed"),
    [
        (
            "/incentives/applications/{app}/decide/",
            {"decision": "approved", "reason": "同意"},
            {"partner"},
        ),
        ("/incentives/applications/{app}/withdraw/", {}, {"applicant"}),
        ("/partner/tokens/", {"name": "系统"}, {"partner", "other_partner"}),
    ],
)
def test_post_permission_matrix(client_for, world, url, data, allowed):
    """Allowed roles are redirected back (302) and change something; the others get 403, or
    the login page when anonymous; and a refused request changes nothing."""
    users, application = world
    url = url.format(app=application.pk)
    for role in ROLES:
        response = client_for(users[role]).post(url, data)
        if role == "anonymous":
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        elif role in allowed:
            assert response.status_code == 302, role
            assert "/accounts/login/" not in response["Location"]
        else:
            assert response.status_code == 403, role
    application.refresh_from_db()
    if "decide" in url:
        assert application.status == "approved"
        assert application.decided_by == users["partner"]
    if "withdraw" in url:
        assert application.status == "withdrawn"


def test_get_on_post_only_urls_is_refused(client_for, world):
    users, application = world
    client = client_for(users["partner"])
    assert client.get(f"/incentives/applications/{application.pk}/decide/").status_code == 405


def test_enterprise_applies_through_the_form(client_for, programme, applicant):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(applicant)
    page = client.get("/incentives/bank-credit/apply/")
    assert "营业执照" in page.content.decode()
    response = client.post(
        "/incentives/bank-credit/apply/",
        {
            "leader": page.context["form"].fields["leader"].choices[0][0],
            "statement": "用于扩大产能",
            "document_0": SimpleUploadedFile("执照.pdf", PDF_BYTES),
            "document_1": SimpleUploadedFile("申请书.txt", b"plain text"),
        },
    )
    assert response.status_code == 200
    assert "“贷款申请书”：文件内容不是 PDF、PNG 或 JPEG" in response.content.decode()
    assert Application.objects.count() == 0
    response = client.post(
        "/incentives/bank-credit/apply/",
        {
            "leader": page.context["form"].fields["leader"].choices[0][0],
            "statement": "用于扩大产能",
            "document_0": SimpleUploadedFile("执照.pdf", PDF_BYTES),
            "document_1": SimpleUploadedFile("申请书.pdf", PDF_BYTES),
        },
    )
    application = Application.objects.get()
    assert response["Location"] == f"/incentives/applications/{application.pk}/"
    assert application.statement == "用于扩大产能"


def test_ineligible_enterprise_is_sent_back_with_the_reason(client_for, programme, enterprise_user):
    response = client_for(enterprise_user).get("/incentives/bank-credit/apply/", follow=True)
    assert "须持有有效的企业标准“领跑者”称号" in response.content.decode()


def test_programme_list_shows_eligibility_to_an_enterprise(client_for, programme, applicant):
    ProgrammeFactory(code="services-only", sectors=["services"])
    body = client_for(applicant).get("/incentives/").content.decode()
    assert 'href="/incentives/bank-credit/apply/"' in body
    assert "所持领跑者称号不在本政策限定的领域或年度内" in body


def test_document_download_serves_the_stored_file(client_for, world):
    users, application = world
    document = application.documents.first()
    response = client_for(users["partner"]).get(f"/incentives/documents/{document.pk}/")
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_everyone_concerned_sees_the_decision(client_for, world):
    users, application = world
    client_for(users["partner"]).post(
        f"/incentives/applications/{application.pk}/decide/",
        {"decision": "refused", "reason": "企业信用评级不足"},
    )
    for role in ("applicant", "partner", "bureau"):
        body = client_for(users[role]).get(f"/incentives/applications/{application.pk}/").content
        assert "企业信用评级不足" in body.decode()
    mine = client_for(users["applicant"]).get("/workspace/incentives/").content.decode()
    assert "未通过" in mine and "企业信用评级不足" in mine


def test_decision_without_reason_is_refused_with_a_message(client_for, world):
    users, application = world
    response = client_for(users["partner"]).post(
        f"/incentives/applications/{application.pk}/decide/",
        {"decision": "approved", "reason": ""},
        follow=True,
    )
    assert "处理意见" in response.content.decode()
    application.refresh_from_db()
    assert application.status == "submitted"


def test_partner_desk_query_count_does_not_grow(
    client_for, programme, upload, django_assert_max_num_queries
):
    partner = partner_user(programme.provider)
    client = client_for(partner)
    make_application(programme, leader_enterprise_user(), upload)
    with django_assert_max_num_queries(10):
        assert client.get("/partner/").status_code == 200
    for _ in range(8):
        make_application(programme, leader_enterprise_user(), upload)
    with django_assert_max_num_queries(10) as captured:
        body = client.get("/partner/").content.decode()
    assert body.count("/incentives/applications/") == 9
    assert len(captured) <= 10


def test_my_applications_query_count_does_not_grow(
    client_for, applicant, upload, django_assert_max_num_queries
):
    client = client_for(applicant)
    make_application(ProgrammeFactory(), applicant, upload)
    with django_assert_max_num_queries(12):
        assert client.get("/workspace/incentives/").status_code == 200
    for _ in range(6):
        make_application(ProgrammeFactory(), applicant, upload)
    with django_assert_max_num_queries(12):
        body = client.get("/workspace/incentives/").content.decode()
    assert body.count("/incentives/applications/") == 7


def test_programme_list_query_count_does_not_grow(
    client_for, applicant, django_assert_max_num_queries
):
    client = client_for(applicant)
    ProgrammeFactory()
    with django_assert_max_num_queries(9):
        client.get("/incentives/")
    ProgrammeFactory.create_batch(10)
    with django_assert_max_num_queries(9):
        body = client.get("/incentives/").content.decode()
    assert body.count("/apply/") == 11


def test_pilot_tags_filter_and_show_on_the_public_profile(client, django_assert_max_num_queries):
    pilot = EnterprisePilotFactory(tag="benchmarking")
    EnterprisePilotFactory(tag="innovation_base")
    with django_assert_max_num_queries(6):
        body = client.get("/incentives/pilots/?tag=benchmarking").content.decode()
    assert body.count("/enterprises/") == 1
    EnterprisePilotFactory.create_batch(10, tag="benchmarking")
    with django_assert_max_num_queries(6):
        body = client.get("/incentives/pilots/?tag=benchmarking").content.decode()
    assert body.count('href="/enterprises/') == 11
    profile = client.get(f"/enterprises/{pilot.enterprise.uscc}/").content.decode()
    assert "“百城千业万企对标达标”行动" in profile
    assert "/incentives/pilots/?tag=benchmarking" in profile


def test_admin_filters_enterprises_by_pilot_tag(client_for, admin_user):
    tagged = EnterprisePilotFactory(tag="high_end_equipment").enterprise
    EnterprisePilotFactory(tag="benchmarking")
    body = (
        client_for(admin_user)
        .get("/admin/enterprises/enterprise/?pilot=high_end_equipment")
        .content.decode()
    )
    assert tagged.uscc in body
    assert "1 个企业" in body or "1 enterprise" in body or body.count("field-uscc") == 1


def test_staff_set_pilot_tags_in_the_admin_audited(client_for, bureau_user):
    from apps.core.models import AuditEntry
    from apps.incentives.models import EnterprisePilot
    from tests.factories.enterprises import EnterpriseFactory

    enterprise = EnterpriseFactory()
    response = client_for(bureau_user).post(
        "/admin/incentives/enterprisepilot/add/",
        {"enterprise": enterprise.pk, "tag": "innovation_base", "since": "2025", "note": ""},
    )
    assert response.status_code == 302
    assert EnterprisePilot.objects.get().enterprise == enterprise
    assert AuditEntry.objects.filter(action="admin.create").count() == 1


def test_staff_create_a_programme_in_the_admin(client_for, bureau_user):
    from apps.incentives.models import Programme
    from tests.factories.incentives import ProviderFactory

    provider = ProviderFactory()
    response = client_for(bureau_user).post(
        "/admin/incentives/programme/add/",
        {
            "code": "fund-2026",
            "name": "标准化专项基金",
            "kind": "special_fund",
            "provider": provider.pk,
            "description": "",
            "published": "on",
            "requires_active_leader": "on",
            "sectors": "",
            "leader_years": "2025,2026",
            "beijing_only": "on",
            "opens_on": "2026-01-01",
            "closes_on": "2026-12-31",
            "required_documents": "项目计划书，营业执照",
        },
    )
    assert response.status_code == 302
    programme = Programme.objects.get()
    assert programme.required_documents == ["项目计划书", "营业执照"]
    assert programme.leader_years == [2025, 2026]


def test_partner_desk_filters_by_status(client_for, programme, upload):
    partner = partner_user(programme.provider)
    first = make_application(programme, leader_enterprise_user(), upload)
    make_application(programme, leader_enterprise_user(), upload)
    services.application_change_status(
        application=first, target="approved", reason="同意", actor=partner
    )
    body = client_for(partner).get("/partner/?status=approved").content.decode()
    assert body.count("/incentives/applications/") == 1
    assert f"/incentives/applications/{first.pk}/" in body


def test_application_shows_the_title_current_status(client_for, world, bureau_user):
    from apps.leaders.services.titles import leader_revoke

    users, application = world
    leader_revoke(leader=application.leader, reason="抽查不合格", actor=bureau_user)
    body = client_for(users["partner"]).get(f"/incentives/applications/{application.pk}/")
    assert "称号已撤销" in body.content.decode()
