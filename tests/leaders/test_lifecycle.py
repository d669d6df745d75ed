"""Candidate list lifecycle: snapshot, expert review, notice, objections, publication."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from apps.core.models import AuditEntry
from apps.evaluators.models import Assessment
from apps.experts.enums import Decision
from apps.leaders.models import Candidate, CandidateList, Leader, Objection, Ranking
from apps.leaders.services.candidate_lists import (
    candidate_list_create,
    candidate_list_send_to_review,
    candidate_list_transition,
)
from apps.leaders.services.objections import (
    objection_decide,
    objection_file,
    objection_send_to_review,
)
from apps.leaders.services.rankings import ranking_compile, rankings_purge_retired
from apps.leaders.services.titles import leader_valid_until
from tests.factories.accounts import UserFactory
from tests.factories.lifecycle import (
    expert_pool,
    list_in_notice,
    ranked_scheme,
    review,
    reviewed_list,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def today():
    return timezone.localdate()


def after_notice(candidate_list):
    return candidate_list.notice_ends_on + datetime.timedelta(days=1)


def file_objection(candidate, **fields):
    return objection_file(
        consented=True,
        candidate=candidate,
        name=fields.get("name", "张三"),
        contact=fields.get("contact", "13800000000"),
        grounds=fields.get("grounds", "该企业标准的能效指标与实测不符"),
        attachment=fields.get("attachment"),
        ip_address="10.0.0.1",
    )


def settle(objection, staff, *, upheld, finding="经核实，异议成立：指标与检测报告不符"):
    review(objection_send_to_review(objection=objection, size=3, actor=staff))
    return objection_decide(objection=objection, upheld=upheld, finding=finding, actor=staff)


# ---------------------------------------------------------------- snapshot


def test_candidate_list_copies_the_rankings_candidates(bureau_user):
    scheme = ranked_scheme(entrants=4)
    candidate_list = candidate_list_create(scheme=scheme, actor=bureau_user)
    ranking = Ranking.objects.get(scheme=scheme, is_current=True)
    entries = list(ranking.entries.filter(candidate=True).order_by("position"))
    candidates = list(candidate_list.candidates.order_by("position"))
    assert [(c.standard_id, c.rank, c.score, c.tiers) for c in candidates] == [
        (e.standard_id, e.rank, e.score, e.tiers) for e in entries
    ]
    assert len(candidates) == 4
    assert candidate_list.ranking == ranking


def test_recompile_keeps_snapshot_and_its_ranking(bureau_user):
    scheme = ranked_scheme(entrants=4)
    candidate_list = candidate_list_create(scheme=scheme, actor=bureau_user)
    before = list(candidate_list.candidates.values_list("standard_id", "rank", "score"))
    first = candidate_list.ranking
    # New data: the last candidate's quality drops to zero, then the scheme is recompiled.
    last = candidate_list.candidates.order_by("-position").first().standard
    Assessment.objects.filter(standard=last).update(score=Decimal("0"))
    new = ranking_compile(scheme=scheme)

    first.refresh_from_db()
    assert first.is_current is False  # kept, no longer current (CONTRACT §3.8)
    assert new.is_current is True and new.pk != first.pk
    assert new.entries.get(standard=last).score != first.entries.get(standard=last).score
    assert list(candidate_list.candidates.values_list("standard_id", "rank", "score")) == before
    candidate_list.refresh_from_db()
    assert candidate_list.ranking_id == first.pk


def test_recompile_without_list_deletes_old_ranking_after_commit(
    django_capture_on_commit_callbacks,
):
    scheme = ranked_scheme(entrants=3)
    old = Ranking.objects.get(scheme=scheme)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ranking_compile(scheme=scheme)
    old.refresh_from_db()
    assert old.is_current is False  # superseded at once, deleted by the purge job
    for callback in callbacks:
        callback()
    assert not Ranking.objects.filter(pk=old.pk).exists()


def test_purge_keeps_rankings_that_candidate_lists_refer_to(bureau_user):
    scheme = ranked_scheme(entrants=3)
    first = Ranking.objects.get(scheme=scheme)
    candidate_list_create(scheme=scheme, actor=bureau_user)
    ranking_compile(scheme=scheme)
    assert rankings_purge_retired() == 0
    assert Ranking.objects.filter(pk=first.pk, is_current=False).exists()


def test_create_refused_without_ranking_or_candidates_or_twice(bureau_user):
    from tests.factories.evaluators import approved_scheme

    bare = approved_scheme()
    with pytest.raises(ValidationError, match="尚未编制排行榜"):
        candidate_list_create(scheme=bare, actor=bureau_user)
    too_few = ranked_scheme(entrants=2)  # min_participants 3: no candidates
    with pytest.raises(ValidationError, match="没有领跑者候选"):
        candidate_list_create(scheme=too_few, actor=bureau_user)
    scheme = ranked_scheme(entrants=3)
    candidate_list_create(scheme=scheme, actor=bureau_user)
    with pytest.raises(ValidationError, match="已有候选名单"):
        candidate_list_create(scheme=scheme, actor=bureau_user)
    assert CandidateList.objects.count() == 1


def test_only_staff_create_lists(enterprise_user):
    scheme = ranked_scheme(entrants=3)
    with pytest.raises(PermissionDenied):
        candidate_list_create(scheme=scheme, actor=enterprise_user)


# ---------------------------------------------------------------- review and notice


def test_review_approval_readies_list_for_notice(bureau_user):
    candidate_list = reviewed_list(ranked_scheme(entrants=3), bureau_user)
    assert candidate_list.status == "reviewed"


def test_review_without_majority_returns_list_with_comments(bureau_user):
    scheme = ranked_scheme(entrants=3)
    expert_pool(scheme.category)
    candidate_list = candidate_list_create(scheme=scheme, actor=bureau_user)
    review(
        candidate_list_send_to_review(candidate_list=candidate_list, size=3, actor=bureau_user),
        Decision.REJECT,
    )
    candidate_list.refresh_from_db()
    assert candidate_list.status == "returned"
    assert "候选依据不足" in candidate_list.returned_reason
    # A returned list may go to a second review round.
    expert_pool(scheme.category)
    second = candidate_list_send_to_review(candidate_list=candidate_list, size=3, actor=bureau_user)
    assert second.round == 2


def test_candidate_enterprises_are_never_drawn(bureau_user):
    scheme = ranked_scheme(entrants=3)
    candidate_list = candidate_list_create(scheme=scheme, actor=bureau_user)
    uscc = candidate_list.candidates.first().standard.enterprise.uscc
    insider = expert_pool(scheme.category, 1)[0]
    insider.organisation_uscc = uscc
    insider.save()
    expert_pool(scheme.category, 2)
    with pytest.raises(ValidationError, match="可抽取的专家不足"):
        candidate_list_send_to_review(candidate_list=candidate_list, size=3, actor=bureau_user)


def test_notice_refused_before_review(bureau_user):
    candidate_list = candidate_list_create(scheme=ranked_scheme(entrants=3), actor=bureau_user)
    with pytest.raises(ValidationError, match="不能从“草稿”变为“公示中”"):
        candidate_list_transition(candidate_list=candidate_list, to="notice", actor=bureau_user)


def test_notice_runs_the_schemes_notice_days(bureau_user):
    scheme = ranked_scheme(entrants=3)
    scheme.notice_days = 10
    scheme.save()
    start = today()
    candidate_list = list_in_notice(scheme, bureau_user, today=start)
    assert candidate_list.notice_starts_on == start
    assert candidate_list.notice_ends_on == start + datetime.timedelta(days=9)


def test_publish_refused_while_notice_runs(bureau_user):
    candidate_list = list_in_notice(ranked_scheme(entrants=3), bureau_user)
    for day in (candidate_list.notice_starts_on, candidate_list.notice_ends_on):
        with pytest.raises(ValidationError, match="公示期内不能发布"):
            candidate_list_transition(
                candidate_list=candidate_list, to="published", actor=bureau_user, today=day
            )
    assert Leader.objects.count() == 0


def test_publish_refused_with_an_open_objection(bureau_user):
    candidate_list = list_in_notice(ranked_scheme(entrants=3), bureau_user)
    objection = file_objection(candidate_list.candidates.first())
    for step in ("open", "expert_review", "reviewed"):
        assert objection.status == step
        with pytest.raises(ValidationError, match="1 项异议尚未处理完毕"):
            candidate_list_transition(
                candidate_list=candidate_list,
                to="published",
                actor=bureau_user,
                today=after_notice(candidate_list),
            )
        if step == "open":
            expert_pool(candidate_list.scheme.category)
            review_ = objection_send_to_review(objection=objection, size=3, actor=bureau_user)
        elif step == "expert_review":
            review(review_)
        objection.refresh_from_db()
    assert Leader.objects.count() == 0


def test_publish_creates_leaders_valid_one_year(bureau_user):
    scheme = ranked_scheme(entrants=3)
    candidate_list = list_in_notice(scheme, bureau_user)
    day = after_notice(candidate_list)
    candidate_list_transition(
        candidate_list=candidate_list, to="published", actor=bureau_user, today=day
    )
    leaders = list(Leader.objects.order_by("rank", "standard__enterprise__uscc"))
    candidates = list(candidate_list.candidates.order_by("position"))
    assert [(lead.standard_id, lead.rank, lead.score) for lead in leaders] == [
        (c.standard_id, c.rank, c.score) for c in candidates
    ]
    leader = leaders[0]
    assert (leader.year, leader.category_id, leader.source) == (
        scheme.year,
        scheme.category_id,
        "ranking",
    )
    assert leader.published_on == day
    assert leader.valid_until == day.replace(year=day.year + 1) - datetime.timedelta(days=1)
    assert leader.candidate == candidates[0]
    candidate_list.refresh_from_db()
    assert (candidate_list.status, candidate_list.published_on) == ("published", day)


def test_validity_period_is_a_setting(bureau_user, settings):
    settings.LEADER_VALIDITY_MONTHS = 6
    assert leader_valid_until(datetime.date(2026, 1, 15)) == datetime.date(2026, 7, 14)


def test_publish_twice_refused(bureau_user):
    candidate_list = list_in_notice(ranked_scheme(entrants=3), bureau_user)
    day = after_notice(candidate_list)
    candidate_list_transition(
        candidate_list=candidate_list, to="published", actor=bureau_user, today=day
    )
    with pytest.raises(ValidationError, match="不能从“已发布”变为“已发布”"):
        candidate_list_transition(
            candidate_list=candidate_list, to="published", actor=bureau_user, today=day
        )
    assert Leader.objects.count() == 3


def test_withdraw_needs_reason_and_frees_the_scheme(bureau_user):
    scheme = ranked_scheme(entrants=3)
    candidate_list = candidate_list_create(scheme=scheme, actor=bureau_user)
    with pytest.raises(ValidationError, match="必须填写理由"):
        candidate_list_transition(candidate_list=candidate_list, to="withdrawn", actor=bureau_user)
    candidate_list_transition(
        candidate_list=candidate_list, to="withdrawn", actor=bureau_user, reason="评估数据有误"
    )
    assert candidate_list_create(scheme=scheme, actor=bureau_user).status == "draft"


def test_every_step_is_audited(bureau_user):
    candidate_list = list_in_notice(ranked_scheme(entrants=3), bureau_user)
    objection = file_objection(candidate_list.candidates.first())
    settle(objection, bureau_user, upheld=False, finding="异议证据不足")
    candidate_list_transition(
        candidate_list=candidate_list,
        to="published",
        actor=bureau_user,
        today=after_notice(candidate_list),
    )
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "candidate_list.create",
        "review.draw",
        "candidate_list.expert_review",
        "candidate_list.reviewed",
        "candidate_list.notice",
        "objection.file",
        "objection.expert_review",
        "objection.reviewed",
        "objection.dismissed",
        "candidate_list.published",
        "leader.publish",
    } <= actions


# ---------------------------------------------------------------- objections


def test_upheld_objection_removes_candidate_with_public_reason(bureau_user, client):
    candidate_list = list_in_notice(ranked_scheme(entrants=3), bureau_user)
    target = candidate_list.candidates.order_by("position").first()
    objection = file_objection(target)
    settle(objection, bureau_user, upheld=True, finding="经核实，能效指标与检测报告不符")
    target.refresh_from_db()
    assert (target.status, target.removal_reason) == ("removed", "经核实，能效指标与检测报告不符")
    page = client.get(f"/notices/{candidate_list.pk}/").content.decode()
    assert "经核实，能效指标与检测报告不符" in page
    assert "13800000000" not in page  # the objector's contact is never public

    candidate_list_transition(
        candidate_list=candidate_list,
        to="published",
        actor=bureau_user,
        today=after_notice(candidate_list),
    )
    published = set(Leader.objects.values_list("standard_id", flat=True))
    assert target.standard_id not in published
    assert len(published) == 2


def test_dismissed_objection_keeps_candidate(bureau_user):
    candidate_list = list_in_notice(ranked_scheme(entrants=3), bureau_user)
    target = candidate_list.candidates.first()
    settle(file_objection(target), bureau_user, upheld=False, finding="异议证据不足")
    target.refresh_from_db()
    assert target.status == "active"


def test_objection_refused_outside_notice_and_against_removed(bureau_user):
    scheme = ranked_scheme(entrants=3)
    candidate_list = reviewed_list(scheme, bureau_user)
    with pytest.raises(ValidationError, match="不在公示期内"):
        file_objection(candidate_list.candidates.first())
    candidate_list = candidate_list_transition(
        candidate_list=candidate_list, to="notice", actor=bureau_user
    )
    target = candidate_list.candidates.first()
    settle(file_objection(target), bureau_user, upheld=True)
    with pytest.raises(ValidationError, match="已被取消"):
        file_objection(target)
    CandidateList.objects.filter(pk=candidate_list.pk).update(
        notice_starts_on=today() - datetime.timedelta(days=10),
        notice_ends_on=today() - datetime.timedelta(days=1),
    )
    with pytest.raises(ValidationError, match="不在公示期内"):
        file_objection(candidate_list.candidates.exclude(pk=target.pk).first())


def test_objection_needs_fields_and_a_real_pdf(bureau_user):
    candidate_list = list_in_notice(ranked_scheme(entrants=3), bureau_user)
    candidate = candidate_list.candidates.first()
    with pytest.raises(ValidationError) as error:
        file_objection(candidate, name=" ", contact="", grounds="")
    assert set(error.value.message_dict) == {"name", "contact", "grounds"}
    fake = SimpleUploadedFile("x.pdf", b"MZ not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError, match="不是PDF文件"):
        file_objection(candidate, attachment=fake)
    assert Objection.objects.count() == 0
    real = SimpleUploadedFile("evidence.pdf", PDF, content_type="application/pdf")
    objection = file_objection(candidate, attachment=real)
    assert objection.attachment.read().startswith(b"%PDF-")


def test_finding_refused_before_expert_review(bureau_user):
    candidate_list = list_in_notice(ranked_scheme(entrants=3), bureau_user)
    objection = file_objection(candidate_list.candidates.first())
    with pytest.raises(ValidationError, match="须经专家评审完成后"):
        objection_decide(objection=objection, upheld=True, finding="成立", actor=bureau_user)
    expert_pool(candidate_list.scheme.category)
    review(objection_send_to_review(objection=objection, size=3, actor=bureau_user))
    with pytest.raises(ValidationError, match="请填写认定意见"):
        objection_decide(objection=objection, upheld=True, finding=" ", actor=bureau_user)


def test_objection_experts_exclude_the_candidates_enterprise(bureau_user):
    candidate_list = list_in_notice(ranked_scheme(entrants=3), bureau_user)
    candidate = candidate_list.candidates.first()
    objection = file_objection(candidate)
    review_ = objection_send_to_review(objection=objection, size=3, actor=bureau_user)
    assert review_.excluded_usccs == [candidate.standard.enterprise.uscc]
    assert review_.kind == "objection"


# ---------------------------------------------------------------- concurrency


@pytest.mark.django_db(transaction=True)
def test_two_staff_publishing_at_once_publish_once():
    """Both threads pass the status check only one at a time (select_for_update): the
    second waits for the first's commit, then sees `published` and is refused."""
    staff = UserFactory(role="bureau", is_staff=True)
    candidate_list = list_in_notice(ranked_scheme(entrants=3), staff)
    day = after_notice(candidate_list)
    barrier = threading.Barrier(2)
    outcomes = []

    def publish():
        try:
            barrier.wait()
            candidate_list_transition(
                candidate_list=candidate_list, to="published", actor=staff, today=day
            )
            outcomes.append("published")
        except ValidationError as error:
            outcomes.append(error.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=publish) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["published", "候选名单状态不能从“已发布”变为“已发布”"]
    assert Leader.objects.count() == 3
    assert Candidate.objects.filter(leader__isnull=False).count() == 3


def test_notice_and_publication_are_announced_in_the_news(bureau_user):
    from apps.news.models import Article

    scheme = ranked_scheme(entrants=3)
    candidate_list = list_in_notice(scheme, bureau_user)
    candidate_list_transition(
        candidate_list=candidate_list,
        to="published",
        actor=bureau_user,
        today=after_notice(candidate_list),
    )
    titles = list(Article.objects.values_list("title", flat=True))
    year, category = scheme.year, scheme.category.name
    assert f"{year} 年度{category}企业标准领跑者候选名单公示" in titles
    assert f"关于发布{year} 年度{category}企业标准领跑者名单的公告" in titles
