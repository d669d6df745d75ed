from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core import audit
from apps.core.forms import add_service_errors
from apps.core.permissions import permission_required
from apps.core.ratelimit import rate_limit
from apps.enterprises import personal_data, selectors, services
from apps.enterprises.forms import EnterpriseProfileForm, MembershipDecisionForm, RegistrationForm
from apps.enterprises.models import EnterpriseMembership, EnterpriseNameChange


@rate_limit(scope="register", rate="5/h")
def register(request):
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.enterprise_register(
                email=data["email"],
                password=data["password1"],
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
                uscc=data["uscc"],
                enterprise_name=data["enterprise_name"],
                district=data["district"],
                consented=data["privacy_consent"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return render(request, "enterprises/register_done.html", {"email": data["email"]})
    return render(
        request,
        "enterprises/register.html",
        {"form": form, "notice": personal_data.registration_notice()},
    )


def public_profile(request, uscc):
    enterprise = get_object_or_404(selectors.enterprises_public(), uscc=uscc)
    return render(request, "enterprises/public_profile.html", {"enterprise": enterprise})


@permission_required("enterprises.view_workspace")
def my_profile(request):
    enterprise = selectors.enterprise_of(request.user)
    if enterprise is None:
        return render(request, "enterprises/no_enterprise.html", status=403)
    form = EnterpriseProfileForm(request.POST or None, instance=enterprise)
    if request.method == "POST" and form.is_valid():
        services.enterprise_update(
            enterprise=enterprise,
            actor=request.user,
            **{name: form.cleaned_data[name] for name in form.changed_data},
        )
        messages.success(request, _("企业信息已保存"))
        if "name" in form.changed_data and not request.user.has_perm("enterprises.rename_directly"):
            messages.info(request, _("企业名称变更已提交，经市场监管局审核批准后才会公开。"))
        return redirect("enterprises:my_profile")
    return render(
        request,
        "enterprises/my_profile.html",
        {
            "form": form,
            "enterprise": enterprise,
            "entries": audit.history_for(enterprise)[:50],
            "pending_name": selectors.name_change_pending_for(enterprise),
        },
    )


@permission_required("accounts.activate_user")
def registrations(request):
    return render(
        request,
        "enterprises/registrations.html",
        {"memberships": selectors.memberships_pending(), "form": MembershipDecisionForm()},
    )


@require_POST
@permission_required("accounts.activate_user")
def registration_decide(request, pk):
    membership = get_object_or_404(EnterpriseMembership, pk=pk)
    form = MembershipDecisionForm(request.POST)
    form.is_valid()
    try:
        services.membership_decide(
            membership=membership,
            approve=form.cleaned_data.get("approve", False),
            reason=form.cleaned_data.get("reason", ""),
            actor=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已处理：%(email)s") % {"email": membership.user.email})
    return redirect("enterprises:registrations")


@permission_required("enterprises.decide_name_change")
def name_changes(request):
    """Pending enterprise name changes; each row's form posts here with its `change` id."""
    if request.method == "POST":
        change = get_object_or_404(
            EnterpriseNameChange, pk=_int_or_zero(request.POST.get("change"))
        )
        form = MembershipDecisionForm(request.POST)
        form.is_valid()
        try:
            services.name_change_decide(
                change=change,
                approve=form.cleaned_data.get("approve", False),
                reason=form.cleaned_data.get("reason", ""),
                actor=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("已处理：%(name)s") % {"name": change.new_name})
        return redirect("enterprises:name_changes")
    return render(
        request, "enterprises/name_changes.html", {"changes": selectors.name_changes_pending()}
    )


def _int_or_zero(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
