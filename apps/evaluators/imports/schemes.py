"""Import/export kind `schemes` (CONTRACT.md section 2): cells and references in SQL, a
scheme's rules taken together through `apps.evaluators.validation`, writes through
`scheme_save`, the same service the evaluators' form uses."""

from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from apps.catalog.models import Category, Indicator
from apps.core.imports import (
    STAGE,
    Check,
    Choice,
    Code,
    Column,
    Date,
    DecimalNumber,
    ExportFilter,
    ImportKind,
    Integer,
    StatusRule,
    Text,
    Uscc,
    register,
)
from apps.core.imports.spec import STAGE_RAW
from apps.core.workflow import forward_pairs
from apps.evaluators.enums import CriterionKind, SchemeStatus
from apps.evaluators.imports.agencies import AGENCY_EXISTS
from apps.evaluators.models import Agency, Scheme, default_cutoff
from apps.evaluators.services.schemes import (
    CRITERION_FIELDS,
    SCHEME,
    SCHEME_MOVES_BACK,
    scheme_frozen,
    scheme_save,
    scheme_transition_refused,
)
from apps.evaluators.validation import CriterionData, plain, scheme_problems

# ---------------------------------------------------------------- schemes

SCHEME_COLUMNS = [
    "year",
    "category_code",
    "agency_uscc",
    "max_leaders",
    "min_participants",
    "notice_days",
    "cutoff_date",
    "status",
]


def _scheme_groups(cursor) -> dict[str, list[dict]]:
    cursor.execute(
        "SELECT row_no, scheme_code, criterion_code, kind, name, weight, baseline, advanced, "
        '"leading", category_id, agency_id, ' + ", ".join(SCHEME_COLUMNS) + " "
        f"FROM {STAGE} WHERE scheme_code IS NOT NULL ORDER BY row_no"
    )
    names = [description[0] for description in cursor.description]
    groups = defaultdict(list)
    for record in cursor.fetchall():
        row = dict(zip(names, record, strict=True))
        groups[row["scheme_code"]].append(row)
    return groups


def _scheme_input(rows: list[dict]) -> tuple[dict, list[CriterionData]]:
    first = rows[0]
    criteria = [
        CriterionData(
            criterion_code=row["criterion_code"] or "",
            kind=row["kind"] or "",
            name=row["name"] or "",
            weight=row["weight"],
            baseline=row["baseline"],
            advanced=row["advanced"],
            leading=row["leading"],
        )
        for row in rows
    ]
    return first, criteria


def scheme_rules(cursor, bad_rows: set[int]):
    """Per scheme: the scheme-wide columns agree on every row; then the one validation
    service; then a trial save through the service (rolled back) for the lifecycle rules:
    an approved scheme is frozen, a scheme under review is not overwritten, one approved
    scheme per key area. A scheme with a row that already has a problem (a cell that did not
    parse, a missing reference) is left out: its rules are checked once it reads cleanly."""
    groups = {
        code: rows
        for code, rows in _scheme_groups(cursor).items()
        if not any(row["row_no"] in bad_rows for row in rows)
    }
    categories = Category.objects.in_bulk({r[0]["category_id"] for r in groups.values()} - {None})
    indicators = defaultdict(dict)
    for indicator in Indicator.objects.filter(category__in=categories.values()):
        indicators[indicator.category_id][indicator.code] = indicator
    agencies = Agency.objects.in_bulk({r[0]["agency_id"] for r in groups.values()} - {None})
    stored = Scheme.objects.filter(scheme_code__in=groups).select_related("category", "agency")
    names = {scheme.scheme_code: scheme.name for scheme in stored}
    approved = {
        scheme.scheme_code: scheme
        for scheme in stored.filter(status=SchemeStatus.APPROVED).prefetch_related("criteria")
    }
    for code, rows in groups.items():
        first, criteria = _scheme_input(rows)
        inconsistent = False
        for row in rows[1:]:
            for column in SCHEME_COLUMNS:
                if row[column] != first[column]:
                    inconsistent = True
                    yield (
                        row["row_no"],
                        column,
                        _("方案 %(code)s 的 %(column)s 与第 %(first)d 行不一致")
                        % {"code": code, "column": column, "first": first["row_no"]},
                    )
        category, agency = categories[first["category_id"]], agencies[first["agency_id"]]
        if inconsistent:
            continue
        problems = scheme_problems(
            category=category,
            criteria=criteria,
            indicators=indicators[category.pk],
            numbers={
                "max_leaders": first["max_leaders"],
                "min_participants": first["min_participants"],
                "notice_days": first["notice_days"],
            },
        )
        for problem in problems:
            row = rows[problem.index] if problem.index is not None else first
            yield row["row_no"], problem.field or "scheme_code", problem.message
        if problems:
            continue
        if (stored := approved.get(code)) is not None:
            frozen = list(_frozen_problems(stored, rows, indicators[category.pk]))
            yield from frozen
            if frozen:
                continue
        try:
            with transaction.atomic():
                _save(first, criteria, category, agency, indicators[category.pk], names)
                transaction.set_rollback(True)
        except ValidationError as error:
            for message in error.messages:
                yield first["row_no"], "scheme_code", message


