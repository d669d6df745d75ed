"""The evaluator's workspace: the agency, key-area applications, conflicts, drafting schemes."""

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.catalog.models import KeyArea
from apps.core.forms import add_service_errors
from apps.core.permissions import rule_required
from apps.enterprises.models import Enterprise
from apps.evaluators import selectors
from apps.evaluators.enums import CriterionKind, SchemeStatus
from apps.evaluators.forms import (
    ApplicationForm,
    ConflictForm,
    CriterionFormSet,
    NewVersionForm,
    SchemeHeaderForm,
)
from apps.evaluators.models import Scheme
from apps.evaluators.services.agencies import applications_submit
from apps.evaluators.services.schemes import (
    SchemeInvalid,
    scheme_new_version,
    scheme_save,
    scheme_transition,
)
from apps.evaluators.services.scoring import evaluator_conflict_declare
from apps.evaluators.validation import CriterionData
from apps.experts.selectors import reviews_of_target

# ---------------------------------------------------------------- evaluator workspace


def _agency_or_403(request):
    agency = selectors.agency_of(request.user)
    if agency is None:
        raise PermissionDenied(_("您的账户尚未加入评估机构"))
    return agency


@rule_required("evaluators.view_workspace")
def workspace(request):
    agency = selectors.agency_of(request.user)
    if agency is None:
        return render(request, "evaluators/no_agency.html", status=403)
    return render(
        request,
        "evaluators/workspace.html",
        {
            "agency": agency,
            "applications": agency.applications.select_related("key_area__category"),
            "schemes": selectors.schemes_of_agency(agency).order_by("-year", "scheme_code"),
            "conflicts": request.user.evaluator_conflicts.select_related("enterprise"),
        },
    )


@rule_required("evaluators.view_workspace")
def application_new(request):
    agency = _agency_or_403(request)
    key_areas = (
        KeyArea.objects.exclude(applications__agency=agency)
        .select_related("category")
        .order_by("-year", "category__code")
    )
    form = ApplicationForm(request.POST or None, key_areas=key_areas)
    if request.method == "POST" and form.is_valid():
        try:
            applications_submit(agency=agency, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("申请已提交，请等待市场监管局审核"))
            return redirect("evaluators:workspace")
    return render(request, "evaluators/application_new.html", {"form": form, "agency": agency})


@rule_required("evaluators.view_workspace")
def conflicts(request):
    form = ConflictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        enterprise = Enterprise.objects.filter(uscc=form.cleaned_data["uscc"]).first()
        if enterprise is None:
            form.add_error("uscc", _("没有该统一社会信用代码的企业"))
        else:
            try:
                evaluator_conflict_declare(
                    evaluator=request.user,
                    enterprise=enterprise,
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("利益冲突声明已登记：该企业的标准将不再向您显示"))
                return redirect("evaluators:workspace")
    return render(request, "evaluators/conflicts.html", {"form": form})


def _criteria_initial(scheme: Scheme | None, category) -> list[dict]:
    if scheme is not None:
        rows = [
            {
                "criterion_code": c.criterion_code,
                "kind": c.kind,
                "name": c.name,
                "weight": c.weight,
                "baseline": c.baseline,
                "advanced": c.advanced,
                "leading": c.leading,
            }
            for c in scheme.criteria.all()
        ]
    else:
        rows = [
            {"criterion_code": i.code, "kind": CriterionKind.CORE, "name": i.name}
            for i in category.indicators.all()
        ]
        rows += [
            {
                "criterion_code": "COMPLETENESS",
                "kind": CriterionKind.QUALITATIVE,
                "name": "指标全面性",
            },
            {
                "criterion_code": "CONFORMITY",
                "kind": CriterionKind.QUALITATIVE,
                "name": "编写规范性",
            },
        ]
    return rows + [{"kind": CriterionKind.QUALITATIVE}] * 2


