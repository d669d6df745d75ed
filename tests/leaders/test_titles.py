"""Leader titles after publication: manual revocation by bureau staff on the title's staff
page (the same service a failed spot check uses), and what a revoked title looks like on its
public page, its certificate and its verification answer."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from apps.core.models import AuditEntry
from apps.leaders.models import Leader, Notification
from apps.leaders.services.titles import leader_revoke
from apps.news.models import Article
from tests.factories.enterprises import EnterpriseFactory, MembershipFactory
from tests.factories.evaluators import StandardFactory
from tests.factories.experts import ExpertFactory
from tests.factories.leaders import LeaderFactory
from tests.factories.uscc import make_uscc
from tests.pages import submit, submit_rendered
from tests.pdftext import pdf_text

pytestmark = pytest.mark.django_db

REASON = "企业标准声明的能效指标与市场监督抽查结果不符"


@pytest.fixture
def leader():
    member = MembershipFactory()
    enterprise = member.enterprise
    enterprise.contact_email = "contact@leader-firm.cn"
    enterprise.save()
    title = LeaderFactory(
        standard__enterprise=enterprise,
        published_on=timezone.localdate() - datetime.timedelta(days=30),
        valid_until=timezone.localdate() + datetime.timedelta(days=300),
    )
    title.member_email = member.user.email
    return title


def staff_page(leader):
    return f"/staff/leaders/{leader.verification_code}/"


def revoke_through_the_pages(client, leader, reason=REASON):
    """Step one (the reason) renders the confirmation; step two confirms it."""
    url = staff_page(leader)
    confirmation = submit(client, url, {"reason": reason}, button="review")
    assert confirmation.status_code == 200
    html = confirmation.content.decode()
    assert "确认撤销" in html and reason in html
    return submit_rendered(client, url, html, {"confirm": "on"}, button="confirm")


# ---------------------------------------------------------------- manual revocation


def test_staff_revoke_a_title_through_the_rendered_form(
    client_for, bureau_user, leader, django_capture_on_commit_callbacks
):
    client = client_for(bureau_user)
    # Staff find the title from their list.
    listing = client.get(f"/staff/leaders/?q={leader.standard.standard_no}").content.decode()
    assert staff_page(leader) in listing
    with django_capture_on_commit_callbacks(execute=True):
        response = revoke_through_the_pages(client, leader)
    assert response.status_code == 302
    leader.refresh_from_db()
    assert (leader.status, leader.revoked_on, leader.revocation_reason) == (
        "revoked",
        timezone.localdate(),
        REASON,
    )
    entry = AuditEntry.objects.get(action="leader.revoke")
    assert (entry.actor, entry.changes["status"]) == (bureau_user, ["active", "revoked"])
    assert entry.changes["revocation_reason"] == [None, REASON]
    # The enterprise is told: a notification, mailed to its contact and its members.
    notification = Notification.objects.get(kind="revoked")
    assert notification.enterprise == leader.standard.enterprise
    assert REASON in notification.body
    (message,) = [m for m in mail.outbox if "撤销" in m.subject]
    assert sorted(message.to) == sorted(["contact@leader-firm.cn", leader.member_email])
    # The public is told: an announcement linking the title's page.
    article = Article.objects.get(source_key=f"leader_revoked:leaders.leader:{leader.pk}")
    assert article.kind == "announcement"
    assert leader.standard.standard_no in article.title and "撤销" in article.title
    assert REASON in article.body
    assert article.link_url == f"/leaders/{leader.verification_code}/"
    # The staff page now reads revoked and offers no second revocation.
    page = client.get(staff_page(leader)).content.decode()
    assert f"已于 {timezone.localdate():%Y-%m-%d} 撤销，原因：{REASON}" in page
    assert 'name="reason"' not in page


def test_revocation_needs_the_confirmation_and_a_reason(client_for, bureau_user, leader):
    client = client_for(bureau_user)
    url = staff_page(leader)
    empty = submit(client, url, {"reason": "  "}, button="review")
    assert empty.status_code == 400
    assert "撤销领跑者必须填写理由" in empty.content.decode()
    confirmation = submit(client, url, {"reason": REASON}, button="review")
    unconfirmed = submit_rendered(client, url, confirmation.content.decode(), {}, button="confirm")
    assert unconfirmed.status_code == 400
    assert "请勾选确认后再撤销" in unconfirmed.content.decode()
    too_long = submit(client, url, {"reason": "理" * 501}, button="review")
    assert too_long.status_code == 400
    leader.refresh_from_db()
    assert leader.status == "active"
    assert not AuditEntry.objects.filter(action="leader.revoke").exists()
    assert not Article.objects.exists()


def test_titles_pages_are_for_staff_only(users_by_role, client_for, leader):
    expected = {
        "anonymous": 302,
        "enterprise": 403,
        "evaluator": 403,
        "expert": 403,
        "bureau": 200,
        "partner": 403,
        "administrator": 200,
    }
    for url in ("/staff/leaders/", staff_page(leader)):
        for role, user in users_by_role.items():
            response = client_for(user).get(url)
            assert (url, role, response.status_code) == (url, role, expected[role])
    # A non-staff user posting the confirmation itself is refused and changes nothing.
    for role in ("anonymous", "enterprise", "expert", "partner"):
        response = client_for(users_by_role[role]).post(
            staff_page(leader), {"action": "confirm", "reason": REASON, "confirm": "on"}
        )
        assert response.status_code in (302, 403)
    leader.refresh_from_db()
    assert leader.status == "active"


def test_staff_titles_list_query_count_does_not_grow(
    client_for, bureau_user, django_assert_max_num_queries
):
    client = client_for(bureau_user)
    LeaderFactory()
    with django_assert_max_num_queries(7):
        assert client.get("/staff/leaders/").status_code == 200
    LeaderFactory.create_batch(12)
    with django_assert_max_num_queries(7):
        page = client.get("/staff/leaders/?status=active").content.decode()
    assert page.count("/staff/leaders/") >= 13


def test_failed_spot_check_revokes_through_the_same_service(
    bureau_user, django_capture_on_commit_callbacks
):
    from decimal import Decimal

    from apps.supervision import services as supervision

    year = 2027
    for n in (1, 2):
        ExpertFactory(email=f"inspector{n}@example.cn", user=None, roles=["inspector"])
    leader = LeaderFactory(
        year=year - 1,
        standard=StandardFactory(enterprise=EnterpriseFactory(uscc=make_uscc(1, "110108"))),
        valid_until=datetime.date(2030, 1, 1),
    )
    plan = supervision.plan_generate(year=year, seed=1, rate=Decimal("0"))
    supervision.plan_approve(plan=plan, actor=bureau_user)
    with django_capture_on_commit_callbacks(execute=True):
        supervision.item_record_result(
            item=plan.items.get(),
            passed=False,
            findings=["below_mandatory"],
            actor=bureau_user,
            on=datetime.date(2027, 4, 1),
        )
    leader.refresh_from_db()
    assert (leader.status, leader.revoked_on) == ("revoked", datetime.date(2027, 4, 1))
    # What only the shared service does: the audit entry, the enterprise's message and the
    # announcement with the spot check's reason.
    assert AuditEntry.objects.filter(action="leader.revoke").count() == 1
    assert Notification.objects.filter(kind="revoked").count() == 1
    article = Article.objects.get(source_key=f"leader_revoked:leaders.leader:{leader.pk}")
    assert "监督抽查不合格：低于强制性标准要求" in article.body


# ---------------------------------------------------------------- a revoked title, in public


def test_revoked_title_page_says_so_first_without_seal_or_certificate(client, bureau_user):
    leader = LeaderFactory(valid_until=datetime.date(2030, 1, 1))
    page = client.get(f"/leaders/{leader.verification_code}/").content.decode()
    assert "leader-mark" in page and "certificate.pdf" in page
    leader_revoke(leader=leader, reason=REASON, actor=bureau_user, on=datetime.date(2026, 5, 1))
    page = client.get(f"/leaders/{leader.verification_code}/").content.decode()
    verdict = f"已于 2026-05-01 撤销，原因：{REASON}"
    assert verdict in page
    # The verification answer comes before anything else of the title.
    assert page.index(verdict) < page.index(leader.standard.enterprise.name + "</h1>")
    assert "leader-mark" not in page
    assert "badge-leader" not in page
    assert "certificate.pdf" not in page


def test_certificate_of_a_revoked_title_is_stamped_and_has_no_mark(client, bureau_user):
    leader = LeaderFactory(valid_until=datetime.date(2030, 1, 1))
    url = f"/leaders/{leader.verification_code}/certificate.pdf"
    valid = pdf_text(client.get(url).content).splitlines()
    assert "领跑者" in valid  # the mark
    assert "已撤销" not in valid
    leader_revoke(leader=leader, reason=REASON, actor=bureau_user, on=datetime.date(2026, 5, 1))
    response = client.get(url)
    assert response.status_code == 200
    lines = pdf_text(response.content).splitlines()
    assert "已撤销" in lines  # the stamp across the page, on its own
    assert "状态：已撤销" in lines
    assert f"已于 2026-05-01 撤销，原因：{REASON}" in lines
    assert "领跑者" not in lines


def test_verification_of_each_status(client, bureau_user):
    active = LeaderFactory(valid_until=datetime.date(2030, 1, 1))
    expired = LeaderFactory(
        published_on=datetime.date(2019, 1, 2), valid_until=datetime.date(2020, 1, 1)
    )
    revoked = LeaderFactory(valid_until=datetime.date(2030, 1, 1))
    leader_revoke(
        leader=revoked, reason="监督抽查不合格", actor=bureau_user, on=datetime.date(2026, 5, 1)
    )

    def verdict(leader):
        page = client.get(f"/leaders/{leader.verification_code}/").content.decode()
        start = page.index('id="verification"')
        return page[start : page.index("</div>", start)]

    assert "核验结果：称号有效，有效期至 2030-01-01" in verdict(active)
    assert "该领跑者称号已于 2020-01-01 到期" in verdict(expired)
    assert "已于 2026-05-01 撤销，原因：监督抽查不合格" in verdict(revoked)
    assert Leader.objects.get(pk=revoked.pk).status == "revoked"


def test_certificate_wraps_a_long_reason_within_the_page(client, bureau_user):
    leader = LeaderFactory(valid_until=datetime.date(2030, 1, 1))
    leader_revoke(leader=leader, reason="抽查结果与声明不符" * 55, actor=bureau_user)
    lines = pdf_text(
        client.get(f"/leaders/{leader.verification_code}/certificate.pdf").content
    ).splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("已于 "))
    reason_lines = lines[start : lines.index(f"验证码：{leader.verification_code}")]
    assert len(reason_lines) == 3
    assert reason_lines[-1].endswith("…")
    assert all(len(line) <= 70 for line in reason_lines)
