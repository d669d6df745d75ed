"""An enterprise's own evaluation results."""

from django.shortcuts import render

from apps.core.permissions import rule_required
from apps.enterprises.selectors import enterprise_of
from apps.evaluators import selectors


@rule_required("evaluators.view_own_results")
def my_results(request):
    enterprise = enterprise_of(request.user)
    if enterprise is None:
        return render(request, "enterprises/no_enterprise.html", status=403)
    return render(
        request,
        "evaluators/my_results.html",
        {"enterprise": enterprise, "assessments": selectors.results_for_enterprise(enterprise)},
    )
