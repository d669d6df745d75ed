from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.accounts.rules import is_bureau_staff, is_partner
from apps.core import audit
from apps.core.forms import add_service_errors
from apps.core.permissions import permission_required
from apps.core.uploads import attachment_response
from apps.enterprises.models import Enterprise
from apps.enterprises.selectors import enterprise_of
from apps.incentives import eligibility, selectors, services
from apps.incentives.enums import ApplicationStatus, PilotTag
from apps.incentives.forms import (
    ApplicationForm,
    DecisionForm,
    EnterpriseSearchForm,
    PilotTagForm,
    TokenForm,
)
from apps.incentives.models import (
    Application,
    ApplicationDocument,
    EnterprisePilot,
    PartnerToken,
    Programme,
)
from apps.incentives.rules import can_read_leader_feed


def programme_list(request):
    """Public list of programmes; an enterprise user also sees whether it may apply."""
    today = timezone.localdate()
    enterprise = enterprise_of(request.user) if request.user.has_perm("incentives.apply") else None
    if enterprise is not None:
        rows = selectors.programmes_with_eligibility(enterprise, today)
    else:
        rows = [(programme, None) for programme in selectors.programmes_public()]
    return render(
        request,
        "incentives/programme_list.html",
        {"rows": rows, "enterprise": enterprise, "today": today},
    )


def programme_detail(request, code):
    programme = get_object_or_404(
        Programme.objects.select_related("provider"), code=code, published=True
    )
    today = timezone.localdate()
    enterprise = enterprise_of(request.user) if request.user.has_perm("incentives.apply") else None
    result = eligibility.check(programme, enterprise, today) if enterprise else None
    return render(
        request,
        "incentives/programme_detail.html",
        {"programme": programme, "eligibility": result, "enterprise": enterprise},
    )


@permission_required("incentives.apply")
def apply(request, code):
    programme = get_object_or_404(
        Programme.objects.select_related("provider"), code=code, published=True
    )
    enterprise = enterprise_of(request.user)
    if enterprise is None:
        raise PermissionDenied
    today = timezone.localdate()
    result = eligibility.check(programme, enterprise, today)
    if not result.eligible:
        messages.error(request, " ".join(result.reasons))
        return redirect("incentives:programme_detail", code=programme.code)
    form = ApplicationForm(
        request.POST or None, request.FILES or None, programme=programme, leaders=result.leaders
    )
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_submit(
                programme=programme,
                enterprise=enterprise,
                leader=form.chosen_leader(),
                statement=form.cleaned_data["statement"],
                documents=form.documents(),
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("申请已提交，请等待%(provider)s审核") % {"provider": programme.provider.name},
            )
            return redirect("incentives:application_detail", pk=application.pk)
    return render(
        request,
        "incentives/apply.html",
        {"programme": programme, "form": form, "enterprise": enterprise},
    )


@permission_required("incentives.apply")
def my_applications(request):
    enterprise = enterprise_of(request.user)
    if enterprise is None:
        raise PermissionDenied
    today = timezone.localdate()
    return render(
        request,
        "incentives/my_applications.html",
        {
            "enterprise": enterprise,
            "applications": selectors.applications_of_enterprise(enterprise),
            "open_rows": [
                (programme, result)
                for programme, result in selectors.programmes_with_eligibility(enterprise, today)
                if result.eligible
            ],
            "credit_records": selectors.credit_records_of(enterprise),
        },
    )


def _application(request, pk) -> Application:
    try:
        application = selectors.application_detail(pk)
    except Application.DoesNotExist:
        raise Http404 from None
    return application


@permission_required("incentives.view_application", fn=_application)
def application_detail(request, pk):
    application = _application(request, pk)
    # The moves the workflow offers this user, as the service checks them.
    moves = services.APPLICATION.available(application, request.user)
    return render(
        request,
        "incentives/application_detail.html",
        {
            "application": application,
            "documents": application.documents.all(),
            "decision_form": DecisionForm() if ApplicationStatus.APPROVED in moves else None,
            "can_withdraw": ApplicationStatus.WITHDRAWN in moves,
            "entries": audit.history_for(application),
            "leader_status": application.leader.status_on(timezone.localdate())
            if application.leader
            else None,
        },
    )


