"""Pages of the lifecycle: role matrix for every new URL, query counts, the public notice
with its objection form, and the staff workspace driving the services."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.leaders.models import CandidateList, Leader, Notification, Objection
from apps.leaders.services.candidate_lists import candidate_list_create
from apps.leaders.services.jobs import ranking_jobs_queue
from apps.leaders.services.objections import objection_file, objection_send_to_review
from apps.leaders.services.rankings import ranking_compile
from tests.factories.evaluators import approved_scheme
from tests.factories.leaders import LeaderFactory
from tests.factories.lifecycle import expert_pool, list_in_notice, ranked_scheme, review

pytestmark = pytest.mark.django_db

STAFF_ONLY = {
    "anonymous": 302,
    "enterprise": 403,
    "evaluator": 403,
    "expert": 403,
    "bureau": 200,
    "partner": 403,
    "administrator": 200,
}
PUBLIC = dict.fromkeys(STAFF_ONLY, 200)
ENTERPRISE_ONLY = {**STAFF_ONLY, "enterprise": 200, "bureau": 403}
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def notice(bureau_user):
    candidate_list = list_in_notice(ranked_scheme(entrants=3), bureau_user)
    objection = objection_file(
        consented=True,
        candidate=candidate_list.candidates.first(),
        name="李四",
        contact="lisi@example.cn",
        grounds="指标虚报",
        attachment=SimpleUploadedFile("e.pdf", PDF, content_type="application/pdf"),
    )
    return candidate_list, objection


def test_role_matrix_for_every_lifecycle_url(users_by_role, client_for, notice):
    candidate_list, objection = notice
    leader = LeaderFactory(valid_until=datetime.date(2030, 1, 1))
    gets = {
        "/staff/rankings/": STAFF_ONLY,
        "/staff/candidate-lists/": STAFF_ONLY,
        f"/staff/candidate-lists/{candidate_list.pk}/": STAFF_ONLY,
        f"/staff/objections/{objection.pk}/": STAFF_ONLY,
        f"/objections/{objection.pk}/attachment/": STAFF_ONLY,
        "/notices/": PUBLIC,
        f"/notices/{candidate_list.pk}/": PUBLIC,
        f"/leaders/{leader.verification_code}/certificate.pdf": PUBLIC,
        # The administrator is a superuser: Django grants it every permission.
        "/workspace/notifications/": {**ENTERPRISE_ONLY, "administrator": 200},
    }
    for url, expected in gets.items():
        for role, user in users_by_role.items():
            response = client_for(user).get(url)
            assert (url, role, response.status_code) == (url, role, expected[role])
    # The action endpoint: a refused step (publish during notice) answers 400 for staff.
    action = f"/staff/candidate-lists/{candidate_list.pk}/action/"
    for role, user in users_by_role.items():
        response = client_for(user).post(action, {"action": "publish"})
        want = {200: 400}.get(STAFF_ONLY[role], STAFF_ONLY[role])
        assert (role, response.status_code) == (role, want)
    assert Leader.objects.filter(candidate__isnull=False).count() == 0


def test_drawn_expert_reads_the_attachment_other_experts_do_not(client_for, bureau_user, notice):
    candidate_list, objection = notice
    pool = expert_pool(candidate_list.scheme.category, 4)
    review_ = objection_send_to_review(objection=objection, size=3, actor=bureau_user)
    members = list(review_.members.select_related("expert__user"))
    drawn = {m.expert_id for m in members}
    # The draw may also take experts the fixtures appointed before this pool (random).
    inside = members[0].expert.user
    outside = next(e for e in pool if e.pk not in drawn).user
    url = f"/objections/{objection.pk}/attachment/"
    response = client_for(inside).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert client_for(outside).get(url).status_code == 403


def test_unknown_ids_are_404(client_for, bureau_user):
    client = client_for(bureau_user)
    for url in ("/staff/candidate-lists/999/", "/staff/objections/999/", "/notices/999/"):
        assert client.get(url).status_code == 404


def test_draft_list_is_not_public(client, bureau_user):
    candidate_list = candidate_list_create(scheme=ranked_scheme(entrants=3), actor=bureau_user)
    assert client.get(f"/notices/{candidate_list.pk}/").status_code == 404
    assert "公示" in client.get("/notices/").content.decode()


# ---------------------------------------------------------------- query counts


def test_staff_list_page_query_count_does_not_grow(
    client_for, bureau_user, django_assert_max_num_queries
):
    client = client_for(bureau_user)
    candidate_list_create(scheme=ranked_scheme(entrants=3), actor=bureau_user)
    with django_assert_max_num_queries(12):
        assert client.get("/staff/candidate-lists/").status_code == 200
    for _ in range(4):
        candidate_list_create(scheme=ranked_scheme(entrants=3), actor=bureau_user)
    with django_assert_max_num_queries(12):
        response = client.get("/staff/candidate-lists/")
    assert response.content.decode().count("/staff/candidate-lists/") >= 5


def test_notice_pages_query_count_does_not_grow(client, bureau_user, django_assert_max_num_queries):
    small = list_in_notice(ranked_scheme(entrants=3), bureau_user)
    with django_assert_max_num_queries(6):
        client.get(f"/notices/{small.pk}/")
    with django_assert_max_num_queries(4):
        client.get("/notices/")
    big = list_in_notice(ranked_scheme(entrants=6), bureau_user)
    for _ in range(3):
        list_in_notice(ranked_scheme(entrants=3), bureau_user)
    with django_assert_max_num_queries(6):
        response = client.get(f"/notices/{big.pk}/")
    assert response.content.decode().count("data-standard=") == 5
    with django_assert_max_num_queries(4):
        response = client.get("/notices/")
    assert response.content.decode().count("/notices/") >= 5


def test_staff_list_detail_query_count_does_not_grow(
    client_for, bureau_user, django_assert_max_num_queries
):
    client = client_for(bureau_user)
    small = list_in_notice(ranked_scheme(entrants=3), bureau_user)
    with django_assert_max_num_queries(16):
        assert client.get(f"/staff/candidate-lists/{small.pk}/").status_code == 200
    big = list_in_notice(ranked_scheme(entrants=6), bureau_user)
    for candidate in big.candidates.all():
        objection_file(
            consented=True, candidate=candidate, name="王五", contact="1", grounds="理由"
        )
    with django_assert_max_num_queries(16):
        assert client.get(f"/staff/candidate-lists/{big.pk}/").status_code == 200


def test_compile_board_query_count_does_not_grow(
    client_for, bureau_user, django_assert_max_num_queries
):
    client = client_for(bureau_user)
    approved_scheme(year=2026)
    with django_assert_max_num_queries(8):
        client.get("/staff/rankings/?year=2026")
    schemes = [approved_scheme(year=2026) for _ in range(5)]
    ranking_jobs_queue(schemes=schemes, actor=bureau_user)
    for scheme in schemes[:3]:
        ranking_compile(scheme=scheme)
    with django_assert_max_num_queries(8):
        response = client.get("/staff/rankings/?year=2026")
    assert response.content.decode().count("data-scheme=") == 6
    assert "hx-trigger" in response.content.decode()  # queued jobs: the board polls


def test_notifications_page_query_count_does_not_grow(
    client_for, enterprise_user, django_assert_max_num_queries
):
    client = client_for(enterprise_user)
    enterprise = enterprise_user.membership.enterprise
    Notification.objects.create(enterprise=enterprise, kind="candidate", subject="s", body="b")
    with django_assert_max_num_queries(7):
        client.get("/workspace/notifications/")
    for i in range(10):
        Notification.objects.create(
            enterprise=enterprise, kind="candidate", subject=f"s{i}", body="b"
        )
    with django_assert_max_num_queries(7):
        response = client.get("/workspace/notifications/")
    assert response.content.decode().count("notification-item") == 11


# ---------------------------------------------------------------- public objection form


def test_anyone_files_an_objection_without_login(client, bureau_user):
    candidate_list = list_in_notice(ranked_scheme(entrants=3), bureau_user)
    candidate = candidate_list.candidates.first()
    response = client.post(
        f"/notices/{candidate_list.pk}/",
        {
            "candidate": candidate.pk,
            "name": "赵六",
            "contact": "zhao@example.cn",
            "grounds": "该标准的噪声值与型式试验报告不一致",
            "privacy_consent": "on",
            "website": "",
            "attachment": SimpleUploadedFile("r.pdf", PDF, content_type="application/pdf"),
        },
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert (objection.candidate, objection.name, objection.ip_address) == (
        candidate,
        "赵六",
        "10.1.2.3",
    )
    assert objection.attachment
    page = client.get(f"/notices/{candidate_list.pk}/").content.decode()
    assert "zhao@example.cn" not in page


def test_honeypot_filled_writes_nothing(client, bureau_user):
    candidate_list = list_in_notice(ranked_scheme(entrants=3), bureau_user)
    response = client.post(
        f"/notices/{candidate_list.pk}/",
        {
            "candidate": candidate_list.candidates.first().pk,
            "name": "bot",
            "contact": "bot",
            "grounds": "spam",
            "website": "http://spam.example",
        },
    )
    assert response.status_code == 302
    assert Objection.objects.count() == 0


def test_objections_are_rate_limited_per_ip(client, bureau_user, settings):
    settings.OBJECTION_RATE_LIMIT = 2
    candidate_list = list_in_notice(ranked_scheme(entrants=3), bureau_user)
    data = {
        "candidate": candidate_list.candidates.first().pk,
        "name": "钱七",
        "contact": "1",
        "grounds": "理由",
        "privacy_consent": "on",
    }
    url = f"/notices/{candidate_list.pk}/"
    codes = [client.post(url, data, REMOTE_ADDR="10.9.9.9").status_code for _ in range(3)]
    assert codes == [302, 302, 429]
    assert client.post(url, data, REMOTE_ADDR="10.9.9.8").status_code == 302
    assert Objection.objects.count() == 3


def test_objection_form_shows_specific_errors(client, bureau_user):
    candidate_list = list_in_notice(ranked_scheme(entrants=3), bureau_user)
    response = client.post(
        f"/notices/{candidate_list.pk}/",
        {
            "candidate": candidate_list.candidates.first().pk,
            "name": "孙八",
            "contact": "1",
            "grounds": "理由",
            "privacy_consent": "on",
            "attachment": SimpleUploadedFile("x.pdf", b"GIF89a", content_type="application/pdf"),
        },
    )
    assert response.status_code == 400
    assert "不是PDF文件" in response.content.decode()
    assert Objection.objects.count() == 0


def test_notice_page_shows_dates_and_closes_the_form_after_the_notice(client, bureau_user):
    candidate_list = list_in_notice(ranked_scheme(entrants=3), bureau_user)
    page = client.get(f"/notices/{candidate_list.pk}/").content.decode()
    assert candidate_list.notice_starts_on.isoformat() in page
    assert candidate_list.notice_ends_on.isoformat() in page
    assert 'id="objection-form"' in page
    CandidateList.objects.filter(pk=candidate_list.pk).update(
        notice_starts_on=timezone.localdate() - datetime.timedelta(days=8),
        notice_ends_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    page = client.get(f"/notices/{candidate_list.pk}/").content.decode()
    assert 'id="objection-form"' not in page
    response = client.post(
        f"/notices/{candidate_list.pk}/",
        {"candidate": candidate_list.candidates.first().pk, "name": "a", "contact": "b"},
    )
    assert response.status_code == 400
    assert Objection.objects.count() == 0


# ---------------------------------------------------------------- staff workspace


def test_staff_walk_the_lifecycle_through_the_pages(client_for, bureau_user):
    client = client_for(bureau_user)
    scheme = ranked_scheme(entrants=3)
    expert_pool(scheme.category)
    response = client.post("/staff/candidate-lists/", {"scheme": scheme.pk})
    candidate_list = CandidateList.objects.get()
    assert response.status_code == 302
    action = f"/staff/candidate-lists/{candidate_list.pk}/action/"
    assert client.post(action, {"action": "review", "size": 3}).status_code == 302
    candidate_list.refresh_from_db()
    assert candidate_list.status == "expert_review"
    review(candidate_list_review(candidate_list))
    assert client.post(action, {"action": "notice"}).status_code == 302
    candidate_list.refresh_from_db()
    assert candidate_list.status == "notice"

    objection = objection_file(
        consented=True,
        candidate=candidate_list.candidates.first(),
        name="周九",
        contact="1",
        grounds="理由",
    )
    url = f"/staff/objections/{objection.pk}/"
    assert client.post(url, {"action": "review", "size": 3}).status_code == 302
    from apps.experts.selectors import reviews_of_target

    review(reviews_of_target(objection).get())
    response = client.post(url, {"action": "decide", "upheld": "1", "finding": "异议成立"})
    assert response.status_code == 302
    response = client.post(action, {"action": "publish"})
    assert response.status_code == 400
    assert "公示期内不能发布名单" in response.content.decode()

    CandidateList.objects.filter(pk=candidate_list.pk).update(
        notice_starts_on=timezone.localdate() - datetime.timedelta(days=8),
        notice_ends_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    assert client.post(action, {"action": "publish"}).status_code == 302
    assert Leader.objects.count() == 2


def candidate_list_review(candidate_list):
    from apps.experts.selectors import reviews_of_target

    return reviews_of_target(candidate_list).get()


def test_compile_board_queues_and_shows_jobs(
    client_for, bureau_user, django_capture_on_commit_callbacks
):
    scheme = approved_scheme(year=2026)
    client = client_for(bureau_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/staff/rankings/", {"year": 2026})
    assert response.status_code == 302
    page = client.get("/staff/rankings/?year=2026").content.decode()
    assert scheme.scheme_code in page
    assert "已完成" in page
    assert "hx-trigger" not in page  # nothing left queued or running: no polling


def test_enterprise_sees_its_own_position_and_reason_on_the_ranking(client_for):
    from apps.leaders.models import RankingEntry
    from tests.factories.enterprises import MembershipFactory

    scheme = ranked_scheme(entrants=3)
    entry = RankingEntry.objects.filter(ranking__scheme=scheme).order_by("position").last()
    user = MembershipFactory(enterprise=entry.standard.enterprise).user
    page = client_for(user).get(f"/rankings/{scheme.scheme_code}/").content.decode()
    assert page.count("table-info") == 1
    assert "本企业" in page


def test_ranking_pages_and_api_query_counts_do_not_grow(
    client, bureau_user, django_assert_max_num_queries
):
    small = ranked_scheme(entrants=3)
    pages = [
        "/rankings/?year=2026",
        f"/rankings/{small.scheme_code}/",
        "/api/v1/rankings/?year=2026",
        f"/api/v1/rankings/{small.scheme_code}/",
    ]
    counts = {}
    for url in pages:
        with django_assert_max_num_queries(10) as captured:
            assert client.get(url).status_code == 200
        counts[url] = len(captured)
    big = ranked_scheme(entrants=12)
    list_in_notice(big, bureau_user)
    for _ in range(3):
        ranked_scheme(entrants=3)
    bigger = {
        pages[0]: pages[0],
        pages[1]: f"/rankings/{big.scheme_code}/",
        pages[2]: pages[2],
        pages[3]: f"/api/v1/rankings/{big.scheme_code}/",
    }
    for url, big_url in bigger.items():
        with django_assert_max_num_queries(counts[url]):
            assert client.get(big_url).status_code == 200
    page = client.get(f"/rankings/{big.scheme_code}/").content.decode()
    assert f"/notices/{CandidateList.objects.get(scheme=big).pk}/" in page
    body = client.get(f"/api/v1/rankings/{big.scheme_code}/").json()
    assert len(body["entries"]) == 12


def test_ranking_page_is_paged_by_keyset_and_charts_every_entry(client, monkeypatch):
    from apps.leaders import views
    from apps.leaders.models import RankingEntry

    monkeypatch.setattr(views, "RANKING_PAGE_SIZE", 2)
    scheme = ranked_scheme(entrants=5)
    entries = list(RankingEntry.objects.filter(ranking__scheme=scheme).order_by("position"))
    url = f"/rankings/{scheme.scheme_code}/"
    seen, after = [], None
    for _ in range(3):
        response = client.get(url + (f"?after={after}" if after else ""))
        context_rows = response.context["rows"]
        seen.extend(row["entry"].pk for row in context_rows)
        after = response.context["next_after"]
        if after is None:
            break
    assert seen == [entry.pk for entry in entries]
    assert sum(response.context["chart"]["counts"]) == sum(
        1 for entry in entries if entry.score is not None
    )
