"""Nobody waits silently on an expert: the drawn are told with their deadline, reminded daily
once it has passed, and staff re-draw a seat nobody answered, by the draw's own rule."""

import datetime
import random

import pytest
from django.core import mail
from django.utils import timezone

from apps.core.models import AuditEntry, InboxMessage
from apps.experts.models import Expert
from apps.experts.services.reviews import opinion_give, reviews_remind_overdue, seat_may_be_redrawn
from tests.experts.test_draw import draw
from tests.factories.evaluators import AgencyFactory, CategoryFactory
from tests.factories.experts import ExpertFactory
from tests.pages import submit

pytestmark = pytest.mark.django_db

LATER = datetime.timedelta(days=30)


@pytest.fixture
def review(bureau_user, settings, django_capture_on_commit_callbacks):
    settings.REVIEW_RESPONSE_DAYS = 10
    category = CategoryFactory()
    ExpertFactory.create_batch(3, specialties=[category])
    ExpertFactory(specialties=[category], user=None, email="no-account@example.cn")
    ExpertFactory.create_batch(2, specialties=[category])
    with django_capture_on_commit_callbacks(execute=True):
        return draw(AgencyFactory(), category, bureau_user, size=3, seed=7)


def test_each_drawn_expert_is_told_with_the_deadline(review):
    deadline = timezone.localdate() + datetime.timedelta(days=10)
    drawn = list(review.members.select_related("expert"))
    assert {seat.deadline for seat in drawn} == {deadline}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(s.expert.email for s in drawn)
    assert all(
        str(deadline) in m.body and "/workspace/expert/reviews/" in m.body for m in mail.outbox
    )
    with_accounts = [s.expert.user for s in drawn if s.expert.user_id]
    assert InboxMessage.objects.filter(recipient__in=with_accounts).count() == len(with_accounts)


def test_past_the_deadline_the_expert_and_staff_are_reminded_daily(
    review, bureau_user, django_capture_on_commit_callbacks
):
    answering = review.members.filter(expert__user__isnull=False).first()
    opinion_give(member=answering, decision="approve", comments="", actor=answering.expert.user)
    mail.outbox.clear()
    assert reviews_remind_overdue(today=timezone.localdate()) == 0  # not yet due
    with django_capture_on_commit_callbacks(execute=True):
        late = reviews_remind_overdue(today=timezone.localdate() + LATER)
    assert late == 2
    silent = [m.expert.email for m in review.members.filter(decision="")]
    assert sorted(m.to[0] for m in mail.outbox) == sorted([*silent, bureau_user.email])


def test_staff_redraw_an_unanswered_seat_by_the_draws_rule(
    client, review, bureau_user, django_capture_on_commit_callbacks
):
    seat = review.members.order_by("position").first()
    type(seat).objects.filter(pk=seat.pk).update(deadline=timezone.localdate() - LATER)
    client.force_login(bureau_user)
    url = f"/staff/reviews/{review.pk}/"
    assert "已逾期" in client.get(url).content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, url, {}, button=("seat", str(seat.pk)), follow=True)
    assert "已改抽" in response.content.decode()
    seat.refresh_from_db()
    assert seat.replaced_at is not None
    new = review.members.order_by("-position").first()
    # The rule: the eligible pool less everyone drawn before, by email, one drawn with the seed.
    drawn_before = {m.expert_id for m in review.members.exclude(pk=new.pk)}
    pool = [
        e.pk
        for e in Expert.objects.filter(specialties=review.category, status="appointed").order_by(
            "email"
        )
        if e.pk not in drawn_before
    ]
    assert [new.expert_id] == random.Random(new.seed).sample(pool, 1)
    assert [m.to for m in mail.outbox] == [[new.expert.email]]
    entry = AuditEntry.objects.get(action="review.redraw")
    assert entry.changes["seed"] == [None, new.seed]
    # The replaced expert can no longer answer; the review now waits on the new seat.
    assert not seat_may_be_redrawn(seat, review)


def test_a_seat_within_its_deadline_cannot_be_redrawn(client, review, bureau_user):
    seat = review.members.first()
    client.force_login(bureau_user)
    assert 'name="seat"' not in client.get(f"/staff/reviews/{review.pk}/").content.decode()
    response = client.post(f"/staff/reviews/{review.pk}/seats/{seat.pk}/redraw/", follow=True)
    assert "答复期限" in response.content.decode()
    seat.refresh_from_db()
    assert seat.replaced_at is None


def test_only_staff_may_redraw(client, review, enterprise_user):
    seat = review.members.first()
    type(seat).objects.filter(pk=seat.pk).update(deadline=timezone.localdate() - LATER)
    client.force_login(enterprise_user)
    response = client.post(f"/staff/reviews/{review.pk}/seats/{seat.pk}/redraw/")
    assert response.status_code == 403
    seat.refresh_from_db()
    assert seat.replaced_at is None
