"""Evaluators upload their scores of one approved scheme as a file (issue 17).

The file is the `assessments` kind of CONTRACT.md §2, validated and written by the import
engine (`apps/core/imports`) exactly as the administrator's import is: the same columns,
row rules, SQL checks and messages, the same all-or-nothing write, the same `ImportRun` and
audit entry. There is no second validation. This module only narrows that kind, as a
`Workspace` import, to what the row-by-row scoring page lets this evaluator write:

- every row is the uploader's own (`evaluator_email` is their address);
- every row is for the scheme whose page the file was uploaded on;
- the evaluator may score that scheme (`evaluators.score_scheme`, as the scoring page);
- every standard is one the scoring page shows them (`selectors.entrants_for_evaluator`:
  an entrant of the scheme, not an enterprise they declared a conflict with, not their own
  agency's enterprise).

The core services apply the narrowed kind both when the file is checked (the preview) and
again when it is written, so a rule cannot be skipped by confirming later.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import partial

import rules
from django.core.exceptions import PermissionDenied
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from apps.core.formatting import plain_number
from apps.core.imports import STAGE, ImportKind, Workspace, register_workspace
from apps.core.imports import services as imports
from apps.core.imports.spec import get_import_kind
from apps.core.models import ImportRun
from apps.evaluators import selectors
from apps.evaluators.enums import AssessmentDecision
from apps.evaluators.models import Scheme

WORKSPACE = "evaluator_scores"
KIND = "assessments"
SCORE = "evaluators.score_scheme"

OWN_SCORES_ONLY = gettext_lazy("只能上传本人的评分：评估人员邮箱应为 %(email)s")
THIS_SCHEME_ONLY = gettext_lazy(
    "此处只能上传方案 %(code)s 的评分；方案 %(other)s 的评分请在该方案的评分页上传"
)
SCHEME_NOT_SCORABLE = gettext_lazy("您不能为方案 %(code)s 评分")
NOT_YOUR_ENTRANT = gettext_lazy(
    "标准 %(standard_no)s 不在您的评分表中：它不是本方案的参评标准，"
    "或属于您声明了利益冲突的企业、本机构的企业"
)

# Shown beside each previewed row's key: what the row sets and what is stored now.
_STORED = f"(SELECT a.%s FROM evaluators_assessment a WHERE a.id = {STAGE}._target_id)"
PREVIEW_VALUES = {
    "score": "score",
    "decision": "decision",
    "reason": "reason",
    "stored_score": _STORED % "score",
    "stored_reason": _STORED % "reason",
    "enterprise": (
        f"(SELECT e.name FROM enterprises_enterprise e WHERE e.id = {STAGE}.enterprise_id)"
    ),
    "criterion": (
        f"(SELECT c.name FROM evaluators_schemecriterion c WHERE c.id = {STAGE}.criterion_id)"
    ),
    # A rejection withdraws the evaluator's scores of the standard: how many.
    "withdrawn": (
        f"CASE WHEN {STAGE}.decision = 'reject' THEN (SELECT count(*) "
        "FROM evaluators_assessment a WHERE a.decision = 'accept' "
        f"AND a.scheme_id = {STAGE}.scheme_id AND a.standard_id = {STAGE}.standard_id "
        f"AND a.evaluator_id = {STAGE}.evaluator_id) END"
    ),
}


# ---------------------------------------------------------------- the narrowed kind


def _only_what_the_scoring_page_allows(cursor, bad_rows: set[int], *, scheme, evaluator):
    """Row by row, the scoring page's permission (stage rule of the narrowed kind). Rows that
    already have a problem (an unknown reference, another agency's scheme) are left out."""
    cursor.execute(
        "SELECT row_no, scheme_id, scheme_code, standard_id, standard_no, evaluator_id "
        f"FROM {STAGE} ORDER BY row_no"
    )
    rows = [row for row in cursor.fetchall() if row[0] not in bad_rows]
    if not rows:
        return
    allowed = (
        scheme is not None and evaluator is not None and rules.has_perm(SCORE, evaluator, scheme)
    )
    visible = set()
    if allowed:
        visible = set(
            selectors.entrants_for_evaluator(scheme, evaluator)
            .filter(pk__in={row[3] for row in rows})
            .values_list("pk", flat=True)
        )
    email = evaluator.email if evaluator is not None else "-"
    code = scheme.scheme_code if scheme is not None else "-"
    for row_no, scheme_id, scheme_code, standard_id, standard_no, evaluator_id in rows:
        if evaluator is None or evaluator_id != evaluator.pk:
            yield row_no, "evaluator_email", OWN_SCORES_ONLY % {"email": email}
        elif scheme is None or scheme_id != scheme.pk:
            yield row_no, "scheme_code", THIS_SCHEME_ONLY % {"code": code, "other": scheme_code}
        elif not allowed:
            yield row_no, "scheme_code", SCHEME_NOT_SCORABLE % {"code": code}
        elif standard_id not in visible:
            yield row_no, "standard_no", NOT_YOUR_ENTRANT % {"standard_no": standard_no}


def narrow(kind: ImportKind, scope: dict, actor) -> ImportKind:
    """The `assessments` kind limited to `actor`'s own scores of the scheme in `scope`."""
    scheme = (
        Scheme.objects.select_related("agency", "category").filter(pk=scope.get("scheme")).first()
    )
    rule = partial(_only_what_the_scoring_page_allows, scheme=scheme, evaluator=actor)
    return replace(kind, stage_rules=[*kind.stage_rules, rule], preview_values=PREVIEW_VALUES)


register_workspace(Workspace(name=WORKSPACE, kind=KIND, narrow=narrow))


# ---------------------------------------------------------------- services


def _require_scoring(actor, scheme: Scheme) -> None:
    if not rules.has_perm(SCORE, actor, scheme):
        raise PermissionDenied


def score_upload_start(*, scheme: Scheme, upload, actor) -> ImportRun:
    """Store an evaluator's score file for `scheme` and check it (nothing is written yet):
    the run then holds the counts, the preview of every row and every problem. Raises
    `ValidationError` for a file that is not a CSV or .xlsx file of acceptable size."""
    _require_scoring(actor, scheme)
    run = imports.workspace_upload(
        workspace=WORKSPACE, upload=upload, actor=actor, scope={"scheme": scheme.pk}
    )
    return imports.import_run_validate(run=run)


def score_upload_confirm(*, run: ImportRun, scheme: Scheme, actor) -> ImportRun:
    """Write a checked score file: validated again (the data may have changed since the
    preview), then every row in one transaction, or nothing (the run is then `invalid` with
    the new problems). Audited as `import.assessments` by the import services."""
    _require_scoring(actor, scheme)
    run = imports.import_run_confirm(run=run, actor=actor)
    return imports.import_run_apply(run=run)


def score_upload_cancel(*, run: ImportRun, scheme: Scheme, actor) -> ImportRun:
    _require_scoring(actor, scheme)
    return imports.import_run_cancel(run=run, actor=actor)


# ---------------------------------------------------------------- selectors


def scoring_scheme(user, pk) -> Scheme | None:
    """The scheme if `user` may score it (as the scoring page decides), else None."""
    scheme = Scheme.objects.select_related("agency", "category").filter(pk=pk).first()
    if scheme is None or not rules.has_perm(SCORE, user, scheme):
        return None
    return scheme


def score_upload_of(user, scheme: Scheme, run_id) -> ImportRun | None:
    """One of `user`'s own score uploads for `scheme`."""
    return ImportRun.objects.filter(
        pk=run_id,
        source=ImportRun.Source.WORKSPACE,
        workspace=WORKSPACE,
        actor=user,
        scope__scheme=scheme.pk,
    ).first()


def template_header(language: str | None = None) -> list[str]:
    """The `assessments` columns, with their Chinese titles on a Chinese page."""
    language = language or get_language() or "zh-hans"
    return get_import_kind(KIND).headers("zh" if language.startswith("zh") else "en")


def template_rows(scheme: Scheme, evaluator) -> list[list[str]]:
    """The rows of the scoring page as a file: one per standard and qualitative criterion
    with this evaluator's current score (empty when not scored yet), or one `reject` row
    with the reason for a standard the evaluator rejected. Uploaded unchanged, it changes
    nothing."""
    criteria = selectors.qualitative_criteria(scheme)
    rows = []
    for standard in selectors.scoring_rows(scheme, evaluator):
        state = selectors.row_state(standard, criteria)
        base = [scheme.scheme_code, standard.enterprise.uscc, standard.standard_no]
        base.append(evaluator.email)
        if state["rejection"] is not None:
            rows.append([*base, "", "", AssessmentDecision.REJECT, state["rejection"].reason])
            continue
        for criterion, score in state["cells"]:
            shown = plain_number(score) if score is not None else ""
            rows.append([*base, criterion.criterion_code, shown, AssessmentDecision.ACCEPT, ""])
    return rows


ACTIONS = ("new", "update", "unchanged")


def preview_of(run: ImportRun) -> dict[str, list[dict]]:
    """The checked rows by what confirming would do: new scores, changed, unchanged."""
    groups: dict[str, list[dict]] = {action: [] for action in ACTIONS}
    decisions = dict(AssessmentDecision.choices)
    for item in run.preview:
        _scheme_code, uscc, standard_no, _email, criterion_code = item["key"]
        values = item.get("values", {})
        groups[item["action"]].append(
            {
                "row": item["row"],
                "uscc": uscc,
                "enterprise": values.get("enterprise") or "",
                "standard_no": standard_no,
                "criterion_code": criterion_code,
                "criterion": values.get("criterion") or "",
                "decision": values.get("decision"),
                "decision_label": decisions.get(values.get("decision"), ""),
                "score": plain_number(values.get("score")),
                "stored_score": plain_number(values.get("stored_score")),
                "reason": values.get("reason") or "",
                "stored_reason": values.get("stored_reason") or "",
                "withdrawn": int(values.get("withdrawn") or 0),
            }
        )
    return groups


_PROBLEM = re.compile(r"^row (\S+), column (.*?): (.*)$")


def problems_of(run: ImportRun) -> list[dict]:
    """Every problem of the run: row number, column (its title on this page) and message."""
    if run.status not in (ImportRun.Status.INVALID, ImportRun.Status.FAILED):
        return []
    kind = get_import_kind(KIND)
    titles = dict(zip((c.name for c in kind.columns), template_header(), strict=True))
    titles.update({c.label: titles[c.name] for c in kind.columns})
    problems = []
    for line in run.errors.splitlines():
        match = _PROBLEM.match(line)
        if match is None:  # a job that failed outright: its error as it is
            problems.append({"row": "", "column": "", "message": line})
            continue
        row, column, message = match.groups()
        problems.append(
            {
                "row": "" if row == "-" else row,
                "column": "" if column == "-" else titles.get(column, column),
                "message": message,
            }
        )
    return problems


def summary_message(run: ImportRun) -> str:
    return _("新增评分 %(created)d 条，修改 %(updated)d 条，不变 %(unchanged)d 条") % {
        "created": run.created,
        "updated": run.updated,
        "unchanged": run.unchanged,
    }
