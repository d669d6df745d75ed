from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.imports.exporters import stream_csv
from apps.core.permissions import permission_required
from apps.supervision import selectors, services
from apps.supervision.forms import GeneratePlanForm, ResultForm
from apps.supervision.models import SpotCheckItem, SpotCheckPlan


def _private_if_secret(response, plans, *, secret=False):
    """A page holding a draft's seed or items, or a fresh seed in the form (staff only), is
    kept out of every cache."""
    if secret or any(plan.is_draft and plan.disclosed for plan in plans):
        add_never_cache_headers(response)
    return response


def plan_list(request):
    form = GeneratePlanForm() if request.user.has_perm("supervision.generate_plan") else None
    plans = selectors.plans_visible(request.user)
    response = render(request, "supervision/plan_list.html", {"plans": plans, "form": form})
    return _private_if_secret(response, plans, secret=form is not None)


ITEM_PAGE_SIZE = 100


def plan_detail(request, year):
    """A plan, ITEM_PAGE_SIZE items a page by keyset (`?after=<position>`): a national plan
    has tens of thousands of items, and (plan, position) is indexed."""
    plan = get_object_or_404(SpotCheckPlan, year=year)
    try:
        after = max(0, int(request.GET.get("after", 0)))
    except ValueError:
        after = 0
    items = list(
        selectors.plan_visible_items(plan, request.user).filter(position__gt=after)[
            : ITEM_PAGE_SIZE + 1
        ]
    )
    more = len(items) > ITEM_PAGE_SIZE
    items = items[:ITEM_PAGE_SIZE]
    view = selectors.plan_view(plan, request.user)
    response = render(
        request,
        "supervision/plan_detail.html",
        {
            "plan": view,
            "items": items,
            "after": after,
            "next_after": items[-1].position if more else None,
            "result_form": ResultForm()
            if request.user.has_perm("supervision.record_result")
            else None,
        },
    )
    return _private_if_secret(response, [view])


@require_POST
@permission_required("supervision.generate_plan")
def plan_generate(request):
    form = GeneratePlanForm(request.POST)
    if form.is_valid():
        try:
            plan = services.plan_generate(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("%(year)d 年抽查计划已生成（草案）") % {"year": plan.year})
            return redirect("supervision:plan_detail", year=plan.year)
    else:
        messages.error(
            request,
            " ".join(f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items()),
        )
    return redirect("supervision:plan_list")


@require_POST
@permission_required("supervision.approve_plan")
def plan_approve(request, year):
    plan = get_object_or_404(SpotCheckPlan, year=year)
    try:
        services.plan_approve(plan=plan, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("supervision:plan_detail", year=year)


@require_POST
@permission_required("supervision.record_result")
def item_result(request, pk):
    item = get_object_or_404(SpotCheckItem.objects.select_related("plan"), pk=pk)
    form = ResultForm(request.POST)
    if form.is_valid():
        try:
            services.item_record_result(item=item, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("已登记检查结果"))
    else:
        messages.error(request, _("请选择检查结论"))
    return redirect("supervision:plan_detail", year=item.plan.year)


def plan_export(request, year):
    """The plan page's CSV (inspectors by name): an approved plan for everyone, a draft for
    staff only."""
    plan = get_object_or_404(SpotCheckPlan, year=year)
    view = selectors.plan_view(plan, request.user)
    if not view.disclosed:
        raise Http404
    response = StreamingHttpResponse(
        stream_csv(selectors.PUBLIC_CSV_HEADER, selectors.plan_public_csv_rows(plan, request.user)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="spotcheck-{year}.csv"'
    return _private_if_secret(response, [view])
