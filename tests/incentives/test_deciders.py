"""Every programme has someone who decides: partners on the partner desk, bureau staff on the
staff desk for the bureau's own programmes; the enterprise is told of the decision."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command

from apps.accounts.enums import Role
from apps.core.models import AuditEntry
from apps.incentives import demo, services
from apps.incentives.models import Application, Programme, ProviderMembership
from apps.leaders.models import Notification
from tests.factories.accounts import UserFactory
from tests.factories.declarations import CategoryFactory
from tests.factories.enterprises import EnterpriseFactory, MembershipFactory
from tests.factories.incentives import (
    ProgrammeFactory,
    ProviderFactory,
    leader_enterprise_user,
    partner_user,
)
from tests.factories.leaders import LeaderStandardFactory
from tests.incentives.html_forms import fill, form_with, forms_of

pytestmark = pytest.mark.django_db

DEMO_PASSWORD = "Demo-Leader-2026"


def submit(programme, applicant, upload):
    return services.application_submit(
        programme=programme,
        enterprise=applicant.membership.enterprise,
        documents={name: upload(f"{name}.pdf") for name in programme.required_documents},
        actor=applicant,
    )


def decide_through_the_page(client, application, decision="approved", reason="符合条件"):
    """GET the application's page, post the decision form it renders."""
    url = f"/incentives/applications/{application.pk}/"
    page = client.get(url)
    assert page.status_code == 200
    form = form_with(page, action=f"{url}decide/")
    return client.post(form["action"], fill(form, decision=decision, reason=reason), follow=True)


# ---------------------------------------------------------------------------------------------
# Bureau-run programmes


@pytest.fixture
def bureau_programme():
    return ProgrammeFactory(
        code="innovation-award",
        kind="innovation_award",
        provider=ProviderFactory(name="北京市市场监督管理局标准化处", kind="bureau"),
        required_documents=["推荐表"],
    )


@pytest.fixture
def bureau_world(bureau_programme, upload, users_by_role):
    users = dict(users_by_role)
    users["applicant"] = leader_enterprise_user()
    users["bank_partner"] = partner_user()
    users["unattached_partner"] = UserFactory(role=Role.PARTNER)
    application = submit(bureau_programme, users["applicant"], upload)
    return users, application


ROLES = [
    "anonymous",
    "enterprise",
    "applicant",
    "evaluator",
    "expert",
    "bureau",
    "partner",
    "bank_partner",
    "unattached_partner",
    "administrator",
]


def expected(allowed):
    return {
        role: 200 if role in allowed else (302 if role == "anonymous" else 403) for role in ROLES
    }


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("/staff/incentives/", {"bureau", "administrator"}),
        ("/staff/pilots/", {"bureau", "administrator"}),
        ("/staff/pilots/?q=北京", {"bureau", "administrator"}),
        # Any partner account reaches its desk; one not attached to a provider is told why.
        ("/partner/", {"partner", "bank_partner", "unattached_partner"}),
        ("/incentives/applications/{app}/", {"applicant", "bureau", "administrator"}),
    ],
)
def test_get_permission_matrix_of_the_desks(client_for, bureau_world, url, allowed):
    users, application = bureau_world
    url = url.format(app=application.pk)
    got = {role: client_for(users[role]).get(url).status_code for role in ROLES}
    assert got == expected(allowed)


def test_only_bureau_staff_decide_a_bureau_programme(client_for, bureau_world):
    users, application = bureau_world
    url = f"/incentives/applications/{application.pk}/decide/"
    data = {"decision": "approved", "reason": "推荐申报"}
    for role in ROLES:
        if role == "bureau":
            continue
        response = client_for(users[role]).post(url, data)
        if role == "anonymous":
            assert "/accounts/login/" in response["Location"]
        else:
            assert response.status_code == 403, role
    application.refresh_from_db()
    assert application.status == "submitted"
    assert client_for(users["bureau"]).post(url, data).status_code == 302
    application.refresh_from_db()
    assert (application.status, application.decided_by) == ("approved", users["bureau"])


