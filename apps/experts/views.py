import rules
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.services import account_state
from apps.core import audit
from apps.core.forms import add_service_errors
from apps.core.permissions import permission_required, rule_required
from apps.experts import selectors
from apps.experts.forms import (
    AccountLinkForm,
    ConflictForm,
    ExpertForm,
    OpinionForm,
    ProfileForm,
    StatusForm,
)
from apps.experts.models import Expert, Review, ReviewMember
from apps.experts.personal_data import roster_notice
from apps.experts.services import reviews
from apps.experts.services.profiles import (
    conflict_declare,
    expert_account_create,
    expert_account_link,
    expert_profile_update,
    expert_save,
    expert_set_status,
)
from apps.experts.services.reviews import opinion_give, seat_may_be_redrawn

# ---------------------------------------------------------------- staff


@permission_required("experts.manage_experts")
def expert_list(request):
    form = ExpertForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            expert, created = expert_save(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                (_("已推荐专家：%(name)s") if created else _("已更新专家：%(name)s"))
                % {"name": expert.name},
            )
            return redirect("experts:expert_list")
    experts = list(selectors.experts_for_staff())
    for expert in experts:
        expert.account_state_code, expert.account_state = account_state(expert.user)
    return render(
        request,
        "experts/staff_experts.html",
        {"experts": experts, "form": form, "notice": roster_notice()},
    )


def _account_outcome(request, expert) -> None:
    """After an appointment: say whether the expert was invited, or cannot sign in yet."""
    outcome = getattr(expert, "account_outcome", None)
    if outcome == "invited":
        messages.success(
            request, _("已向 %(email)s 发送设置密码的邀请邮件。") % {"email": expert.email}
        )
    elif outcome == "conflict":
        messages.warning(
            request,
            _(
                "邮箱 %(email)s 已用于其他角色或其他专家的账户，该专家还不能登录答复评审；"
                "请在下方关联一个专家账户。"
            )
            % {"email": expert.email},
        )


@permission_required("experts.manage_experts")
def expert_detail(request, pk):
    """The expert's page: profile, account (create and invite, or link an existing one;
    resend the invitation), appointment or retirement."""
    expert = get_object_or_404(
        Expert.objects.select_related("user").prefetch_related("specialties", "conflicts"), pk=pk
    )
    action = request.POST.get("action", "status") if request.method == "POST" else ""
    form = StatusForm(request.POST if action == "status" else None)
    link_form = AccountLinkForm(request.POST if action == "account_link" else None)
    if action == "status" and form.is_valid():
        try:
            expert = expert_set_status(
                expert=expert, actor=request.user, request=request, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("专家状态已更新"))
            _account_outcome(request, expert)
            return redirect("experts:expert_detail", pk=expert.pk)
    elif action == "account_create":
        try:
            expert_account_create(expert=expert, actor=request.user, request=request)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("已为专家创建登录账户，并向 %(email)s 发送设置密码的邀请邮件。")
                % {"email": expert.email},
            )
        return redirect("experts:expert_detail", pk=expert.pk)
    elif action == "account_link" and link_form.is_valid():
        try:
            user = expert_account_link(expert=expert, actor=request.user, **link_form.cleaned_data)
        except ValidationError as error:
            add_service_errors(link_form, error)
        else:
            messages.success(request, _("已关联登录账户：%(email)s") % {"email": user.email})
            return redirect("experts:expert_detail", pk=expert.pk)
    state_code, state = account_state(expert.user)
    return render(
        request,
        "experts/staff_expert_detail.html",
        {
            "expert": expert,
            "form": form,
            "link_form": link_form,
            "account_state_code": state_code,
            "account_state": state,
            "email_taken": expert.user_id is None
            and get_user_model().objects.filter(email__iexact=expert.email).exists(),
            "entries": audit.history_for(expert)[:50],
            "notice": roster_notice(),
        },
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
                (member, seat_may_be_redrawn(member, review))
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
    action = request.POST.get("action", "conflict") if request.method == "POST" else ""
    form = ConflictForm(request.POST if action == "conflict" else None)
    profile_form = ProfileForm(
        request.POST if action == "profile" else None, initial={"phone": expert.phone}
    )
    if action == "conflict" and form.is_valid():
        try:
            conflict_declare(expert=expert, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("利益冲突声明已登记"))
            return redirect("experts:workspace")
    elif action == "profile" and profile_form.is_valid():
        try:
            expert_profile_update(
                expert=expert,
                actor=request.user,
                phone=profile_form.cleaned_data["phone"],
                consented=profile_form.cleaned_data["privacy_consent"],
            )
        except ValidationError as error:
            add_service_errors(profile_form, error)
        else:
            messages.success(request, _("联系方式已保存"))
            return redirect("experts:workspace")
    return render(
        request,
        "experts/workspace.html",
        {
            "expert": expert,
            "seats": selectors.seats_of(request.user),
            "conflicts": expert.conflicts.all(),
            "form": form,
            "profile_form": profile_form,
            "notice": roster_notice(),
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
            opinion_give(member=member, actor=request.user, **form.cleaned_data)
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
        seat = reviews.review_seat_redraw(member=member, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("已改抽：%(name)s，已通知其在期限内提交意见") % {"name": seat.expert.name}
        )
    return redirect("experts:review_detail", pk=pk)