# What an approved scheme freezes, as the import's columns: the scheme's key area and numbers
# (one value per scheme, reported on its first row) and each criterion's fields. The service
# (`scheme_save`) refuses the same changes; here each is named on its row and column.
FROZEN_SCHEME_COLUMNS = {
    "year": lambda scheme: scheme.year,
    "category_code": lambda scheme: scheme.category.code,
    "agency_uscc": lambda scheme: scheme.agency.uscc,
    "max_leaders": lambda scheme: scheme.max_leaders,
    "min_participants": lambda scheme: scheme.min_participants,
    "notice_days": lambda scheme: scheme.notice_days,
    "cutoff_date": lambda scheme: scheme.cutoff_date,
}


def _shown(value) -> str:
    if value is None or value == "":
        return _("空")
    return plain(value) if isinstance(value, Decimal) else str(value)


def _frozen_problems(scheme, rows, indicators):
    """Each change a file would make to an approved scheme, as (row, column, message)."""
    code, first = scheme.scheme_code, rows[0]
    given = {
        **{column: first[column] for column in FROZEN_SCHEME_COLUMNS},
        "cutoff_date": first["cutoff_date"] or default_cutoff(first["year"]),
    }
    for column, current in FROZEN_SCHEME_COLUMNS.items():
        if given[column] != current(scheme):
            change = _("%(column)s 不能修改（现为 %(current)s）") % {
                "column": column,
                "current": _shown(current(scheme)),
            }
            yield first["row_no"], column, scheme_frozen(code, change)
    criteria = {criterion.criterion_code: criterion for criterion in scheme.criteria.all()}
    for row in rows:
        criterion = criteria.get(row["criterion_code"])
        if criterion is None:
            change = _("不能增加评价项 %(criterion)s") % {"criterion": row["criterion_code"]}
            yield row["row_no"], "criterion_code", scheme_frozen(code, change)
            continue
        for column in CRITERION_FIELDS:
            value = row[column]
            if column == "name" and not value and row["kind"] == CriterionKind.CORE:
                indicator = indicators.get(row["criterion_code"])
                value = indicator.name if indicator else ""  # as the service names it
            if value != getattr(criterion, column):
                change = _("评价项 %(criterion)s 的 %(column)s 不能修改（现为 %(current)s）") % {
                    "criterion": criterion.criterion_code,
                    "column": column,
                    "current": _shown(getattr(criterion, column)),
                }
                yield row["row_no"], column, scheme_frozen(code, change)
    missing = sorted(set(criteria) - {row["criterion_code"] for row in rows})
    if missing:
        change = _("不能删除评价项 %(criteria)s") % {"criteria": "、".join(missing)}
        yield first["row_no"], "criterion_code", scheme_frozen(code, change)


def _save(first, criteria, category, agency, indicators, names):
    return scheme_save(
        agency=agency,
        year=first["year"],
        category=category,
        scheme_code=first["scheme_code"],
        # The file has no column for the scheme's name: a stored scheme keeps its own.
        name=names.get(first["scheme_code"], ""),
        criteria=criteria,
        actor=None,
        max_leaders=first["max_leaders"],
        min_participants=first["min_participants"],
        notice_days=first["notice_days"],
        cutoff_date=first["cutoff_date"],
        status=first["status"],
        indicators=indicators,
    )


class SchemeKind(ImportKind):
    """One row per criterion; written scheme by scheme through `scheme_save`."""

    SCHEME_CHANGED = (
        "sc.year IS DISTINCT FROM s.year OR sc.category_id IS DISTINCT FROM cat.id "
        "OR sc.agency_id IS DISTINCT FROM ag.id OR sc.max_leaders IS DISTINCT FROM s.max_leaders "
        "OR sc.min_participants IS DISTINCT FROM s.min_participants "
        "OR sc.notice_days IS DISTINCT FROM s.notice_days "
        "OR sc.cutoff_date IS DISTINCT FROM coalesce(s.cutoff_date, make_date(s.year, 12, 31)) "
        "OR sc.status IS DISTINCT FROM s.status"
    )
    CRITERION_CHANGED = (
        "t.kind IS DISTINCT FROM s.kind OR t.weight IS DISTINCT FROM s.weight "
        "OR t.baseline IS DISTINCT FROM s.baseline OR t.advanced IS DISTINCT FROM s.advanced "
        "OR t.leading IS DISTINCT FROM s.leading "
        "OR (s.name <> '' AND t.name IS DISTINCT FROM s.name)"
    )

    def stage_sql(self, present: set[str]) -> str:
        return (
            f"CREATE TEMP TABLE {STAGE} AS SELECT s.*, cat.id AS category_id, "
            "ag.id AS agency_id, ind.id AS indicator_id, t.id AS _target_id, "
            "sc.status AS _stored_status, "
            f"(t.id IS NOT NULL AND ({self.CRITERION_CHANGED} OR {self.SCHEME_CHANGED})) "
            f"AS _changed FROM {STAGE_RAW} s "
            "LEFT JOIN catalog_category cat ON cat.code = s.category_code "
            "LEFT JOIN evaluators_agency ag ON ag.uscc = s.agency_uscc "
            "LEFT JOIN catalog_indicator ind "
            "ON ind.category_id = cat.id AND ind.code = s.criterion_code "
            "LEFT JOIN evaluators_scheme sc ON sc.scheme_code = s.scheme_code "
            "LEFT JOIN evaluators_schemecriterion t "
            "ON t.scheme_id = sc.id AND t.criterion_code = s.criterion_code"
        )

    def write(self, cursor, present: set[str]) -> None:
        groups = _scheme_groups(cursor)
        categories = Category.objects.in_bulk({r[0]["category_id"] for r in groups.values()})
        agencies = Agency.objects.in_bulk({r[0]["agency_id"] for r in groups.values()})
        names = dict(
            Scheme.objects.filter(scheme_code__in=groups).values_list("scheme_code", "name")
        )
        for rows in groups.values():
            first, criteria = _scheme_input(rows)
            category = categories[first["category_id"]]
            _save(
                first,
                criteria,
                category,
                agencies[first["agency_id"]],
                {i.code: i for i in category.indicators.all()},
                names,
            )