def test_decision_form_is_rendered_only_for_a_decider(client_for, bureau_world):
    users, application = bureau_world
    url = f"/incentives/applications/{application.pk}/"
    for role in ("bureau", "administrator", "applicant"):
        body = client_for(users[role]).get(url).content.decode()
        assert (f"{url}decide/" in body) == (role == "bureau"), role


def test_bureau_staff_decide_on_the_staff_desk_and_the_enterprise_is_told(
    client_for, bureau_world, django_capture_on_commit_callbacks
):
    users, application = bureau_world
    client = client_for(users["bureau"])
    desk = client.get("/staff/incentives/").content.decode()
    assert f'href="/incentives/applications/{application.pk}/"' in desk
    with django_capture_on_commit_callbacks(execute=True):
        response = decide_through_the_page(client, application, "refused", "推荐名额已满")
    assert "已处理该申请" in response.content.decode()
    application.refresh_from_db()
    assert application.status == "refused"
    entry = AuditEntry.objects.get(action="incentive.refused")
    assert entry.actor == users["bureau"]
    assert entry.changes["reason"] == [None, "推荐名额已满"]

    applicant = client_for(users["applicant"])
    notices = applicant.get("/workspace/notifications/").content.decode()
    assert "激励申请“" in notices and "未通过" in notices and "推荐名额已满" in notices
    assert f"/incentives/applications/{application.pk}/" in notices
    mine = applicant.get("/workspace/incentives/").content.decode()
    assert "推荐名额已满" in mine
    (message,) = mail.outbox
    assert users["applicant"].email in message.to
    assert "未通过" in message.subject and "推荐名额已满" in message.body
    notification = Notification.objects.get()
    assert notification.get_kind_display() == "激励申请处理结果"


def test_bureau_application_is_not_on_any_partner_desk(client_for, bureau_world):
    users, application = bureau_world
    for role in ("partner", "bank_partner", "unattached_partner"):
        body = client_for(users[role]).get("/partner/").content.decode()
        assert f"/incentives/applications/{application.pk}/" not in body, role


def test_unattached_partner_is_told_to_ask_the_bureau(client_for):
    body = client_for(UserFactory(role=Role.PARTNER)).get("/partner/").content.decode()
    assert "尚未关联政策提供机构" in body


def test_staff_desk_lists_programmes_nobody_can_decide(client_for, bureau_user, upload):
    orphan = ProgrammeFactory(name="无人审核的专项基金", provider=ProviderFactory(kind="fund"))
    submit(orphan, leader_enterprise_user(), upload)
    staffed = ProgrammeFactory(name="有审核人的信贷")
    partner_user(staffed.provider)
    inactive = ProgrammeFactory(name="审核人已停用的采购")
    inactive_user = partner_user(inactive.provider)
    inactive_user.is_active = False
    inactive_user.save()
    body = client_for(bureau_user).get("/staff/incentives/").content.decode()
    section = body.split('id="programmes-without-decider"')[1].split("</div>")[0]
    assert "无人审核的专项基金" in section and "1 份待审核申请" in section
    assert "审核人已停用的采购" in section
    assert "有审核人的信贷" not in section


def test_staff_desk_query_count_does_not_grow(
    client_for, bureau_user, bureau_programme, upload, django_assert_max_num_queries
):
    client = client_for(bureau_user)
    submit(bureau_programme, leader_enterprise_user(), upload)
    with django_assert_max_num_queries(10):
        assert client.get("/staff/incentives/").status_code == 200
    for _ in range(6):
        submit(bureau_programme, leader_enterprise_user(), upload)
    with django_assert_max_num_queries(10):
        body = client.get("/staff/incentives/").content.decode()
    assert body.count('href="/incentives/applications/') == 7


# ---------------------------------------------------------------------------------------------
# The demo: each programme decided by its demo decider, and by nobody else


