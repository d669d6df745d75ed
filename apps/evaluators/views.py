from decimal import Decimal, InvalidOperation

import rules
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.services import account_state
from apps.catalog.models import KeyArea
from apps.core import audit, ratelimit
from apps.core.forms import add_service_errors
from apps.core.permissions import permission_required, rule_required
from apps.declarations.models import Standard
from apps.enterprises.models import Enterprise
from apps.enterprises.selectors import enterprise_of
from apps.evaluators import selectors, services
from apps.evaluators.enums import CriterionKind, SchemeStatus
from apps.evaluators.forms import (
    AgencyForm,
    ApplicationForm,
    CommentForm,
    ConflictForm,
    CriterionFormSet,
    DecisionForm,
    DrawForm,
    EvaluatorForm,
    NewVersionForm,
    ReturnForm,
    SchemeHeaderForm,
)
from apps.evaluators.models import Agency, KeyAreaApplication, Scheme
from apps.evaluators.validation import CriterionData
from apps.experts.selectors import reviews_of_target


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


# ---------------------------------------------------------------- staff: agencies


@permission_required("evaluators.manage_agencies")
def agency_list(request):
    form = AgencyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agency, _created = services.agency_save(actor=request.user, **form.cleaned_data)
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
            _membership, created = services.evaluator_save(
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
        services.application_decide(
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
            review = services.scheme_start_review(
                scheme=scheme, size=form.cleaned_data["size"], actor=request.user
            )
            messages.success(
                request,
                _("已抽取 %(size)d 名专家，随机种子 %(seed)d")
                % {"size": review.size, "seed": review.seed},
            )
        elif action == "return":
            services.scheme_transition(
                scheme=scheme,
                to=SchemeStatus.RETURNED,
                reason=request.POST.get("reason", ""),
                actor=request.user,
            )
            messages.success(request, _("方案已退回"))
        elif action == "approve":
            services.scheme_transition(scheme=scheme, to=SchemeStatus.APPROVED, actor=request.user)
            messages.success(request, _("方案已批准并冻结"))
        elif action == "publish_results":
            services.scheme_results_publish(scheme=scheme, actor=request.user)
            messages.success(request, _("评估结果已向参评企业公布"))
        else:
            raise ValidationError(_("未知操作"))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("evaluators:staff_scheme", pk=scheme.pk)


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
            services.applications_submit(agency=agency, actor=request.user, **form.cleaned_data)
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
                services.evaluator_conflict_declare(
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
            saved, _created = services.scheme_save(
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
        except services.SchemeInvalid as error:
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
            services.scheme_transition(scheme=scheme, to=SchemeStatus.SUBMITTED, actor=request.user)
            messages.success(request, _("方案已提交，等待市场监管局组织专家评审"))
        elif action == "reopen":
            services.scheme_transition(scheme=scheme, to=SchemeStatus.DRAFT, actor=request.user)
            messages.success(request, _("方案已回到草稿，可以修改"))
        elif action == "new_version":
            form = NewVersionForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("请填写新版本的方案编号"))
            scheme = services.scheme_new_version(
                scheme=scheme, scheme_code=form.cleaned_data["scheme_code"], actor=request.user
            )
            messages.success(request, _("已创建新版本草稿"))
        else:
            raise ValidationError(_("未知操作"))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("evaluators:scheme_edit", pk=scheme.pk)


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
            services.assessment_reject(
                scheme=scheme,
                standard=standard,
                reason=request.POST.get("reason", ""),
                actor=request.user,
            )
        elif action == "unreject":
            services.assessment_unreject(scheme=scheme, standard=standard, actor=request.user)
        else:
            for criterion in criteria:
                raw = request.POST.get(f"score-{criterion.pk}", "").strip()
                if not raw:
                    continue
                try:
                    score = Decimal(raw)
                except InvalidOperation:
                    return [_("%(name)s：得分应为数字") % {"name": criterion.name}]
                services.assessment_score(
                    scheme=scheme,
                    standard=standard,
                    criterion=criterion,
                    score=score,
                    actor=request.user,
                )
    except ValidationError as error:
        return error.messages
    return []


# ---------------------------------------------------------------- public and enterprise


def public_schemes(request):
    return render(
        request,
        "evaluators/public_schemes.html",
        {"schemes": selectors.public_schemes().order_by("-year", "category__code")},
    )


def scheme_public(request, code):
    scheme = get_object_or_404(selectors.scheme_with_criteria(), scheme_code=code)
    if not rules.has_perm("evaluators.view_scheme", request.user, scheme):
        raise Http404
    if request.method == "POST":
        # Public comments: at most SCHEME_COMMENT_RATE_LIMIT per client address per hour.
        outcome = ratelimit.hit(
            scope="scheme_comment",
            rate=f"{settings.SCHEME_COMMENT_RATE_LIMIT}/h",
            identity=f"ip:{ratelimit.client_ip(request) or 'unknown'}",
        )
        if outcome.limited:
            return ratelimit.too_many_requests(request, outcome.retry_after)
    form = CommentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.scheme_comment_add(scheme=scheme, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("感谢您的意见，已提交给评估机构和市场监管局"))
            return redirect("evaluators:scheme_public", code=scheme.scheme_code)
    return render(request, "evaluators/scheme_public.html", {"scheme": scheme, "form": form})


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
