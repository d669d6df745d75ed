import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.catalog.enums import Sector
from apps.catalog.models import Category, Indicator
from apps.core import audit
from apps.core.forms import add_service_errors
from apps.core.permissions import permission_required
from apps.core.uploads import attachment_response
from apps.declarations import selectors, services
from apps.declarations.enums import PUBLIC_STATUSES, StandardStatus
from apps.declarations.forms import (
    AbolishForm,
    PublishForm,
    SearchForm,
    StandardContentForm,
    ValuesForm,
)
from apps.declarations.models import Standard, StandardVersion
from apps.enterprises.enums import District
from apps.enterprises.selectors import enterprise_of

PAGE_SIZE = 20


# ---- public pages -------------------------------------------------------------------------


def search(request):
    form = SearchForm(request.GET)
    form.is_valid()
    filters = {k: v for k, v in form.cleaned_data.items() if v}
    search = selectors.standards_search(**filters)
    paginator = selectors.CappedPaginator(search, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "declarations/search.html",
        {
            "page": page,
            "paginator": paginator,
            "expansion": search.expansion,
            "filters": filters,
            "querystring": query.urlencode(),
            "categories": Category.objects.order_by("sector", "code"),
            "sectors": Sector.choices,
            "districts": District.choices,
            "statuses": [(s.value, s.label) for s in PUBLIC_STATUSES],
        },
    )


def detail(request, pk):
    page = selectors.standard_page(pk)
    if page is None or not request.user.has_perm("declarations.view_standard", page.standard):
        raise Http404  # a draft does not exist for those who may not see it
    return render(
        request,
        "declarations/detail.html",
        {
            "standard": page.standard,
            "report": page.report,
            "versions": page.versions,
            "current": page.current,
            "can_change": rules.has_perm(
                "declarations.change_standard", request.user, page.standard
            ),
        },
    )


def version_text(request, pk, number):
    version = get_object_or_404(
        StandardVersion.objects.select_related("standard"), standard_id=pk, number=number
    )
    if not request.user.has_perm("declarations.view_version", version):
        raise Http404
    if not version.text_file:
        raise Http404
    filename = version.text_filename or f"{version.standard.standard_no}.pdf"
    return attachment_response(
        version.text_file.open("rb"), filename=filename, content_type="application/pdf"
    )


# ---- enterprise workspace -----------------------------------------------------------------


def _own_enterprise(request):
    enterprise = enterprise_of(request.user)
    if enterprise is None:
        raise PermissionDenied
    return enterprise


@permission_required("declarations.view_workspace")
def workspace(request):
    enterprise = enterprise_of(request.user)
    if enterprise is None:
        return render(request, "enterprises/no_enterprise.html", status=403)
    return render(
        request,
        "declarations/workspace.html",
        {"enterprise": enterprise, "standards": selectors.workspace_standards(enterprise)},
    )


@permission_required("declarations.declare")
def create(request):
    enterprise = _own_enterprise(request)
    form = StandardContentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            standard = services.standard_create(
                enterprise=enterprise, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("已创建草稿，请填写核心指标值并上传标准文本"))
            return redirect("declarations:edit", pk=standard.pk)
    return render(request, "declarations/create.html", {"form": form, "enterprise": enterprise})


def _editable(request, pk) -> Standard:
    standard = get_object_or_404(Standard.objects.select_related("enterprise", "category"), pk=pk)
    if not rules.has_perm("declarations.change_standard", request.user, standard):
        raise PermissionDenied
    return standard


def _edit_page(
    request,
    standard,
    *,
    content_form=None,
    values_form=None,
    publish_form=None,
    abolish_form=None,
    status=200,
):
    draft = services.draft_version_of(standard)
    context = {"standard": standard, "draft": draft}
    if draft is not None:
        indicators = list(Indicator.objects.filter(category_id=draft.category_id).order_by("code"))
        context["content_form"] = content_form or StandardContentForm(
            initial={
                "standard_type": draft.standard_type,
                "standard_no": standard.standard_no,
                "name": draft.name,
                "category": draft.category_id,
                "products": draft.products,
            },
            number_locked=standard.status != StandardStatus.DRAFT,
        )
        context["values_form"] = values_form or ValuesForm(
            indicators=indicators,
            initial={f"value_{code}": value for code, value in draft.values.items()},
        )
        context["publish_form"] = publish_form or PublishForm()
        context["report"] = services.benchmark_version(draft)
        context["problems"] = services.publication_problems(standard, draft)
    context["abolish_form"] = abolish_form or AbolishForm()
    context["entries"] = audit.history_for(standard)[:50]
    context["versions"] = selectors.versions_for_history(standard)
    return render(request, "declarations/edit.html", context, status=status)


