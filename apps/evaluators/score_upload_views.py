"""Pages of the evaluators' score upload (apps/evaluators/score_upload.py): the upload page
with its template, the preview with every problem, confirm and cancel."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.imports.exporters import stream_csv
from apps.core.models import ImportRun
from apps.core.permissions import rule_required
from apps.core.uploads import safe_filename
from apps.evaluators import score_upload
from apps.evaluators.forms import ScoreUploadForm

Status = ImportRun.Status


def _scheme(request, pk):
    scheme = score_upload.scoring_scheme(request.user, pk)
    if scheme is None:  # not a scheme this evaluator scores: as the scoring page, 404
        raise Http404
    return scheme


def _run(request, scheme, run_id) -> ImportRun:
    run = score_upload.score_upload_of(request.user, scheme, run_id)
    if run is None:
        raise Http404
    return run


@rule_required("evaluators.view_workspace")
def upload(request, pk):
    scheme = _scheme(request, pk)
    form = ScoreUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = score_upload.score_upload_start(
                scheme=scheme, upload=form.cleaned_data["file"], actor=request.user
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return redirect("evaluators:score_upload_preview", pk=scheme.pk, run_id=run.pk)
    return render(
        request,
        "evaluators/score_upload.html",
        {"scheme": scheme, "form": form},
        status=400 if form.errors else 200,
    )


@rule_required("evaluators.view_workspace")
def template(request, pk):
    """The scoring page as a CSV file to fill in (`score_upload.template_rows`)."""
    scheme = _scheme(request, pk)
    rows = score_upload.template_rows(scheme, request.user)
    response = StreamingHttpResponse(
        stream_csv(score_upload.template_header(), rows), content_type="text/csv"
    )
    name = safe_filename(f"scores-{scheme.scheme_code}.csv", default="scores.csv")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@rule_required("evaluators.view_workspace")
def preview(request, pk, run_id):
    scheme = _scheme(request, pk)
    run = _run(request, scheme, run_id)
    context = {
        "scheme": scheme,
        "run": run,
        "groups": score_upload.preview_of(run),
        "problems": score_upload.problems_of(run),
        "can_confirm": run.status == Status.VALIDATED,
        "can_cancel": run.status in (Status.VALIDATED, Status.INVALID),
    }
    return render(request, "evaluators/score_upload_preview.html", context)


def _back_to_preview(request, scheme, run, message: str):
    messages.error(request, message)
    return redirect("evaluators:score_upload_preview", pk=scheme.pk, run_id=run.pk)


@require_POST
@rule_required("evaluators.view_workspace")
def confirm(request, pk, run_id):
    scheme = _scheme(request, pk)
    run = _run(request, scheme, run_id)
    try:
        run = score_upload.score_upload_confirm(run=run, scheme=scheme, actor=request.user)
    except ValidationError as error:
        return _back_to_preview(request, scheme, run, " ".join(error.messages))
    if run.status != Status.SUCCEEDED:
        message = _("未写入任何评分：数据在预览后发生了变化，请查看下列问题")
        return _back_to_preview(request, scheme, run, message)
    messages.success(
        request, _("评分已导入：%(summary)s") % {"summary": score_upload.summary_message(run)}
    )
    return redirect("evaluators:scoring", pk=scheme.pk)


@require_POST
@rule_required("evaluators.view_workspace")
def cancel(request, pk, run_id):
    scheme = _scheme(request, pk)
    run = _run(request, scheme, run_id)
    try:
        score_upload.score_upload_cancel(run=run, scheme=scheme, actor=request.user)
    except ValidationError as error:
        return _back_to_preview(request, scheme, run, " ".join(error.messages))
    messages.info(request, _("已取消导入，未写入任何评分"))
    return redirect("evaluators:scoring", pk=scheme.pk)
