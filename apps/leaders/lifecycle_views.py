"""Pages of the candidate-list lifecycle: staff compile board and candidate-list workspace,
the public notice with its objection form, certificates and the enterprise notice list."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core import audit, ratelimit
from apps.core.forms import add_service_errors
from apps.core.permissions import permission_required
from apps.core.uploads import attachment_response
from apps.enterprises.selectors import enterprise_of
from apps.experts.selectors import reviews_of_target
from apps.leaders import certificate, selectors
from apps.leaders.enums import JobStatus, LeaderStatus
from apps.leaders.forms import (
    CompileForm,
    CreateListForm,
    DrawForm,
    FindingForm,
    ObjectionForm,
    ReasonForm,
    RevokeConfirmForm,
    RevokeForm,
)
from apps.leaders.models import CandidateList, Leader, Objection
from apps.leaders.personal_data import objection_notice
from apps.leaders.services.candidate_lists import (
    CANDIDATE_LIST,
    candidate_list_create,
    candidate_list_send_to_review,
    candidate_list_transition,
)
from apps.leaders.services.jobs import ranking_jobs_queue
from apps.leaders.services.objections import (
    OBJECTION,
    objection_decide,
    objection_file,
    objection_send_to_review,
)
from apps.leaders.services.titles import leader_revocable, leader_revoke


def _year(request) -> int:
    try:
        return int(request.GET.get("year") or request.POST.get("year"))
    except (TypeError, ValueError):
        return timezone.localdate().year


# ---------------------------------------------------------------- staff: compile board


@permission_required("leaders.compile_rankings")
def compile_board(request):
    year = _year(request)
    if request.method == "POST":
        schemes = selectors.schemes_to_compile(year=year)
        scheme_id = request.POST.get("scheme")
        if scheme_id:
            schemes = [s for s in schemes if str(s.pk) == scheme_id]
        if not schemes:
            messages.error(request, _("%(year)d 年度没有可编制的已批准方案") % {"year": year})
        else:
            jobs = ranking_jobs_queue(schemes=schemes, actor=request.user)
            messages.success(request, _("已排队编制 %(n)d 个方案的排行榜") % {"n": len(jobs)})
        return redirect(f"{reverse('leaders:compile_board')}?year={year}")
    rows = selectors.compile_board(year=year)
    context = {
        "year": year,
        "rows": rows,
        "form": CompileForm(initial={"year": year}),
        "active": any(
            row["job"] and row["job"].status in (JobStatus.QUEUED, JobStatus.RUNNING)
            for row in rows
        ),
    }
    if request.headers.get("HX-Request") == "true":
        return render(request, "leaders/partials/compile_board.html", context)
    return render(request, "leaders/staff_compile.html", context)


# ---------------------------------------------------------------- staff: candidate lists


@permission_required("leaders.manage_candidate_lists")
def candidate_lists(request):
    form = CreateListForm(request.POST or None, schemes=selectors.schemes_ready_for_list())
    if request.method == "POST" and form.is_valid():
        try:
            candidate_list = candidate_list_create(
                scheme=form.cleaned_data["scheme"], actor=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("候选名单已生成"))
            return redirect("leaders:staff_list", pk=candidate_list.pk)
    return render(
        request,
        "leaders/staff_lists.html",
        {"lists": selectors.candidate_lists_for_staff(), "form": form},
    )


def _staff_list_context(candidate_list, user, **forms):
    return {
        "list": candidate_list,
        # What the page offers: the moves the workflow allows this user now.
        "moves": CANDIDATE_LIST.available(candidate_list, user),
        "scheme": candidate_list.scheme,
        "candidates": selectors.notice_candidates(candidate_list),
        "objections": Objection.objects.filter(candidate__candidate_list=candidate_list)
        .select_related("candidate__standard__enterprise")
        .order_by("created_at", "id"),
        "reviews": reviews_of_target(candidate_list),
        "entries": audit.history_for(candidate_list)[:50],
        "today": timezone.localdate(),
        "draw_form": forms.get("draw_form") or DrawForm(),
        "reason_form": forms.get("reason_form") or ReasonForm(),
        "error": forms.get("error"),
    }


def _get_list(pk):
    return get_object_or_404(
        CandidateList.objects.select_related("scheme__category", "scheme__agency", "ranking"),
        pk=pk,
    )


@permission_required("leaders.manage_candidate_lists")
def staff_list(request, pk):
    candidate_list = _get_list(pk)
    return render(
        request, "leaders/staff_list.html", _staff_list_context(candidate_list, request.user)
    )


@require_POST
@permission_required("leaders.manage_candidate_lists")
def staff_list_action(request, pk):
    candidate_list = _get_list(pk)
    action = request.POST.get("action")
    forms = {}
    try:
        if action == "review":
            forms["draw_form"] = form = DrawForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("请填写抽取专家人数"))
            candidate_list_send_to_review(
                candidate_list=candidate_list, size=form.cleaned_data["size"], actor=request.user
            )
            messages.success(request, _("已抽取专家，候选名单送专家评审"))
        elif action in ("notice", "publish"):
            to = {"notice": "notice", "publish": "published"}[action]
            candidate_list_transition(candidate_list=candidate_list, to=to, actor=request.user)
            messages.success(
                request, _("候选名单开始公示") if action == "notice" else _("领跑者名单已发布")
            )
        elif action == "withdraw":
            forms["reason_form"] = form = ReasonForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("撤回候选名单必须填写理由"))
            candidate_list_transition(
                candidate_list=candidate_list,
                to="withdrawn",
                actor=request.user,
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("候选名单已撤回"))
        else:
            raise Http404
    except ValidationError as error:
        context = _staff_list_context(_get_list(pk), request.user, **forms, error=error.messages)
        return render(request, "leaders/staff_list.html", context, status=400)
    return redirect("leaders:staff_list", pk=candidate_list.pk)


def _get_objection(pk):
    return get_object_or_404(
        Objection.objects.select_related(
            "candidate__standard__enterprise", "candidate__candidate_list__scheme__category"
        ),
        pk=pk,
    )


@permission_required("leaders.manage_candidate_lists")
def staff_objection(request, pk):
    objection = _get_objection(pk)
    reviews = list(reviews_of_target(objection))
    # The finding starts from the experts' majority, in their words; staff may still differ.
    initial = {"upheld": selectors.objection_finding_suggested(reviews)}
    draw_form, finding_form = DrawForm(), FindingForm(initial=initial)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "review":
                draw_form = DrawForm(request.POST)
                if draw_form.is_valid():
                    objection_send_to_review(
                        objection=objection, size=draw_form.cleaned_data["size"], actor=request.user
                    )
                    messages.success(request, _("已抽取专家评审该异议"))
                    return redirect("leaders:staff_objection", pk=objection.pk)
            elif action == "decide":
                finding_form = FindingForm(request.POST)
                if finding_form.is_valid():
                    objection_decide(
                        objection=objection, actor=request.user, **finding_form.cleaned_data
                    )
                    messages.success(request, _("异议认定已登记"))
                    return redirect("leaders:staff_list", pk=objection.candidate.candidate_list_id)
            else:
                raise Http404
        except ValidationError as error:
            add_service_errors(finding_form if action == "decide" else draw_form, error)
    return render(
        request,
        "leaders/staff_objection.html",
        {
            "objection": objection,
            "moves": OBJECTION.available(objection, request.user),
            "reviews": reviews,
            "draw_form": draw_form,
            "finding_form": finding_form,
            "entries": audit.history_for(objection)[:50],
        },
    )


def objection_attachment(request, pk):
    """Staff and the experts drawn for the objection read the attachment; nobody else."""
    objection = get_object_or_404(Objection, pk=pk)
    if not request.user.is_authenticated:
        return redirect(f"{reverse('login')}?next={request.path}")
    if not request.user.has_perm("leaders.view_objection_attachment", objection):
        raise PermissionDenied
    if not objection.attachment:
        raise Http404
    return attachment_response(
        objection.attachment.open("rb"),
        content_type="application/pdf",
        filename=f"objection-{objection.pk}.pdf",
    )


# ---------------------------------------------------------------- staff: leader titles

STAFF_LEADER_PAGE_SIZE = 50


@permission_required("leaders.manage_titles")
def staff_leaders(request):
    q = request.GET.get("q", "").strip()
    status = request.GET.get("status") or None
    if status not in LeaderStatus.values:
        status = None
    leaders = selectors.leaders_for_staff(q=q, status=status)
    page = Paginator(leaders, STAFF_LEADER_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "leaders/staff_leaders.html",
        {
            "page": page,
            "q": q,
            "status": status,
            "statuses": LeaderStatus.choices,
            "querystring": query.urlencode(),
        },
    )


@permission_required("leaders.manage_titles")
def staff_leader(request, code):
    """A title for staff, with its revocation in two steps: the public reason, then a
    confirmation that shows what will be published."""
    leader = get_object_or_404(
        Leader.objects.select_related("category", "standard__enterprise"), verification_code=code
    )
    revocable = leader_revocable(leader) and request.user.has_perm("leaders.revoke_leader", leader)
    form, confirm_form, status = RevokeForm(), None, 200
    if request.method == "POST":
        if not revocable:
            raise PermissionDenied
        form = RevokeForm(request.POST)
        if request.POST.get("action") == "confirm":
            confirm_form = RevokeConfirmForm(request.POST)
            if form.is_valid() and confirm_form.is_valid():
                try:
                    leader_revoke(
                        leader=leader, reason=form.cleaned_data["reason"], actor=request.user
                    )
                except ValidationError as error:
                    add_service_errors(form, error)
                    confirm_form = None
                else:
                    messages.success(request, _("领跑者称号已撤销，已通知企业并发布撤销公告"))
                    return redirect("leaders:staff_leader", code=leader.verification_code)
            elif not form.is_valid():
                confirm_form = None
        elif form.is_valid():
            confirm_form = RevokeConfirmForm(initial={"reason": form.cleaned_data["reason"]})
        status = 200 if confirm_form is not None and not confirm_form.errors else 400
    return render(
        request,
        "leaders/staff_leader.html",
        {
            "leader": leader,
            "status": leader.status_on(timezone.localdate()),
            "revocable": revocable,
            "form": form,
            "confirm_form": confirm_form,
            "reason": form.cleaned_data["reason"] if confirm_form is not None else "",
            "entries": audit.history_for(leader)[:50],
        },
        status=status,
    )


# ---------------------------------------------------------------- public notice


def notice_list(request):
    return render(request, "leaders/notice_list.html", {"notices": selectors.notices_public()})


def _client_ip(request) -> str | None:
    return ratelimit.client_ip(request)  # honours DJANGO_TRUSTED_PROXY_COUNT


def _rate_limited(ip: str | None) -> bool:
    """At most OBJECTION_RATE_LIMIT submissions per client address per hour
    (apps.core.ratelimit, shared with registration, login and password reset)."""
    rate = f"{settings.OBJECTION_RATE_LIMIT}/h"
    return ratelimit.hit(scope="objection", rate=rate, identity=f"ip:{ip or 'unknown'}").limited


def notice_detail(request, pk):
    candidate_list = get_object_or_404(
        selectors.notices_public().select_related("scheme__category", "scheme__agency"), pk=pk
    )
    candidates = list(selectors.notice_candidates(candidate_list))
    today = timezone.localdate()
    running = candidate_list.notice_running(today)
    open_candidates = [c for c in candidates if c.status == "active"]
    form = None
    status = 200
    if running:
        form = ObjectionForm(
            request.POST or None, request.FILES or None, candidates=open_candidates
        )
        if request.method == "POST":
            if _rate_limited(_client_ip(request)):
                messages.error(request, _("提交过于频繁，请一小时后再试"))
                status = 429
            elif form.is_bot():
                # Tell a bot nothing; write nothing.
                messages.success(request, _("异议已提交，工作人员将进行核实处理"))
                return redirect("leaders:notice_detail", pk=candidate_list.pk)
            elif form.is_valid():
                data = form.cleaned_data
                chosen = next((c for c in open_candidates if c.pk == data["candidate"]), None)
                try:
                    if chosen is None:
                        raise ValidationError({"candidate": _("请选择公示中的候选")})
                    objection_file(
                        candidate=chosen,
                        name=data["name"],
                        contact=data["contact"],
                        grounds=data["grounds"],
                        consented=data["privacy_consent"],
                        attachment=data["attachment"],
                        ip_address=_client_ip(request),
                        today=today,
                    )
                except ValidationError as error:
                    add_service_errors(form, error)
                    status = 400
                else:
                    messages.success(request, _("异议已提交，工作人员将进行核实处理"))
                    return redirect("leaders:notice_detail", pk=candidate_list.pk)
            else:
                status = 400
    elif request.method == "POST":
        messages.error(request, _("该候选名单当前不在公示期内，不能提出异议"))
        status = 400
    return render(
        request,
        "leaders/notice_detail.html",
        {
            "list": candidate_list,
            "scheme": candidate_list.scheme,
            "candidates": candidates,
            "running": running,
            "today": today,
            "form": form,
            "notice": objection_notice(),
        },
        status=status,
    )


# ---------------------------------------------------------------- certificate, notices


def leader_certificate(request, code):
    leader = get_object_or_404(
        Leader.objects.select_related("category", "standard__enterprise"), verification_code=code
    )
    status = leader.status_on(timezone.localdate())
    pdf = certificate.render(
        leader=leader,
        status=status,
        status_label=str(LeaderStatus(status).label),
        public_url=request.build_absolute_uri(
            reverse("leaders:leader_detail", args=[leader.verification_code])
        ),
        issuer=str(settings.PORTAL_NAME),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="leader-certificate-{leader.verification_code}.pdf"'
    )
    return response


@permission_required("leaders.view_notifications")
def my_notifications(request):
    enterprise = enterprise_of(request.user)
    items = selectors.notifications_of(enterprise)[:100] if enterprise else []
    return render(
        request,
        "leaders/my_notifications.html",
        {"enterprise": enterprise, "items": items},
    )
