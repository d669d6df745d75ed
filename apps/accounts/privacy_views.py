"""The person's page for a request about their data: `/admin/accounts/user/<id>/personal-data/`,
linked from the account's page in the admin. The security administrator exports the
person's data (JSON or CSV) or deletes it (anonymising an account that must stay);
`apps.accounts.privacy` does the work and audits it."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts import privacy
from apps.core.forms import add_service_errors
from apps.core.personal_data import DELETE


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        label=gettext_lazy("格式"),
        choices=[("json", "JSON"), ("csv", gettext_lazy("CSV（Excel 可打开）"))],
        initial="json",
        widget=forms.RadioSelect,
    )


class EraseForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("依据"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("本人申请的日期、方式和核实身份的方式，记入审计日志。"),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("已核实申请人即本人，确认删除其个人信息（不可撤销）"),
    )


def personal_data_view(model_admin, request, object_id):
    person = model_admin.get_object(request, object_id)
    if person is None:
        raise Http404
    if not request.user.has_perm(privacy.PERMISSION):
        raise PermissionDenied
    action = request.POST.get("action") if request.method == "POST" else None
    export_form = ExportForm(request.POST if action == "export" else None)
    erase_form = EraseForm(request.POST if action == "erase" else None)
    if action == "export" and export_form.is_valid():
        name, content_type, content = privacy.person_data_export(
            person=person, fmt=export_form.cleaned_data["format"], actor=request.user
        )
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    if action == "erase" and erase_form.is_valid():
        try:
            outcome = privacy.person_data_erase(
                person=person, actor=request.user, reason=erase_form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(erase_form, error)
        else:
            if outcome == DELETE:
                messages.success(request, _("该账户及其个人信息已删除。"))
                return redirect("admin:accounts_user_changelist")
            messages.success(request, _("该账户须保留的记录已保留，账户已匿名化，个人信息已删除。"))
            return redirect("admin:accounts_user_change", person.pk)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("个人信息：导出或删除"),
        "opts": model_admin.model._meta,
        "person": person,
        "parts": privacy.person_data_summary(person),
        "obligations": privacy.person_obligations(person),
        "export_form": export_form,
        "erase_form": erase_form,
    }
    return TemplateResponse(request, "admin/accounts/user/personal_data.html", context)
