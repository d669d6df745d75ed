from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from apps.declarations.enums import StandardStatus
from apps.declarations.models import Standard
from apps.evaluators.enums import (
    PUBLIC_SCHEME_STATUSES,
    ApplicationStatus,
    AssessmentDecision,
    CriterionKind,
    SchemeStatus,
)
from apps.evaluators.models import (
    Agency,
    AgencyMembership,
    Assessment,
    EvaluatorConflict,
    KeyAreaApplication,
    Scheme,
    SchemeCriterion,
)


def agency_of(user) -> Agency | None:
    if not user.is_authenticated:
        return None
    membership = AgencyMembership.objects.filter(user=user).select_related("agency").first()
    return membership.agency if membership else None


def agencies_for_staff() -> QuerySet[Agency]:
    return Agency.objects.annotate(
        members=Count("memberships", distinct=True),
        approved_areas=Count(
            "applications", filter=Q(applications__status="approved"), distinct=True
        ),
    ).order_by("name")


def applications_pending() -> QuerySet[KeyAreaApplication]:
    return (
        KeyAreaApplication.objects.filter(status=ApplicationStatus.PENDING)
        .select_related("agency", "key_area__category", "submitted_by")
        .order_by("created_at")
    )


def approved_key_areas(agency: Agency):
    return (
        KeyAreaApplication.objects.filter(agency=agency, status=ApplicationStatus.APPROVED)
        .select_related("key_area__category")
        .order_by("-key_area__year", "key_area__category__code")
    )


def is_approved_for(agency: Agency, year: int, category) -> bool:
    return KeyAreaApplication.objects.filter(
        agency=agency,
        status=ApplicationStatus.APPROVED,
        key_area__year=year,
        key_area__category=category,
    ).exists()


def schemes_with_counts() -> QuerySet[Scheme]:
    return Scheme.objects.select_related("category", "agency").annotate(
        criteria_count=Count("criteria", distinct=True)
    )


def schemes_of_agency(agency: Agency) -> QuerySet[Scheme]:
    return schemes_with_counts().filter(agency=agency)


def schemes_for_staff() -> QuerySet[Scheme]:
    return schemes_with_counts().order_by("-updated_at")


def public_schemes() -> QuerySet[Scheme]:
    return schemes_with_counts().filter(status__in=PUBLIC_SCHEME_STATUSES)


def scheme_with_criteria(queryset=None) -> QuerySet[Scheme]:
    return (
        (queryset or Scheme.objects)
        .select_related("category", "agency")
        .prefetch_related(
            Prefetch("criteria", queryset=SchemeCriterion.objects.select_related("indicator"))
        )
    )


def entrants(scheme: Scheme) -> QuerySet[Standard]:
    """CONTRACT.md section 3, step 1: public standards of the category published by the
    cutoff date."""
    return Standard.objects.filter(
        category_id=scheme.category_id,
        status=StandardStatus.PUBLIC,
        published_on__lte=scheme.cutoff_date,
    )


def entrants_for_evaluator(scheme: Scheme, evaluator) -> QuerySet[Standard]:
    """The entrants an evaluator may see: without the enterprises it declared a conflict with,
    and never the agency's own enterprise."""
    conflicts = EvaluatorConflict.objects.filter(
        evaluator=evaluator, enterprise=OuterRef("enterprise")
    )
    return (
        entrants(scheme)
        .exclude(Exists(conflicts))
        .exclude(enterprise__uscc=scheme.agency.uscc)
        .select_related("enterprise")
        .order_by("enterprise__uscc", "standard_no")
    )


def scoring_rows(scheme: Scheme, evaluator, standard_ids=None) -> list[Standard]:
    """Entrants visible to the evaluator with `my_assessments` (this evaluator's rows)."""
    queryset = entrants_for_evaluator(scheme, evaluator)
    if standard_ids is not None:
        queryset = queryset.filter(pk__in=standard_ids)
    return list(
        queryset.prefetch_related(
            Prefetch(
                "assessments",
                queryset=Assessment.objects.filter(scheme=scheme, evaluator=evaluator),
                to_attr="my_assessments",
            )
        )
    )


def qualitative_criteria(scheme: Scheme) -> list[SchemeCriterion]:
    return list(scheme.criteria.filter(kind=CriterionKind.QUALITATIVE).order_by("position", "id"))


def row_state(standard: Standard, criteria: list[SchemeCriterion]) -> dict:
    """For one scoring row: the evaluator's scores by criterion, rejection, running total
    (Σ weight × score / 100 over the scored qualitative criteria) and whether it is done."""
    scores, rejection = {}, None
    for assessment in standard.my_assessments:
        if assessment.decision == AssessmentDecision.REJECT:
            rejection = assessment
        else:
            scores[assessment.criterion_id] = assessment.score
    total = sum(
        (c.weight * scores[c.pk] / 100 for c in criteria if c.pk in scores),
        start=0,
    )
    done = rejection is not None or all(c.pk in scores for c in criteria)
    return {
        "scores": scores,
        "cells": [(c, scores.get(c.pk)) for c in criteria],
        "rejection": rejection,
        "total": round(total, 2),
        "done": done,
    }


def results_for_enterprise(enterprise) -> QuerySet[Assessment]:
    """An enterprise's own assessments, only for schemes whose results are published."""
    return (
        Assessment.objects.filter(
            standard__enterprise=enterprise,
            scheme__results_published_at__isnull=False,
            scheme__status__in=[SchemeStatus.APPROVED, SchemeStatus.SUPERSEDED],
        )
        .select_related("scheme", "standard", "criterion")
        .order_by(
            "scheme__scheme_code", "standard__standard_no", "evaluator_id", "criterion__position"
        )
    )
