"""experts.0002: objection opinions given with the scheme review's choices read as meant."""

import importlib

import pytest
from django.apps import apps

from apps.experts.models import Review
from apps.experts.services.reviews import review_draw
from tests.factories.evaluators import AgencyFactory, CategoryFactory
from tests.factories.experts import ExpertFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("apps.experts.migrations.0002_objection_review_decisions")


def old_review(bureau_user, kind, decisions, outcome):
    """A closed review as the old code stored it (opinions written directly, as they were)."""
    category = CategoryFactory()
    ExpertFactory.create_batch(len(decisions), specialties=[category])
    review = review_draw(
        target=AgencyFactory(),
        kind=kind,
        title="旧评审",
        category=category,
        size=len(decisions),
        excluded_usccs=[],
        actor=bureau_user,
    )
    for member, (decision, comments) in zip(review.members.all(), decisions, strict=True):
        member.decision, member.comments = decision, comments
        member.save()
    Review.objects.filter(pk=review.pk).update(status="closed", outcome=outcome)
    return review


def opinions(review):
    return sorted(review.members.values_list("decision", "comments"))


def test_old_objection_opinions_read_upheld_and_dismissed(bureau_user):
    objection = old_review(
        bureau_user,
        "objection",
        [("approve", ""), ("approve", "证据充分"), ("reject", "不足")],
        "approve",
    )
    split = old_review(bureau_user, "objection", [("approve", "是"), ("reject", "否")], "revise")
    scheme = old_review(bureau_user, "scheme", [("approve", ""), ("reject", "不足")], "revise")
    scheme_before = opinions(scheme)

    migration.forwards(apps, None)

    objection.refresh_from_db()
    assert objection.outcome == "upheld"
    assert objection.get_outcome_display() == "异议成立"
    assert opinions(objection) == sorted(
        [("dismissed", "不足"), ("upheld", migration.NO_REASON), ("upheld", "证据充分")]
    )
    split.refresh_from_db()
    assert split.outcome == "split"
    scheme.refresh_from_db()
    assert (scheme.outcome, opinions(scheme)) == ("revise", scheme_before)

    migration.backwards(apps, None)
    objection.refresh_from_db()
    assert objection.outcome == "approve"
    assert opinions(objection) == [("approve", ""), ("approve", "证据充分"), ("reject", "不足")]