@require_POST
@permission_required("incentives.decide_application", fn=_application)
def application_decide(request, pk):
    application = _application(request, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            " ".join(f"{form.fields[f].label}：{' '.join(e)}" for f, e in form.errors.items()),
        )
        return redirect("incentives:application_detail", pk=pk)
    try:
        services.application_change_status(
            application=application,
            target=form.cleaned_data["decision"],
            reason=form.cleaned_data["reason"],
            actor=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已处理该申请"))
    return redirect("incentives:application_detail", pk=pk)


@require_POST
@permission_required("incentives.withdraw_application", fn=_application)
def application_withdraw(request, pk):
    application = _application(request, pk)
    try:
        services.application_change_status(
            application=application,
            target=ApplicationStatus.WITHDRAWN,
            reason=request.POST.get("reason", ""),
            actor=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("申请已撤回"))
    return redirect("incentives:application_detail", pk=pk)


def _document_application(request, pk) -> Application:
    document = get_object_or_404(ApplicationDocument.objects.select_related("application"), pk=pk)
    request.incentive_document = document
    return _application(request, document.application_id)


@permission_required("incentives.view_application", fn=_document_application)
def document_download(request, pk):
    document = request.incentive_document
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    extension = document.file.name.rsplit(".", 1)[-1]
    return attachment_response(
        handle,
        filename=f"{document.application_id}-{document.name}.{extension}",
        content_type=document.content_type,
    )


@permission_required("incentives.view_partner_desk")
def partner_desk(request):
    membership = getattr(request.user, "provider_membership", None)
    if membership is None:
        if not is_partner.test(request.user):  # e.g. a superuser, who passes every check
            raise PermissionDenied
        # A partner account not attached to a provider yet: say so, not a bare 403.
        return render(request, "incentives/partner_desk.html", {"provider": None})
    status = request.GET.get("status") or ""
    if status not in ApplicationStatus.values:
        status = ""
    page = Paginator(
        selectors.applications_for_provider(request.user, status or None), 50
    ).get_page(request.GET.get("page"))
    can_feed = can_read_leader_feed.test(request.user)
    return render(
        request,
        "incentives/partner_desk.html",
        {
            "page": page,
            "status": status,
            "statuses": ApplicationStatus.choices,
            "provider": membership.provider,
            "can_feed": can_feed,
            "tokens": PartnerToken.objects.filter(user=request.user) if can_feed else [],
            "token_form": TokenForm() if can_feed else None,
            "new_key": request.session.pop("incentives_new_token", None),
        },
    )


@require_POST
@permission_required("incentives.read_leader_feed")
def token_issue(request):
    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            _token, key = services.partner_token_issue(
                actor=request.user, name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            # Shown once on the next page, then gone: only the hash is stored.
            request.session["incentives_new_token"] = key
    else:
        messages.error(request, _("请填写令牌用途"))
    return redirect("incentives:partner_desk")


@require_POST
@permission_required("incentives.read_leader_feed")
def token_revoke(request, pk):
    token = get_object_or_404(PartnerToken, pk=pk, user=request.user)
    try:
        services.partner_token_revoke(token=token, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("令牌已撤销"))
    return redirect("incentives:partner_desk")


def pilot_enterprises(request):
    """Enterprises by pilot or campaign tag (public)."""
    tag = request.GET.get("tag") or ""
    if tag not in PilotTag.values:
        tag = ""
    page = Paginator(selectors.enterprises_with_pilot(tag or None), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "incentives/pilot_enterprises.html",
        {"page": page, "tag": tag, "tags": PilotTag.choices, "counts": selectors.pilot_counts()},
    )


@permission_required("incentives.view_staff_desk")
def staff_desk(request):
    """Bureau staff: the applications to the bureau's own programmes, which they decide on
    each application's page, and the programmes whose applications nobody can decide yet."""
    status = request.GET.get("status") or ""
    if status not in ApplicationStatus.values:
        status = ""
    page = Paginator(selectors.applications_for_bureau(status or None), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "incentives/staff_desk.html",
        {
            "page": page,
            "status": status,
            "statuses": ApplicationStatus.choices,
            "can_decide": is_bureau_staff.test(request.user),
            "orphans": selectors.programmes_without_decider(timezone.localdate()),
        },
    )


def _pilots_url(query: str) -> str:
    url = reverse("incentives:staff_pilots")
    return f"{url}?{urlencode({'q': query})}" if query else url


@permission_required("incentives.manage_pilots")
def staff_pilots(request):
    """Find enterprises by name or USCC and tag them with a pilot or campaign."""
    search = EnterpriseSearchForm(request.GET or None)
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    results = selectors.enterprises_for_tagging(query)
    counts = selectors.pilot_counts()
    return render(
        request,
        "incentives/staff_pilots.html",
        {
            "search": search,
            "query": query,
            "rows": [
                (enterprise, PilotTagForm(uscc=enterprise.uscc, query=query))
                for enterprise in results
            ],
            "tag_counts": [(value, label, counts[value]) for value, label in PilotTag.choices],
        },
    )


@require_POST
@permission_required("incentives.manage_pilots")
def staff_pilot_add(request):
    form = PilotTagForm(request.POST)
    query = (request.POST.get("q") or "")[:100]
    if not form.is_valid():
        messages.error(
            request,
            " ".join(f"{form.fields[f].label}：{' '.join(e)}" for f, e in form.errors.items()),
        )
        return redirect(_pilots_url(query))
    enterprise = Enterprise.objects.filter(uscc=form.cleaned_data["enterprise"]).first()
    if enterprise is None:
        messages.error(request, _("未找到该企业，请重新查询"))
        return redirect(_pilots_url(query))
    try:
        pilot = services.enterprise_pilot_add(
            enterprise=enterprise,
            tag=form.cleaned_data["tag"],
            since=form.cleaned_data["since"],
            note=form.cleaned_data["note"],
            actor=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("已为%(enterprise)s添加“%(tag)s”标记")
            % {"enterprise": enterprise.name, "tag": pilot.get_tag_display()},
        )
    return redirect(_pilots_url(query))


@require_POST
@permission_required("incentives.manage_pilots")
def staff_pilot_remove(request, pk):
    pilot = get_object_or_404(EnterprisePilot.objects.select_related("enterprise"), pk=pk)
    services.enterprise_pilot_remove(pilot=pilot, actor=request.user)
    messages.success(
        request,
        _("已移除%(enterprise)s的“%(tag)s”标记")
        % {"enterprise": pilot.enterprise.name, "tag": pilot.get_tag_display()},
    )
    return redirect(_pilots_url((request.POST.get("q") or "")[:100]))
