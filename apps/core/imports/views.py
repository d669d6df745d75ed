"""Admin pages of the import flow: upload -> review (progress, preview, every problem) ->
confirm -> result; templates, error reports and exports. Staff only (`core.import_data`).

Ordinary files are validated inside the request; files above the background threshold are
validated and written by Celery jobs while the page polls a progress endpoint (htmx).
"""

from __future__ import annotations

import csv
import re

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.core import tasks
from apps.core.formatting import plain_number
from apps.core.imports import exporters, services
from apps.core.imports.parsers import CellError
from apps.core.imports.readers import EXTENSIONS
from apps.core.imports.spec import export_kinds, get_export_kind, get_import_kind, import_kinds
from apps.core.models import ImportRun

ERROR_LINE = re.compile(r"^row (\d+), column (.*?): (.*)$")
SHOWN_ERRORS = 500


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("数据类型"))
    file = forms.FileField(
        label=gettext_lazy("文件"),
        help_text=gettext_lazy("CSV（UTF-8 或 GBK 编码）或 Excel（.xlsx）；第 1 行为表头。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The kind by its name; its code (what `import_csv` takes) is in the table below.
        self.fields["kind"].choices = [(name, kind.label) for name, kind in import_kinds().items()]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(EXTENSIONS):
            raise ValidationError(_("请上传 .csv 或 .xlsx 文件"))
        services.check_import_upload(upload)
        return upload


def _require(request) -> None:
    if not request.user.has_perm(services.IMPORT_PERMISSION):
        raise PermissionDenied


def _context(admin_site, request, **extra):
    return {**admin_site.each_context(request), "opts": ImportRun._meta, **extra}


def upload(request, admin_site):
    _require(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "GET" and request.GET.get("kind") in import_kinds():
        form = ImportUploadForm(initial={"kind": request.GET["kind"]})
    if request.method == "POST" and form.is_valid():
        run = services.import_upload(
            kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"], actor=request.user
        )
        start_validation(run)
        return redirect("admin:core_importrun_review", run.pk)
    context = _context(
        admin_site,
        request,
        title=_("导入数据"),
        form=form,
        kinds=import_kinds(),
        threshold_mb=plain_number(services.background_threshold() / 2**20),
    )
    return TemplateResponse(request, "admin/core/importrun/upload.html", context)


def start_validation(run: ImportRun) -> None:
    """Validate an uploaded run now, or queue it for a worker if the file is large."""
    if run.background:
        transaction.on_commit(lambda: tasks.import_run_validate.delay(run_id=run.pk))
    else:
        services.import_run_validate(run=run)


def review(request, admin_site, run_id: int):
    _require(request)
    run = get_object_or_404(ImportRun, pk=run_id)
    kind = get_import_kind(run.kind)
    lines = run.errors.split("\n", SHOWN_ERRORS)[:SHOWN_ERRORS] if run.errors else []
    context = _context(
        admin_site,
        request,
        title=_("导入 %(file)s") % {"file": run.file_name},
        run=run,
        kind=kind,
        key_headers=list(kind.key),
        errors=lines,
        more_errors=max(0, run.error_count - len(lines)),
        progress=services.import_run_progress(run),
        can_confirm=run.status == ImportRun.Status.VALIDATED and run.source == "admin",
    )
    return TemplateResponse(request, "admin/core/importrun/review.html", context)


def progress(request, admin_site, run_id: int):
    _require(request)
    run = get_object_or_404(ImportRun, pk=run_id)
    state = services.import_run_progress(run)
    if request.headers.get("HX-Request"):
        if run.finished:
            response = HttpResponse("")
            response["HX-Refresh"] = "true"
            return response
        return TemplateResponse(
            request, "admin/core/importrun/_progress.html", {"run": run, "progress": state}
        )
    return JsonResponse({"status": run.status, **state})


def confirm(request, admin_site, run_id: int):
    _require(request)
    if request.method != "POST":
        raise Http404
    run = get_object_or_404(ImportRun, pk=run_id)
    try:
        run = services.import_run_confirm(run=run, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("admin:core_importrun_review", run.pk)

    if run.background:
        transaction.on_commit(lambda: tasks.import_run_apply.delay(run_id=run.pk))
    else:
        services.import_run_apply(run=run)
    return redirect("admin:core_importrun_review", run.pk)


def error_report(request, admin_site, run_id: int):
    _require(request)
    run = get_object_or_404(ImportRun, pk=run_id)

    def rows():
        yield ["row", "column", "message"]
        for line in run.errors.splitlines():
            match = ERROR_LINE.match(line)
            yield list(match.groups()) if match else ["", "", line]

    writer = csv.writer(exporters.Echo())
    body = (
        "\ufeff" + writer.writerow(row) if index == 0 else writer.writerow(row)
        for index, row in enumerate(rows())
    )
    response = StreamingHttpResponse(body, content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="import-{run.pk}-errors.csv"'
    return response


def template(request, admin_site, kind: str, file_format: str):
    _require(request)
    try:
        import_kind = get_import_kind(kind)
    except LookupError:
        raise Http404 from None
    language = "zh" if request.GET.get("lang") == "zh" else "en"
    return exporters.template_response(import_kind, file_format=file_format, language=language)


def export(request, admin_site, kind: str):
    if not request.user.has_perm("core.export_data"):
        raise PermissionDenied
    if kind not in export_kinds():
        raise Http404
    export_kind = get_export_kind(kind)
    filters = {}
    for name, option in export_kind.filters.items():
        if request.GET.get(name):
            try:
                filters[name] = option.parser.parse(request.GET[name].strip())
            except CellError:
                return HttpResponse(_("筛选条件无效"), status=400)
    file_format = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    language = "zh" if request.GET.get("lang") == "zh" else "en"
    return exporters.export_response(
        export_kind, filters=filters, file_format=file_format, language=language
    )
