"""Evaluators score the standards of a scheme (one row at a time, htmx-aware)."""

from decimal import Decimal, InvalidOperation

import rules
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from apps.core.permissions import rule_required
from apps.declarations.models import Standard
from apps.evaluators import selectors
from apps.evaluators.enums import CriterionKind
from apps.evaluators.models import Scheme
from apps.evaluators.services.scoring import (
    assessment_reject,
    assessment_score,
    assessment_unreject,
)


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


# ---------------------------------------------------------------- scoring


def _scoring_scheme(request, pk) -> Scheme:
    scheme = get_object_or_404(Scheme.objects.select_related("agency", "category"), pk=pk)
    if not rules.has_perm("evaluators.score_scheme", request.user, scheme):
        raise Http404
    return scheme


@rule_required("evaluators.view_workspace")
def scoring(request, pk):
    scheme = _scoring_scheme(request, pk)
    criteria = selectors.qualitative_criteria(scheme)
    rows = [
        (standard, selectors.row_state(standard, criteria))
        for standard in selectors.scoring_rows(scheme, request.user)
    ]
    done = sum(1 for _standard, state in rows if state["done"])
    return render(
        request,
        "evaluators/scoring.html",
        {"scheme": scheme, "criteria": criteria, "rows": rows, "done": done, "total": len(rows)},
    )


def _visible_standard(scheme, user, standard_pk) -> Standard:
    standard = (
        selectors.entrants_for_evaluator(scheme, user)
        .prefetch_related("values__indicator")
        .filter(pk=standard_pk)
        .first()
    )
    if standard is None:  # not an entrant, or an enterprise the evaluator may not see
        raise Http404
    return standard


@rule_required("evaluators.view_workspace")
def scoring_row(request, pk, standard_pk):
    """GET: the standard with its indicators and this evaluator's scores. POST (htmx or not):
    save the row's scores, reject, or withdraw the rejection."""
    scheme = _scoring_scheme(request, pk)
    standard = _visible_standard(scheme, request.user, standard_pk)
    criteria = selectors.qualitative_criteria(scheme)
    errors: list[str] = []
    if request.method == "POST":
        errors = _save_row(request, scheme, standard, criteria)
        if not _is_htmx(request) and not errors:
            return redirect("evaluators:scoring", pk=scheme.pk)
    [standard] = selectors.scoring_rows(scheme, request.user, standard_ids=[standard.pk])
    state = selectors.row_state(standard, criteria)
    context = {"scheme": scheme, "standard": standard, "state": state, "errors": errors}
    if _is_htmx(request):
        states = [
            selectors.row_state(row, criteria)
            for row in selectors.scoring_rows(scheme, request.user)
        ]
        context["progress"] = {"done": sum(s["done"] for s in states), "total": len(states)}
        return render(request, "evaluators/partials/scoring_row.html", context)
    values = {v.indicator_id: v.value for v in standard.values.all()}
    context["core"] = [
        (c, values.get(c.indicator_id)) for c in scheme.criteria.filter(kind=CriterionKind.CORE)
    ]
    return render(request, "evaluators/scoring_standard.html", context)


def _save_row(request, scheme, standard, criteria) -> list[str]:
    action = request.POST.get("action", "save")
    try:
        if action == "reject":
            assessment_reject(
                scheme=scheme,
                standard=standard,
                reason=request.POST.get("reason", ""),
                actor=request.user,
            )
        elif action == "unreject":
            assessment_unreject(scheme=scheme, standard=standard, actor=request.user)
        else:
            for criterion in criteria:
                raw = request.POST.get(f"score-{criterion.pk}", "").strip()
                if not raw:
                    continue
                try:
                    score = Decimal(raw)
                except InvalidOperation:
                    return [_("%(name)s：得分应为数字") % {"name": criterion.name}]
                assessment_score(
                    scheme=scheme,
                    standard=standard,
                    criterion=criterion,
                    score=score,
                    actor=request.user,
                )
    except ValidationError as error:
        return error.messages
    return []