def eligible_applicant(programme):
    """An enterprise user holding a valid title in a sector the programme accepts."""
    from tests.factories.incentives import valid_leader

    sector = programme.sectors[0] if programme.sectors else "consumer_goods"
    membership = MembershipFactory(enterprise=EnterpriseFactory())
    standard = LeaderStandardFactory(
        enterprise=membership.enterprise, category=CategoryFactory(sector=sector)
    )
    valid_leader(membership.enterprise, standard=standard)
    return membership.user


def test_each_demo_programme_is_decided_by_its_demo_decider_only(
    client, upload, django_capture_on_commit_callbacks
):
    call_command("seed_demo", enterprises=3)
    User = get_user_model()
    deciders = {email for _name, _kind, email in demo.PROVIDERS if email}
    assert deciders == {
        "partner@demo.leaders.cn",
        "procurement@demo.leaders.cn",
        "award@demo.leaders.cn",
        "funds@demo.leaders.cn",
    }
    desks = {email: "/partner/" for email in deciders} | {
        "staff@demo.leaders.cn": "/staff/incentives/"
    }
    programmes = list(Programme.objects.select_related("provider").order_by("code"))
    assert len(programmes) == 8
    for programme in programmes:
        if programme.provider.kind == "bureau":
            decider = "staff@demo.leaders.cn"
        else:
            decider = ProviderMembership.objects.get(provider=programme.provider).user.email
        applicant = eligible_applicant(programme)
        application = submit(programme, applicant, upload)
        detail = f"/incentives/applications/{application.pk}/"

        for other in sorted(set(desks) - {decider}):
            assert client.login(email=other, password=DEMO_PASSWORD)
            assert detail not in client.get(desks[other]).content.decode(), (programme, other)
            page = client.get(detail)
            if other == "staff@demo.leaders.cn":  # staff read every application, decide not
                assert f"{detail}decide/" not in page.content.decode()
            else:
                assert page.status_code in (403, 404), (programme, other)
            refused = client.post(f"{detail}decide/", {"decision": "approved", "reason": "越权"})
            assert refused.status_code in (403, 404), (programme, other)

        assert client.login(email=decider, password=DEMO_PASSWORD)
        desk = client.get(desks[decider]).content.decode()
        assert f'href="{detail}"' in desk, (programme.code, decider)
        with django_capture_on_commit_callbacks(execute=True):
            decide_through_the_page(client, application, "approved", f"{programme.name}：同意")
        application.refresh_from_db()
        assert application.status == "approved", programme.code
        assert application.decided_by == User.objects.get(email=decider)

        client.force_login(applicant)
        notices = client.get("/workspace/notifications/").content.decode()
        assert f"{programme.name}：同意" in notices, programme.code
    assert Application.objects.filter(status="approved").count() == 8
    assert len(mail.outbox) == 8


def test_demo_deciders_log_in_with_the_demo_password():
    call_command("seed_demo", enterprises=3)
    for email in ("award@demo.leaders.cn", "procurement@demo.leaders.cn", "funds@demo.leaders.cn"):
        user = get_user_model().objects.get(email=email)
        assert user.check_password(DEMO_PASSWORD) and user.role == Role.PARTNER
        assert user.provider_membership.provider.programmes.exists()


# ---------------------------------------------------------------------------------------------
# Pilot tags


@pytest.fixture
def firm():
    return EnterpriseFactory(name="北京领跑示范电器有限公司")


def search(client, query):
    page = client.get("/staff/pilots/")
    (form,) = [
        form
        for form in forms_of(page)
        if form["method"] == "get" and any(f["name"] == "q" for f in form["fields"])
    ]
    return client.get(form["action"] or "/staff/pilots/", fill(form, q=query))


def tag_form_for(page, enterprise):
    forms = [
        form
        for form in forms_of(page)
        if form["action"] == "/staff/pilots/tag/"
        and any(f["name"] == "enterprise" and f["value"] == enterprise.uscc for f in form["fields"])
    ]
    assert len(forms) == 1
    return forms[0]


