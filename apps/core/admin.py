import json

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.core import audit
from apps.core.formatting import action_code_label, action_label
from apps.core.imports.admin import ImportRunAdmin
from apps.core.imports.exporters import stream_csv
from apps.core.models import AuditEntry, ImportRun


def _secret(form, name: str) -> bool:
    """A password typed into the form (the admin's new-user form): never into the log."""
    field = form.fields.get(name)
    return field is not None and isinstance(field.widget, forms.PasswordInput)


class AuditedModelAdmin(admin.ModelAdmin):
    """Admin edits are state changes too: audit them, and show the audit log as history."""

    def save_model(self, request, obj, form, change):
        before = form.initial if change else {}
        super().save_model(request, obj, form, change)
        changes = {
            name: [before.get(name), form.cleaned_data.get(name)]
            for name in form.changed_data
            if not _secret(form, name)
        }
        for name, pair in changes.items():
            if audit.is_personal(type(obj), name):
                changes[name] = [audit.masked(value) for value in pair]
        audit.record(
            actor=request.user,
            action="admin.change" if change else "admin.create",
            target=obj,
            changes=changes,
        )

    def delete_model(self, request, obj):
        audit.record(actor=request.user, action="admin.delete", target=obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        # The list's "delete selected" action: one entry per row, all or nothing.
        with transaction.atomic():
            for obj in queryset:
                audit.record(actor=request.user, action="admin.delete", target=obj)
            super().delete_queryset(request, queryset)

    def history_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, object_id)
        if obj is None or not self.has_view_or_change_permission(request, obj):
            return super().history_view(request, object_id, extra_context)
        context = {
            **self.admin_site.each_context(request),
            "title": _("%(object)s 的变更历史") % {"object": obj},
            "object": obj,
            "opts": self.model._meta,
            "entries": audit.history_for(obj),
        }
        return TemplateResponse(request, "admin/audit_history.html", context)


class PersonalFieldsAdminMixin:
    """Personal fields (docs/security.md "Personal information") shown only to whom needs
    them: `personal_fields` maps a field to the permission that sees it; without it the field
    is left out of the page, the form, the list and the search. Blind index columns
    (`hidden_fields`) are never shown."""

    personal_fields: dict[str, str] = {}
    hidden_fields: tuple[str, ...] = ()

    def _hidden(self, request) -> set[str]:
        return {
            *self.hidden_fields,
            *(
                name
                for name, perm in self.personal_fields.items()
                if not request.user.has_perm(perm)
            ),
        }

    def get_fieldsets(self, request, obj=None):
        hidden = self._hidden(request)
        fieldsets = super().get_fieldsets(request, obj)
        return [
            (title, {**options, "fields": [f for f in options["fields"] if f not in hidden]})
            for title, options in fieldsets
        ]

    def get_list_display(self, request):
        hidden = self._hidden(request)
        return [name for name in super().get_list_display(request) if name not in hidden]

    def get_readonly_fields(self, request, obj=None):
        hidden = self._hidden(request)
        return [name for name in super().get_readonly_fields(request, obj) if name not in hidden]


class ViewOnlyAdmin(AuditedModelAdmin):
    """Rows that change only through their workflow's services (permission-checked, audited,
    state machine respected): the admin shows them, with their audit log as history, and
    never adds, edits or deletes them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ViewOnlyInline(admin.TabularInline):
    """The rows of a view-only parent, shown as a table."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ActionFilter(admin.SimpleListFilter):
    """The audit list's filter by action, named in words where there is a word."""

    title = _("操作")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        """Each action as its object's kind and what happened to it (方案：状态变为“已提交”),
        from the (action, object type) pairs the log holds."""
        pairs = AuditEntry.objects.values_list("action", "content_type").distinct()
        labels = {}
        for code, content_type in pairs:
            model = ContentType.objects.get_for_id(content_type).model_class()
            kind = model._meta.verbose_name if model is not None else ""
            words = action_code_label(code, model)
            labels.setdefault(code, words if code.startswith("import.") else f"{kind}：{words}")
        return sorted(labels.items(), key=lambda item: item[1])

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(ViewOnlyAdmin):
    """The audit log is append-only (a database trigger refuses UPDATE and DELETE). The audit
    administrator (and the emergency superuser) reads it here and exports what the list shows
    (its filters, search and dates) as CSV (`core.export_auditentry`)."""

    list_display = ["created_at", "actor", "action_words", "content_type", "object_repr"]
    list_filter = [ActionFilter, "content_type"]
    search_fields = ["object_repr", "object_id", "actor__email"]
    date_hierarchy = "created_at"
    list_select_related = ["actor", "content_type"]
    change_list_template = "admin/core/auditentry/change_list.html"

    def get_urls(self):
        export = path(
            "export/",
            self.admin_site.admin_view(self.export_view),
            name="core_auditentry_export",
        )
        return [export, *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_export_audit": request.user.has_perm("core.export_auditentry"),
        }
        return super().changelist_view(request, extra_context)

    def export_view(self, request):
        """The entries the list shows with the same query string, oldest first, as CSV
        (formula cells neutralised). The download itself is audited (`data.export`)."""
        if not request.user.has_perm("core.export_auditentry"):
            raise PermissionDenied
        try:
            changelist = self.get_changelist_instance(request)
        except IncorrectLookupParameters:
            return HttpResponseBadRequest(gettext("筛选条件无效，请回到审计日志列表重新筛选"))
        entries = changelist.get_queryset(request).order_by("id")
        header = [
            gettext("编号"),
            gettext("时间"),
            gettext("操作人"),
            gettext("操作"),
            gettext("对象类型"),
            gettext("对象编号"),
            gettext("对象"),
            gettext("变更"),
        ]
        rows = (
            [
                str(entry.pk),
                timezone.localtime(entry.created_at).isoformat(),
                entry.actor.email if entry.actor else "",
                entry.action,
                entry.content_type.model,
                entry.object_id,
                entry.object_repr,
                json.dumps(entry.changes, ensure_ascii=False, sort_keys=True),
            ]
            for entry in entries.iterator(chunk_size=2000)
        )
        response = StreamingHttpResponse(stream_csv(header, rows), content_type="text/csv")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
        return response

    @admin.display(description=_("操作"), ordering="action")
    def action_words(self, entry):
        return action_label(entry)


admin.site.register(ImportRun, ImportRunAdmin)
