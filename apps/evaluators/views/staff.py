"""Pages for bureau staff: agencies and their key-area applications, schemes under review."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.services import account_state
from apps.core import audit
from apps.core.forms import add_service_errors
from apps.core.permissions import permission_required
from apps.evaluators import selectors
from apps.evaluators.enums import SchemeStatus
from apps.evaluators.forms import (
    AgencyForm,
    DecisionForm,
    DrawForm,
    EvaluatorForm,
    ReturnForm,
)
from apps.evaluators.models import Agency, KeyAreaApplication, Scheme
from apps.evaluators.services import agencies as agency_services
from apps.evaluators.services.agencies import agency_save, evaluator_save
from apps.evaluators.services.schemes import (
    scheme_results_publish,
    scheme_start_review,
    scheme_transition,
)
from apps.experts.selectors import reviews_of_target

# ---------------------------------------------------------------- staff: agencies


@permission_required("evaluators.manage_agencies")
def agency_list(request):
    form = AgencyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agency, _created = agency_save(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("评估机构已保存：%(name)s") % {"name": agency.name})
            return redirect("evaluators:agency_detail", pk=agency.pk)
    return render(
        request,
        "evaluators/staff_agencies.html",
        {"agencies": selectors.agencies_for_staff(), "form": form},
    )


@permission_required("evaluators.manage_agencies")
def agency_detail(request, pk):
    agency = get_object_or_404(Agency, pk=pk)
    form = EvaluatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            _membership, created = evaluator_save(
                agency=agency, actor=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if created:
                messages.success(
                    request,
                    _("评估人员已加入机构，设置密码的邀请邮件已发送至 %(email)s")
                    % {"email": form.cleaned_data["email"]},
                )
            else:
                messages.success(request, _("评估人员已加入机构"))
            return redirect("evaluators:agency_detail", pk=agency.pk)
    return render(
        request,
        "evaluators/staff_agency_detail.html",
        {
            "agency": agency,
            "form": form,
            "members": _with_account_state(agency.memberships.select_related("user")),
            "applications": agency.applications.select_related("key_area__category"),
            "schemes": selectors.schemes_of_agency(agency),
            "entries": audit.history_for(agency)[:50],
            "invitation_days": settings.INVITATION_TIMEOUT_DAYS,
        },
    )


def _with_account_state(memberships):
    memberships = list(memberships)
    for membership in memberships:
        membership.state_code, membership.state = account_state(membership.user)
    return memberships


@permission_required("evaluators.manage_agencies")
def applications(request):
    return render(
        request,
        "evaluators/staff_applications.html",
        {"applications": selectors.applications_pending()},
    )


@require_POST
@permission_required("evaluators.manage_agencies")
def application_decide(request, pk):
    application = get_object_or_404(KeyAreaApplication, pk=pk)
    form = DecisionForm(request.POST)
    form.is_valid()
    try:
        agency_services.application_decide(
            application=application,
            approve=form.cleaned_data.get("approve", False),
            reason=form.cleaned_data.get("reason", ""),
            actor=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已处理：%(application)s") % {"application": application})
    return redirect("evaluators:applications")


# ---------------------------------------------------------------- staff: schemes


@permission_required("evaluators.manage_schemes")
def staff_schemes(request):
    return render(
        request, "evaluators/staff_schemes.html", {"schemes": selectors.schemes_for_staff()}
    )


@permission_required("evaluators.manage_schemes")
def staff_scheme(request, pk):
    scheme = get_object_or_404(selectors.scheme_with_criteria(), pk=pk)
    return render(
        request,
        "evaluators/staff_scheme.html",
        {
            "scheme": scheme,
            "reviews": reviews_of_target(scheme),
            "comments": scheme.comments.all(),
            "draw_form": DrawForm(),
            "return_form": ReturnForm(),
            "entries": audit.history_for(scheme)[:50],
        },
    )


@require_POST
@permission_required("evaluators.manage_schemes")
def staff_scheme_action(request, pk):
    scheme = get_object_or_404(Scheme, pk=pk)
    action = request.POST.get("action")
    try:
        if action == "draw":
            form = DrawForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("请填写1到15之间的抽取人数"))
            review = scheme_start_review(
                scheme=scheme, size=form.cleaned_data["size"], actor=request.user
            )
            messages.success(
                request,
                _("已抽取 %(size)d 名专家，随机种子 %(seed)d")
                % {"size": review.size, "seed": review.seed},
            )
        elif action == "return":
            scheme_transition(
                scheme=scheme,
                to=SchemeStatus.RETURNED,
                reason=request.POST.get("reason", ""),
                actor=request.user,
            )
            messages.success(request, _("方案已退回"))
        elif action == "approve":
            scheme_transition(scheme=scheme, to=SchemeStatus.APPROVED, actor=request.user)
            messages.success(request, _("方案已批准并冻结"))
        elif action == "publish_results":
            scheme_results_publish(scheme=scheme, actor=request.user)
            messages.success(request, _("评估结果已向参评企业公布"))
        else:
            raise ValidationError(_("未知操作"))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("evaluators:staff_scheme", pk=scheme.pk)