@pytest.mark.parametrize("query", ["uscc", "领跑示范", "uscc-prefix"])
def test_staff_tag_an_enterprise_found_by_search(client_for, bureau_user, firm, query):
    EnterpriseFactory(name="北京另一家科技有限公司")
    typed = {"uscc": firm.uscc, "uscc-prefix": firm.uscc[:17].lower()}.get(query, query)
    client = client_for(bureau_user)
    page = search(client, typed)
    body = page.content.decode()
    assert firm.name in body and "北京另一家科技有限公司" not in body
    form = tag_form_for(page, firm)
    response = client.post(
        form["action"],
        fill(form, tag="benchmarking", since="2025", note="对标达标行动"),
        follow=True,
    )
    assert "已为北京领跑示范电器有限公司添加“" in response.content.decode()
    pilot = firm.pilots.get()
    assert (pilot.tag, pilot.since, pilot.note) == ("benchmarking", 2025, "对标达标行动")
    entry = AuditEntry.objects.get(action="pilot.tag")
    assert entry.actor == bureau_user
    assert entry.changes["enterprise"] == [None, firm.uscc]
    # The page the staff member is sent back to still shows the search, now with the tag.
    assert "“百城千业万企对标达标”行动" in response.content.decode()
    public = client.get(f"/enterprises/{firm.uscc}/").content.decode()
    assert "“百城千业万企对标达标”行动" in public


def test_staff_remove_a_tag_through_the_page(client_for, bureau_user, firm):
    from tests.factories.incentives import EnterprisePilotFactory

    pilot = EnterprisePilotFactory(enterprise=firm, tag="innovation_base")
    client = client_for(bureau_user)
    page = search(client, "领跑示范")
    form = form_with(page, action=f"/staff/pilots/{pilot.pk}/remove/")
    response = client.post(form["action"], fill(form), follow=True)
    assert "已移除北京领跑示范电器有限公司的“技术标准创新基地”标记" in response.content.decode()
    assert not firm.pilots.exists()
    assert AuditEntry.objects.get(action="pilot.untag").changes["tag"] == ["innovation_base", None]


def test_bad_pilot_input_gets_a_message_and_writes_nothing(client_for, bureau_user, firm):
    from tests.factories.incentives import EnterprisePilotFactory

    EnterprisePilotFactory(enterprise=firm, tag="benchmarking")
    client = client_for(bureau_user)
    page = search(client, firm.uscc)
    form = tag_form_for(page, firm)
    cases = [
        (fill(form, tag="benchmarking"), "已有“"),
        (fill(form, tag="innovation_base", since="1800"), "起始年度"),
        (fill(form, tag=""), "试点/行动"),
        ({**fill(form, tag="innovation_base"), "enterprise": "911101080000000000"}, "未找到该企业"),
    ]
    for data, message in cases:
        response = client.post(form["action"], data, follow=True)
        assert response.status_code == 200
        assert message in response.content.decode(), message
    assert firm.pilots.count() == 1
    assert not AuditEntry.objects.filter(action="pilot.tag").exists()


def test_search_finds_nothing_with_a_hint(client_for, bureau_user, firm):
    body = search(client_for(bureau_user), "不存在的企业").content.decode()
    assert "未找到企业" in body


@pytest.mark.parametrize("role", ["anonymous", "enterprise", "evaluator", "expert", "partner"])
def test_pilot_posts_are_refused_to_other_roles(client_for, users_by_role, firm, role):
    from tests.factories.incentives import EnterprisePilotFactory

    pilot = EnterprisePilotFactory(enterprise=firm, tag="benchmarking")
    client = client_for(users_by_role[role])
    add = client.post("/staff/pilots/tag/", {"enterprise": firm.uscc, "tag": "innovation_base"})
    remove = client.post(f"/staff/pilots/{pilot.pk}/remove/")
    if role == "anonymous":
        assert "/accounts/login/" in add["Location"] and "/accounts/login/" in remove["Location"]
    else:
        assert (add.status_code, remove.status_code) == (403, 403)
    assert firm.pilots.count() == 1
    assert not AuditEntry.objects.filter(action__startswith="pilot.").exists()


