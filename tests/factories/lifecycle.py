"""Build a scheme with a compiled ranking and walk candidate lists through the services."""

from decimal import Decimal

from django.utils import timezone

from apps.evaluators.models import Assessment, SchemeCriterion
from apps.experts.enums import DECISIONS_BY_KIND, Decision
from apps.experts.services.reviews import opinion_give
from apps.leaders.services.candidate_lists import (
    candidate_list_create,
    candidate_list_send_to_review,
    candidate_list_transition,
)
from apps.leaders.services.rankings import ranking_compile
from tests.factories.enterprises import EnterpriseFactory
from tests.factories.evaluators import (
    StandardFactory,
    approved_scheme,
    evaluator_user,
    indicator_values,
)
from tests.factories.experts import ExpertFactory

TOP = {"EFF": 96, "NOISE": 44, "STANDBY": "0.4"}  # tiers 3, 3, 3


def ranked_scheme(
    *, entrants: int = 4, quality=(90, 80, 70, 60, 50, 40), compile=True, **scheme_fields
):
    """An approved scheme whose `entrants` standards (one per enterprise) are all ranked
    candidates, scores falling with `quality`, and (unless `compile=False`) its ranking."""
    scheme = approved_scheme(**scheme_fields)
    evaluator = evaluator_user(scheme.agency)
    criteria = {c.criterion_code: c for c in SchemeCriterion.objects.filter(scheme=scheme)}
    for index in range(entrants):
        standard = StandardFactory(enterprise=EnterpriseFactory(), category=scheme.category)
        indicator_values(standard, **TOP)
        for code in ("Q1", "Q2"):
            Assessment.objects.create(
                scheme=scheme,
                standard=standard,
                evaluator=evaluator,
                criterion=criteria[code],
                score=Decimal(quality[index % len(quality)]),
            )
    if compile:
        ranking_compile(scheme=scheme)
    return scheme


def expert_pool(category, size: int = 3):
    return [ExpertFactory(specialties=[category]) for _ in range(size)]


def review(target_review, decision=None):
    """Every drawn expert gives `decision` (by default the first the form offers: 同意 for a
    list, 异议成立 for an objection); the review closes with it."""
    decision = decision or DECISIONS_BY_KIND[target_review.kind][0]
    for member in target_review.members.select_related("expert__user"):
        opinion_give(
            member=member,
            decision=decision,
            comments="" if decision == Decision.APPROVE else "候选依据不足",
            actor=member.expert.user,
        )


def reviewed_list(scheme, staff):
    expert_pool(scheme.category)
    candidate_list = candidate_list_create(scheme=scheme, actor=staff)
    review(candidate_list_send_to_review(candidate_list=candidate_list, size=3, actor=staff))
    candidate_list.refresh_from_db()
    return candidate_list


def list_in_notice(scheme, staff, *, today=None):
    candidate_list = reviewed_list(scheme, staff)
    return candidate_list_transition(
        candidate_list=candidate_list,
        to="notice",
        actor=staff,
        today=today or timezone.localdate(),
    )
