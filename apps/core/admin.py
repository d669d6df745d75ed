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
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.core import audit
from apps.core.admin_display import ReadableModelAdmin, ReadableTabularInline
from apps.core.formatting import action_label, action_words, describe
from apps.core.imports.admin import ImportRunAdmin
from apps.core.imports.exporters import stream_csv
from apps.core.models import AuditEntry, ImportRun


def _secret(form, name: str) -> bool:
    """A password typed into the form (the admin's new-user form): never into the log."""
    field = form.fields.get(name)
    return field is not None and isinstance(field.widget, forms.PasswordInput)


class AuditedModelAdmin(ReadableModelAdmin):
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


class ViewOnlyInline(ReadableTabularInline):
    """The rows of a view-only parent, shown as a table."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _chunks(iterable, size):
    chunk = []
    for item in iterable:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


class ActionFilter(admin.SimpleListFilter):
    """The audit list's filter by action, named in words with the kind of object it acts on
    (撤销（领跑者）), not by its code."""

    title = _("操作")
    parameter_name = "action"

    def lookups(self, request, model_admin):
        pairs = (
            AuditEntry.objects.order_by("action", "content_type")
            .values_list("action", "content_type")
            .distinct("action")
        )
        choices = []
        for code, content_type in pairs:
            model = ContentType.objects.get_for_id(content_type).model_class()
            kind = model._meta.verbose_name if model is not None else ""
            choices.append((code, f"{action_words(code, model)}（{kind}）" if kind else code))
        return sorted(choices, key=lambda choice: choice[1])

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(ViewOnlyAdmin):
    """The audit log is append-only (a database trigger refuses UPDATE and DELETE). The audit
    administrator (and the emergency superuser) reads it here and exports what the list shows
    (its filters, search and dates) as CSV (`core.export_auditentry`)."""

    list_display = ["created_at", "actor", "action_words", "content_type", "object_repr"]
    fields = [
        "created_at",
        "actor",
        "action_words",
        "content_type",
        "object_repr",
        "object_id",
        "changes_words",
    ]
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
                str(row["entry"].pk),
                timezone.localtime(row["entry"].created_at).strftime("%Y-%m-%d %H:%M:%S"),
                row["entry"].actor.email if row["entry"].actor else "",
                row["action"],
                str(row["entry"].content_type),
                row["entry"].object_id,
                row["entry"].object_repr,
                "；".join(f"{label}：{old} → {new}" for label, old, new in row["changes"]),
            ]
            for chunk in _chunks(entries.iterator(chunk_size=2000), 2000)
            for row in describe(chunk)
        )
        response = StreamingHttpResponse(stream_csv(header, rows), content_type="text/csv")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
        return response

    @admin.display(description=_("操作"), ordering="action")
    def action_words(self, entry):
        return action_label(entry)

    @admin.display(description=_("变更"))
    def changes_words(self, entry):
        """Each change as a line "字段：旧值 → 新值", in the history tables' words."""
        [row] = describe([entry])
        return (
            format_html_join(mark_safe("<br>"), "{}：{} → {}", row["changes"])
            or self.get_empty_value_display()
        )


admin.site.register(ImportRun, ImportRunAdmin)
