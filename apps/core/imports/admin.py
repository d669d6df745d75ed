"""Admin integration: the import records, the import flow's pages, and a mixin that gives a
model's admin its import/export buttons and an "export selected" action."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportMixin

from apps.core.admin_display import ReadableModelAdmin
from apps.core.imports import exporters, views
from apps.core.imports.resources import ContractFormat, KindResource
from apps.core.imports.services import (
    IMPORT_PERMISSION,
    background_threshold,
    check_import_upload,
    import_upload,
)
from apps.core.imports.spec import get_export_kind
from apps.core.models import ImportRun


class ImportRunAdmin(ReadableModelAdmin):
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
    exclude = ["preview", "file", "errors"]
    readonly_fields = [
        "created_at",
        "finished_at",
        "actor",
        "source",
        "workspace",
        "scope",
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
        "first_errors",
    ]
    change_list_template = "admin/core/importrun/change_list.html"

    @admin.display(description=_("详情"))
    def review_link(self, run: ImportRun):
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:core_importrun_review", args=[run.pk]), _("查看")
        )

    @admin.display(description=_("错误（前 200 条，完整列表见错误报告）"))
    def first_errors(self, run: ImportRun):
        lines = run.errors.split("\n", 200)[:200]
        return format_html(
            '<pre style="white-space: pre-wrap">{}</pre><a href="{}">{}</a>',
            "\n".join(lines),
            reverse("admin:core_importrun_errors", args=[run.pk]),
            _("下载错误报告（CSV）"),
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


class ImportExportMixin(ImportMixin):
    """For a ModelAdmin whose model is written by an import kind: set `import_kind`.

    The import button is django-import-export's flow (upload, preview, confirm) driven by
    the framework (`resources.KindResource`); uploads above the background threshold go to
    the framework's own flow instead, run by Celery. Export buttons and the "export
    selected" action write the kind through the framework's exporter."""

    import_kind: str = ""
    import_formats = [ContractFormat]
    import_template_name = "admin/core/import_export_import.html"
    import_export_change_list_template = "admin/core/change_list_import_export.html"
    skip_admin_log = True  # every import is an ImportRun and an audit entry instead
    # Shared by every web server (the upload is read again on confirm).
    tmp_storage_class = "import_export.tmp_storages.MediaStorage"
    actions = ["export_selected"]

    def get_import_resource_classes(self, request):
        return [KindResource.for_kind(self.import_kind)]

    def has_import_permission(self, request):
        return request.user.has_perm(IMPORT_PERMISSION)

    def import_action(self, request, **kwargs):
        upload = request.FILES.get("import_file")
        if request.method == "POST" and upload is not None and upload.size:
            # (An empty file is left to the library's form and its own message.)
            try:
                check_import_upload(upload)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect(request.get_full_path())
        if (
            request.method == "POST"
            and upload is not None
            and upload.size > background_threshold()
            and self.has_import_permission(request)
        ):
            # Large files never go through the library's in-request, in-memory path.
            run = import_upload(kind=self.import_kind, upload=upload, actor=request.user)
            views.start_validation(run)
            return redirect("admin:core_importrun_review", run.pk)
        return super().import_action(request, **kwargs)

    def process_result(self, result, request):
        run = getattr(result, "import_run", None)
        if run is not None and result.has_errors():
            # The data changed between preview and confirm: nothing was written.
            messages.error(request, _("导入未写入：数据在预览后发生变化，出现了错误。"))
            return redirect("admin:core_importrun_review", run.pk)
        return super().process_result(result, request)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "import_kind": self.import_kind,
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
