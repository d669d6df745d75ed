"""Evaluators' declared conflicts and the scoring of standards against a scheme."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.core import audit
from apps.core.workflow import require
from apps.declarations.models import Standard
from apps.enterprises.models import Enterprise
from apps.evaluators import selectors
from apps.evaluators.enums import AssessmentDecision, CriterionKind, SchemeStatus
from apps.evaluators.models import Assessment, EvaluatorConflict, Scheme, SchemeCriterion
from apps.evaluators.validation import (
    ONLY_APPROVED,
    ONLY_QUALITATIVE,
    OWN_AGENCY_ONLY,
    REASON_REQUIRED,
    REJECTED_FIRST,
    score_problem,
)


@transaction.atomic
def evaluator_conflict_declare(
    *, evaluator, enterprise: Enterprise, reason: str, actor
) -> EvaluatorConflict:
    if actor is not None and actor.pk != evaluator.pk:
        require(actor, "evaluators.manage_agencies")
    if not reason.strip():
        raise ValidationError({"reason": _("请说明利益冲突的原因")})
    if EvaluatorConflict.objects.filter(evaluator=evaluator, enterprise=enterprise).exists():
        raise ValidationError({"uscc": _("已声明过与该企业的利益冲突")})
    conflict = EvaluatorConflict.objects.create(
        evaluator=evaluator, enterprise=enterprise, reason=reason.strip()
    )
    audit.record(
        actor=actor,
        action="evaluator.conflict_declare",
        target=conflict,
        changes={"enterprise": [None, enterprise.uscc], "reason": [None, reason]},
    )
    return conflict


def assessment_problem(*, scheme: Scheme, evaluator) -> str | None:
    """Why `evaluator` may not score under `scheme` (shared with the import)."""
    membership = getattr(evaluator, "agency_membership", None)
    if membership is None or membership.agency_id != scheme.agency_id:
        return str(OWN_AGENCY_ONLY)
    return None


def _check_scoring(*, scheme: Scheme, standard: Standard, evaluator, actor) -> None:
    if actor is not None and actor.pk == evaluator.pk:
        require(actor, "evaluators.score_scheme", scheme)
        if not selectors.entrants_for_evaluator(scheme, evaluator).filter(pk=standard.pk).exists():
            # Not an entrant, or an enterprise the evaluator must not see: same answer.
            raise PermissionDenied
    else:
        require(actor, "evaluators.manage_schemes")
        if problem := assessment_problem(scheme=scheme, evaluator=evaluator):
            raise ValidationError({"evaluator_email": problem})
    if scheme.status != SchemeStatus.APPROVED:
        raise ValidationError(ONLY_APPROVED)


@transaction.atomic
def assessment_score(
    *,
    scheme: Scheme,
    standard: Standard,
    criterion: SchemeCriterion,
    score: Decimal,
    actor,
    evaluator=None,
) -> tuple[Assessment, bool]:
    """Record (or change) an evaluator's score of one qualitative criterion. Returns
    (assessment, changed)."""
    evaluator = evaluator or actor
    _check_scoring(scheme=scheme, standard=standard, evaluator=evaluator, actor=actor)
    if criterion.scheme_id != scheme.pk or criterion.kind != CriterionKind.QUALITATIVE:
        raise ValidationError({"criterion_code": ONLY_QUALITATIVE})
    if problem := score_problem(score):
        raise ValidationError({"score": problem})
    if Assessment.objects.filter(
        scheme=scheme, standard=standard, evaluator=evaluator, decision=AssessmentDecision.REJECT
    ).exists():
        raise ValidationError(REJECTED_FIRST)
    assessment = (
        Assessment.objects.select_for_update()
        .filter(scheme=scheme, standard=standard, evaluator=evaluator, criterion=criterion)
        .first()
    )
    old = assessment.score if assessment else None
    if assessment is not None and assessment.score == score:
        return assessment, False
    if assessment is None:
        assessment = Assessment(
            scheme=scheme, standard=standard, evaluator=evaluator, criterion=criterion
        )
    assessment.score = score
    assessment.full_clean()
    assessment.save()
    audit.record(
        actor=actor,
        action="assessment.score",
        target=assessment,
        changes={"score": [old, score], "evaluator": [None, evaluator.email]},
    )
    return assessment, True


@transaction.atomic
def assessment_reject(
    *, scheme: Scheme, standard: Standard, reason: str, actor, evaluator=None
) -> tuple[Assessment, bool]:
    """The evaluator rejects the standard for this scheme; its scores by this evaluator are
    withdrawn (the audit log keeps them)."""
    evaluator = evaluator or actor
    _check_scoring(scheme=scheme, standard=standard, evaluator=evaluator, actor=actor)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": REASON_REQUIRED})
    mine = Assessment.objects.select_for_update().filter(
        scheme=scheme, standard=standard, evaluator=evaluator
    )
    existing = mine.filter(decision=AssessmentDecision.REJECT).first()
    if existing is not None and existing.reason == reason:
        return existing, False
    withdrawn = {
        a.criterion.criterion_code: str(a.score)
        for a in Assessment.objects.filter(
            scheme=scheme,
            standard=standard,
            evaluator=evaluator,
            decision=AssessmentDecision.ACCEPT,
        ).select_related("criterion")
    }
    mine.filter(decision=AssessmentDecision.ACCEPT).delete()
    assessment = existing or Assessment(
        scheme=scheme, standard=standard, evaluator=evaluator, decision=AssessmentDecision.REJECT
    )
    old_reason = assessment.reason or None
    assessment.reason = reason
    assessment.full_clean()
    assessment.save()
    audit.record(
        actor=actor,
        action="assessment.reject",
        target=assessment,
        changes={
            "reason": [old_reason, reason],
            "evaluator": [None, evaluator.email],
            **({"withdrawn_scores": [withdrawn, None]} if withdrawn else {}),
        },
    )
    return assessment, True


@transaction.atomic
def assessment_unreject(*, scheme: Scheme, standard: Standard, actor) -> None:
    """Withdraw the evaluator's rejection, so the standard can be scored."""
    _check_scoring(scheme=scheme, standard=standard, evaluator=actor, actor=actor)
    rejection = (
        Assessment.objects.select_for_update()
        .filter(
            scheme=scheme, standard=standard, evaluator=actor, decision=AssessmentDecision.REJECT
        )
        .first()
    )
    if rejection is None:
        return
    audit.record(
        actor=actor,
        action="assessment.unreject",
        target=rejection,
        changes={"reason": [rejection.reason, None]},
    )
    rejection.delete()