def test_administrator_may_tag_too(client_for, admin_user, firm):
    response = client_for(admin_user).post(
        "/staff/pilots/tag/", {"enterprise": firm.uscc, "tag": "innovation_base"}
    )
    assert response.status_code == 302
    assert firm.pilots.get().tag == "innovation_base"


def test_pilot_search_query_count_does_not_grow(
    client_for, bureau_user, django_assert_max_num_queries
):
    from tests.factories.incentives import EnterprisePilotFactory

    client = client_for(bureau_user)
    EnterprisePilotFactory(enterprise=EnterpriseFactory(name="北京查询测试一号有限公司"))
    with django_assert_max_num_queries(8):
        assert client.get("/staff/pilots/?q=查询测试").status_code == 200
    for n in range(8):
        EnterprisePilotFactory(enterprise=EnterpriseFactory(name=f"北京查询测试{n}有限公司"))
    with django_assert_max_num_queries(8):
        body = client.get("/staff/pilots/?q=查询测试").content.decode()
    assert body.count('class="card mb-3 enterprise-result"') == 9


def test_menu_links_to_the_new_staff_pages(client_for, bureau_user):
    body = client_for(bureau_user).get("/").content.decode()
    assert 'href="/staff/incentives/"' in body and 'href="/staff/pilots/"' in body


def test_admin_pilot_form_finds_the_enterprise_by_name(client_for, bureau_user, firm):
    client = client_for(bureau_user)
    form = client.get("/admin/incentives/enterprisepilot/add/").content.decode()
    assert "admin-autocomplete" in form
    found = client.get(
        "/admin/autocomplete/",
        {
            "term": "领跑示范",
            "app_label": "incentives",
            "model_name": "enterprisepilot",
            "field_name": "enterprise",
        },
    ).json()
    assert [row["text"] for row in found["results"]] == ["北京领跑示范电器有限公司"]


def test_services_check_the_rules_themselves(bureau_world, admin_user, firm):
    from django.core.exceptions import PermissionDenied

    users, application = bureau_world
    # An administrator (a superuser here) reads every application but decides none.
    with pytest.raises(PermissionDenied):
        services.application_change_status(
            application=application, target="approved", reason="同意", actor=admin_user
        )
    with pytest.raises(PermissionDenied):
        services.application_change_status(
            application=application, target="approved", reason="同意", actor=users["partner"]
        )
    with pytest.raises(PermissionDenied):
        services.enterprise_pilot_add(enterprise=firm, tag="benchmarking", actor=users["partner"])
    application.refresh_from_db()
    assert application.status == "submitted" and not firm.pilots.exists()


def test_a_submitted_application_tells_its_deciders(
    upload, bureau_programme, bureau_user, django_capture_on_commit_callbacks
):
    """The application waits on its provider: the provider's users (for the bureau's own
    programmes, bureau staff) get a mail linking it and a message in 我的消息."""
    bank = ProviderFactory(name="北京通知测试银行")
    officer, other_bank = partner_user(bank), partner_user()
    credit = ProgrammeFactory(provider=bank)
    with django_capture_on_commit_callbacks(execute=True):
        application = submit(credit, leader_enterprise_user(), upload)
        submit(bureau_programme, leader_enterprise_user(), upload)
    [to_bank] = [m for m in mail.outbox if officer.email in m.to]
    assert application.enterprise.name in to_bank.subject
    assert f"/incentives/applications/{application.pk}/" in to_bank.body
    assert not [m for m in mail.outbox if other_bank.email in m.to]
    [to_staff] = [m for m in mail.outbox if bureau_user.email in m.to]
    assert bureau_programme.name in to_staff.subject
    assert officer.inbox.get().subject == to_bank.subject  # also in 我的消息
