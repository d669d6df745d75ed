import rules
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core import audit
from apps.core.forms import add_service_errors
from apps.core.permissions import permission_required, rule_required
from apps.experts import selectors, services
from apps.experts.forms import ConflictForm, ExpertForm, OpinionForm, StatusForm
from apps.experts.models import Expert, Review, ReviewMember

# ---------------------------------------------------------------- staff


@permission_required("experts.manage_experts")
def expert_list(request):
    form = ExpertForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            expert, created = services.expert_save(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                (_("已推荐专家：%(name)s") if created else _("已更新专家：%(name)s"))
                % {"name": expert.name},
            )
            return redirect("experts:expert_list")
    return render(
        request,
        "experts/staff_experts.html",
        {"experts": selectors.experts_for_staff(), "form": form},
    )


@permission_required("experts.manage_experts")
def expert_detail(request, pk):
    expert = get_object_or_404(Expert.objects.prefetch_related("specialties", "conflicts"), pk=pk)
    form = StatusForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.expert_set_status(expert=expert, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("专家状态已更新"))
            return redirect("experts:expert_detail", pk=expert.pk)
    return render(
        request,
        "experts/staff_expert_detail.html",
        {"expert": expert, "form": form, "entries": audit.history_for(expert)[:50]},
    )


@permission_required("experts.manage_reviews")
def review_list(request):
    return render(request, "experts/staff_reviews.html", {"reviews": selectors.reviews_for_staff()})


@permission_required("experts.manage_reviews")
def review_detail(request, pk):
    review = get_object_or_404(Review.objects.select_related("category", "drawn_by"), pk=pk)
    pool = Expert.objects.in_bulk([*review.pool, *map(int, review.excluded)])
    return render(
        request,
        "experts/staff_review_detail.html",
        {
            "review": review,
            "members": [
                (member, services.seat_may_be_redrawn(member, review))
                for member in review.members.select_related("expert")
            ],
            "pool": [pool[pk] for pk in review.pool if pk in pool],
            "excluded": [
                (pool.get(int(pk)), reason) for pk, reason in sorted(review.excluded.items())
            ],
        },
    )


# ---------------------------------------------------------------- expert workspace


@rule_required("experts.view_workspace")
def workspace(request):
    expert = selectors.expert_of(request.user)
    if expert is None:
        return render(request, "experts/no_expert.html", status=403)
    form = ConflictForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.conflict_declare(expert=expert, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("利益冲突声明已登记"))
            return redirect("experts:workspace")
    return render(
        request,
        "experts/workspace.html",
        {
            "expert": expert,
            "seats": selectors.seats_of(request.user),
            "conflicts": expert.conflicts.all(),
            "form": form,
        },
    )


def _review_for(request, pk):
    review = get_object_or_404(Review.objects.select_related("category"), pk=pk)
    if not rules.has_perm("experts.view_review", request.user, review):
        raise Http404
    return review


@rule_required("experts.view_workspace")
def review_opinion(request, pk):
    """A drawn expert reads the reviewed object and gives an opinion; nobody else's
    opinion is shown here."""
    review = _review_for(request, pk)
    member = get_object_or_404(
        ReviewMember.objects.select_related("expert"), review=review, expert__user=request.user
    )
    form = OpinionForm(
        request.POST or None,
        initial={"decision": member.decision or None, "comments": member.comments},
        kind=review.kind,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.opinion_give(member=member, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("评审意见已提交"))
            return redirect("experts:workspace")
    return render(
        request,
        "experts/review_opinion.html",
        {"review": review, "member": member, "form": form, "target": review.target},
    )


@require_POST
@permission_required("experts.manage_reviews")
def review_seat_redraw(request, pk, member_pk):
    member = get_object_or_404(ReviewMember, pk=member_pk, review_id=pk)
    try:
        seat = services.review_seat_redraw(member=member, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("已改抽：%(name)s，已通知其在期限内提交意见") % {"name": seat.expert.name}
        )
    return redirect("experts:review_detail", pk=pk)