@permission_required("declarations.declare")
def edit(request, pk):
    standard = _editable(request, pk)
    if request.method == "POST":
        form = StandardContentForm(
            request.POST,
            initial={"standard_no": standard.standard_no},
            number_locked=standard.status != StandardStatus.DRAFT,
        )
        if form.is_valid():
            data = dict(form.cleaned_data)
            if standard.status != StandardStatus.DRAFT:
                data.pop("standard_no", None)
            try:
                services.standard_update_draft(standard=standard, actor=request.user, **data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("标准信息已保存"))
                return redirect("declarations:edit", pk=standard.pk)
        return _edit_page(request, standard, content_form=form, status=400)
    return _edit_page(request, standard)


@require_POST
@permission_required("declarations.declare")
def save_values(request, pk):
    standard = _editable(request, pk)
    draft = services.draft_version_of(standard)
    if draft is None:
        messages.error(request, _("该标准没有待编辑的草稿；如需变更，请先点击“修订”创建新版本"))
        return redirect("declarations:edit", pk=standard.pk)
    indicators = list(Indicator.objects.filter(category_id=draft.category_id).order_by("code"))
    form = ValuesForm(request.POST, request.FILES, indicators=indicators)
    if form.is_valid():
        try:
            services.version_set_values(standard=standard, values=form.values(), actor=request.user)
            if form.cleaned_data.get("text_file"):
                services.version_attach_text(
                    standard=standard, upload=form.cleaned_data["text_file"], actor=request.user
                )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                error = ValidationError(
                    {
                        (f"value_{k}" if f"value_{k}" in form.fields else k): v
                        for k, v in error.message_dict.items()
                    }
                )
            add_service_errors(form, error)
        else:
            messages.success(request, _("指标值已保存"))
            return redirect("declarations:edit", pk=standard.pk)
    return _edit_page(request, standard, values_form=form, status=400)


@require_POST
@permission_required("declarations.declare")
def publish(request, pk):
    standard = _editable(request, pk)
    form = PublishForm(request.POST)
    form.is_valid()
    try:
        services.standard_publish(
            standard=standard,
            actor=request.user,
            commitment_accepted=form.cleaned_data.get("commitment", False),
            change_note=form.cleaned_data.get("change_note", ""),
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return _edit_page(request, standard, publish_form=form, status=400)
    messages.success(request, _("标准已公开"))
    return redirect("declarations:detail", pk=standard.pk)


@require_POST
@permission_required("declarations.declare")
def revise(request, pk):
    standard = _editable(request, pk)
    try:
        version = services.standard_revise(standard=standard, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("已创建第 %(n)d 版草稿，公开前原版本保持不变") % {"n": version.number}
        )
    return redirect("declarations:edit", pk=standard.pk)


@require_POST
@permission_required("declarations.declare")
def discard(request, pk):
    standard = _editable(request, pk)
    try:
        remaining = services.standard_discard_draft(standard=standard, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("declarations:edit", pk=standard.pk)
    messages.success(request, _("草稿已放弃"))
    if remaining is None:
        return redirect("declarations:workspace")
    return redirect("declarations:edit", pk=standard.pk)


@require_POST
@permission_required("declarations.declare")
def abolish(request, pk):
    standard = _editable(request, pk)
    form = AbolishForm(request.POST)
    if form.is_valid():
        try:
            services.standard_abolish(
                standard=standard,
                actor=request.user,
                abolished_on=form.cleaned_data["abolished_on"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("标准已废止"))
            return redirect("declarations:detail", pk=standard.pk)
    return _edit_page(request, standard, abolish_form=form, status=400)