def _scheme_form(request, *, agency, key_area, scheme=None):
    """The scheme editor: header and criteria in one form, checked by the one validation."""
    category = key_area.category
    header = SchemeHeaderForm(
        request.POST or None,
        initial=(
            {
                "scheme_code": scheme.scheme_code,
                "name": scheme.name,
                "max_leaders": scheme.max_leaders,
                "min_participants": scheme.min_participants,
                "notice_days": scheme.notice_days,
                "cutoff_date": scheme.cutoff_date,
            }
            if scheme
            else {"scheme_code": f"{key_area.year}-{category.code}-{agency.pk:03d}"}
        ),
    )
    formset = CriterionFormSet(
        request.POST or None, initial=_criteria_initial(scheme, category), prefix="criteria"
    )
    if request.method == "POST" and header.is_valid() and formset.is_valid():
        used = [form for form in formset.forms if not form.is_blank()]
        criteria = [
            CriterionData(
                criterion_code=form.cleaned_data["criterion_code"].strip(),
                kind=form.cleaned_data["kind"],
                name=form.cleaned_data["name"].strip(),
                weight=form.cleaned_data["weight"],
                baseline=form.cleaned_data["baseline"],
                advanced=form.cleaned_data["advanced"],
                leading=form.cleaned_data["leading"],
            )
            for form in used
        ]
        data = header.cleaned_data
        try:
            saved, _created = scheme_save(
                scheme=scheme,
                agency=agency,
                year=key_area.year,
                category=category,
                criteria=criteria,
                actor=request.user,
                scheme_code=data["scheme_code"].strip(),
                name=data["name"],
                max_leaders=data["max_leaders"],
                min_participants=data["min_participants"],
                notice_days=data["notice_days"],
                cutoff_date=data["cutoff_date"],
            )
        except SchemeInvalid as error:
            for problem in error.problems:
                if problem.index is not None:
                    target, field = used[problem.index], problem.field
                else:
                    target, field = header, problem.field
                target.add_error(field if field in target.fields else None, problem.message)
        except ValidationError as error:
            add_service_errors(header, error)
        else:
            messages.success(request, _("方案草稿已保存"))
            return redirect("evaluators:scheme_edit", pk=saved.pk)
    return render(
        request,
        "evaluators/scheme_form.html",
        {
            "header": header,
            "formset": formset,
            "scheme": scheme,
            "key_area": key_area,
            "indicators": category.indicators.all(),
            "schemewide_errors": [
                error for form in formset.forms for error in form.non_field_errors()
            ],
        },
    )


@rule_required("evaluators.view_workspace")
def scheme_new(request):
    agency = _agency_or_403(request)
    approved = selectors.approved_key_areas(agency)
    key_area = None
    if key_area_id := request.GET.get("key_area"):
        application = approved.filter(key_area_id=key_area_id).first()
        if application is None:
            raise Http404
        key_area = application.key_area
    if key_area is None:
        return render(request, "evaluators/scheme_pick_key_area.html", {"applications": approved})
    return _scheme_form(request, agency=agency, key_area=key_area)


def _own_scheme(request, pk) -> Scheme:
    scheme = get_object_or_404(selectors.scheme_with_criteria(), pk=pk)
    if not rules.has_perm("evaluators.act_for_agency", request.user, scheme):
        raise Http404
    return scheme


@rule_required("evaluators.view_workspace")
def scheme_edit(request, pk):
    scheme = _own_scheme(request, pk)
    if scheme.status == SchemeStatus.DRAFT:
        key_area = get_object_or_404(KeyArea, year=scheme.year, category=scheme.category)
        return _scheme_form(request, agency=scheme.agency, key_area=key_area, scheme=scheme)
    return render(
        request,
        "evaluators/scheme_detail.html",
        {
            "scheme": scheme,
            "reviews": [r for r in reviews_of_target(scheme) if r.status == "closed"],
            "new_version_form": NewVersionForm(
                initial={"scheme_code": f"{scheme.scheme_code}-V{scheme.version + 1}"}
            ),
        },
    )


@require_POST
@rule_required("evaluators.view_workspace")
def scheme_action(request, pk):
    scheme = _own_scheme(request, pk)
    action = request.POST.get("action")
    try:
        if action == "submit":
            scheme_transition(scheme=scheme, to=SchemeStatus.SUBMITTED, actor=request.user)
            messages.success(request, _("方案已提交，等待市场监管局组织专家评审"))
        elif action == "reopen":
            scheme_transition(scheme=scheme, to=SchemeStatus.DRAFT, actor=request.user)
            messages.success(request, _("方案已回到草稿，可以修改"))
        elif action == "new_version":
            form = NewVersionForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("请填写新版本的方案编号"))
            scheme = scheme_new_version(
                scheme=scheme, scheme_code=form.cleaned_data["scheme_code"], actor=request.user
            )
            messages.success(request, _("已创建新版本草稿"))
        else:
            raise ValidationError(_("未知操作"))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("evaluators:scheme_edit", pk=scheme.pk)
