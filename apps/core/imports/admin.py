"""Admin integration: the import records, the import flow's pages, and a mixin that gives a
model's admin its import/export buttons and an "export selected" action."""

from __future__ import annotations

from django.contrib import admin
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from apps.core.imports import exporters, views
from apps.core.imports.services import IMPORT_PERMISSION
from apps.core.imports.spec import get_export_kind
from apps.core.models import ImportRun


class ImportRunAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "actor",
        "kind",
        "file_name",
        "status",
        "rows",
        "created",
        "updated",
        "unchanged",
        "error_count",
        "review_link",
    ]
    list_filter = ["status", "kind", "source"]
    search_fields = ["file_name", "sha256", "actor__email"]
    list_select_related = ["actor"]
    date_hierarchy = "created_at"
    exclude = ["preview", "file"]
    readonly_fields = [
        "created_at",
        "finished_at",
        "actor",
        "source",
        "kind",
        "file_name",
        "size",
        "sha256",
        "dry_run",
        "background",
        "status",
        "rows",
        "created",
        "updated",
        "unchanged",
        "error_count",
        "errors",
    ]
    change_list_template = "admin/core/importrun/change_list.html"

    @admin.display(description=_("详情"))
    def review_link(self, run: ImportRun):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:core_importrun_review", args=[run.pk]), _("查看")
        )

    def _allowed(self, request) -> bool:
        return request.user.has_perm(IMPORT_PERMISSION)

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        site = self.admin_site

        def wrap(view):
            def wrapper(request, *args, **kwargs):
                return view(request, site, *args, **kwargs)

            return site.admin_view(wrapper)

        return [
            path("upload/", wrap(views.upload), name="core_importrun_upload"),
            path("<int:run_id>/review/", wrap(views.review), name="core_importrun_review"),
            path("<int:run_id>/progress/", wrap(views.progress), name="core_importrun_progress"),
            path("<int:run_id>/confirm/", wrap(views.confirm), name="core_importrun_confirm"),
            path("<int:run_id>/errors.csv", wrap(views.error_report), name="core_importrun_errors"),
            path(
                "template/<str:kind>.<str:file_format>",
                wrap(views.template),
                name="core_importrun_template",
            ),
            path("export/<str:kind>/", wrap(views.export), name="core_importrun_export"),
            *super().get_urls(),
        ]


class ImportExportMixin:
    """For a ModelAdmin whose model is written by an import kind: set `import_kind`."""

    import_kind: str = ""
    change_list_template = "admin/core/change_list_import_export.html"
    actions = ["export_selected"]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "import_kind": self.import_kind,
            "can_import": request.user.has_perm(IMPORT_PERMISSION),
            "can_export": request.user.has_perm("core.export_data"),
        }
        return super().changelist_view(request, extra_context)

    @admin.action(description=_("导出所选（CSV）"), permissions=["export"])
    def export_selected(self, request, queryset):
        return exporters.export_response(
            get_export_kind(self.import_kind),
            pks=list(queryset.values_list("pk", flat=True)),
            filename=f"{self.import_kind}-selected",
        )

    def has_export_permission(self, request):
        return request.user.has_perm("core.export_data")