SCHEMES = register(
    SchemeKind(
        name="schemes",
        label=_lazy("评估方案"),
        columns=[
            Column("scheme_code", "方案编号", Code(50), required=True),
            Column("year", "年度", Integer(2000, 2100), required=True),
            Column("category_code", "类别代码", Code(32), required=True),
            Column("agency_uscc", "机构统一社会信用代码", Uscc(), required=True),
            Column("criterion_code", "评价项代码", Code(32), required=True),
            Column("kind", "评价项类型", Choice(CriterionKind), required=True),
            Column("name", "名称", Text(100)),
            Column("weight", "权重", DecimalNumber(6, 2), required=True),
            Column("baseline", "基准值", DecimalNumber()),
            Column("advanced", "先进值", DecimalNumber()),
            Column("leading", "领跑值", DecimalNumber()),
            Column("max_leaders", "领跑者上限", Integer(), default=5),
            Column("min_participants", "最少参评企业数", Integer(), default=3),
            Column("notice_days", "公示天数", Integer(), default=7),
            Column("cutoff_date", "截止日期", Date()),
            Column(
                "status",
                "状态",
                Choice(SchemeStatus, only={SchemeStatus.APPROVED, SchemeStatus.DRAFT}),
                default=SchemeStatus.APPROVED.value,
            ),
        ],
        key=("scheme_code", "criterion_code"),
        table="evaluators_schemecriterion",
        checks=[
            Check(
                column="category_code",
                sql=f"SELECT row_no, category_code FROM {STAGE} "
                "WHERE category_code IS NOT NULL AND category_id IS NULL ORDER BY row_no",
                message=_lazy("类别代码 %(category_code)s 不存在（请先导入类别）"),
            ),
            AGENCY_EXISTS,
        ],
        # draft -> approved, never back; the frozen columns are `scheme_rules`' (§2).
        status_rule=StatusRule(
            pairs=forward_pairs(SCHEME, back=SCHEME_MOVES_BACK),
            message=scheme_transition_refused,
            stored="sc.status",
        ),
        stage_rules=[scheme_rules],
        sql="SELECT sc.scheme_code, sc.year, c.code, a.uscc, t.criterion_code, t.kind, t.name, "
        "t.weight, t.baseline, t.advanced, t.leading, sc.max_leaders, sc.min_participants, "
        "sc.notice_days, sc.cutoff_date, sc.status FROM evaluators_schemecriterion t "
        "JOIN evaluators_scheme sc ON sc.id = t.scheme_id "
        "JOIN catalog_category c ON c.id = sc.category_id "
        "JOIN evaluators_agency a ON a.id = sc.agency_id {where} "
        "ORDER BY sc.scheme_code, t.position, t.id",
        condition="sc.status IN ('approved', 'draft')",
        filters={
            "year": ExportFilter("sc.year = %s", Integer()),
            "scheme": ExportFilter("sc.scheme_code = %s", Text()),
        },
        pk_expr="t.id",
        description=_lazy(
            "评估方案，每行一个评价项：核心指标（评价项代码为类别的指标代码，填写基准值、先进值、"
            "领跑值）或定性指标（填写名称）；权重合计100，核心指标至少3项。"
        ),
        example=[
            [
                "2026-C-AC-01",
                "2026",
                "C-AC",
                "51110102MJ0000001B",
                "APF",
                "core",
                "",
                "30",
                "4.5",
                "5.0",
                "5.4",
                "",
                "",
                "",
                "",
                "",
            ],
            [
                "2026-C-AC-01",
                "2026",
                "C-AC",
                "51110102MJ0000001B",
                "COMPLETENESS",
                "qualitative",
                "指标全面性",
                "20",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
            ],
        ],
    )
)
