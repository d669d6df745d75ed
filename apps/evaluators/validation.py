"""The one validation of an evaluation scheme, shared by the scheme form and the import, and
the rules of an assessment, shared by the scoring service and the `assessments` import.

Each rule has its own message (CONTRACT.md section 2). Problems name the field (the import's
column) and, for a criterion, its position in the list, so the form can show them beside the
row and the import can turn them into `row N, column C: message`.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.catalog.enums import Direction
from apps.catalog.models import Category, Indicator
from apps.evaluators.enums import CriterionKind

MIN_CORE_CRITERIA = 3
TOTAL_WEIGHT = Decimal(100)
THRESHOLDS = ("baseline", "advanced", "leading")


# An assessment: a score of a qualitative criterion of an approved scheme, by an evaluator of
# the scheme's agency, in SCORE_RANGE; or a rejection with its reason. The service raises
# these, the import reports them per row (its SQL checks select the rows that break them).
SCORE_RANGE = (Decimal(0), Decimal(100))
REASON_REQUIRED = gettext_lazy("退回时必须填写理由")
ONLY_QUALITATIVE = gettext_lazy("只能为本方案的定性指标评分")
ONLY_APPROVED = gettext_lazy("只有已批准的方案可以评分")
OWN_AGENCY_ONLY = gettext_lazy("评估人员只能评价本机构的方案")
REJECTED_FIRST = gettext_lazy("已退回该标准，请先撤销退回再评分")


def score_problem(score: Decimal | None) -> str | None:
    low, high = SCORE_RANGE
    if score is None or not low <= score <= high:
        return _("得分应在0到100之间")
    return None


def threshold_label(field: str) -> str:
    return {"baseline": _("基准值"), "advanced": _("先进值"), "leading": _("领跑值")}[field]


@dataclass
class CriterionData:
    criterion_code: str
    kind: str
    name: str = ""
    weight: Decimal | None = None
    baseline: Decimal | None = None
    advanced: Decimal | None = None
    leading: Decimal | None = None


@dataclass(frozen=True)
class Problem:
    message: str
    field: str | None = None
    index: int | None = None  # position of the criterion; None for the scheme as a whole


def plain(value: Decimal) -> str:
    """4.000000 -> 4, 0.060000 -> 0.06: decimals as people write them."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def scheme_problems(
    *,
    category: Category,
    criteria: list[CriterionData],
    indicators: dict[str, Indicator] | None = None,
    numbers: dict[str, int | None] | None = None,
) -> list[Problem]:
    """Every rule a scheme breaks; an empty list means the scheme is valid.

    `indicators` maps indicator code to indicator for `category` (read once when omitted);
    `numbers` holds max_leaders, min_participants and notice_days when given.
    """
    if indicators is None:
        indicators = {indicator.code: indicator for indicator in category.indicators.all()}
    problems: list[Problem] = []
    for field, value in (numbers or {}).items():
        if value is None or value < 1:
            problems.append(Problem(_("应为不小于1的整数"), field))
    seen: set[str] = set()
    total = Decimal(0)
    core_count = 0
    for index, criterion in enumerate(criteria):
        problems.extend(
            Problem(message, field, index)
            for field, message in _criterion_problems(criterion, category, indicators, seen)
        )
        seen.add(criterion.criterion_code)
        if criterion.weight is not None:
            total += criterion.weight
        if criterion.kind == CriterionKind.CORE:
            core_count += 1
    if total != TOTAL_WEIGHT:
        problems.append(
            Problem(_("权重合计应为100，实际为%(total)s") % {"total": plain(total)}, "weight")
        )
    if core_count < MIN_CORE_CRITERIA:
        problems.append(
            Problem(_("核心指标至少3项，实际为%(count)d项") % {"count": core_count}, "kind")
        )
    return problems


def _criterion_problems(criterion, category, indicators, seen):
    code = criterion.criterion_code
    if not code:
        yield "criterion_code", _("评价项代码不能为空")
    elif code in seen:
        yield "criterion_code", _("评价项代码 %(code)s 重复") % {"code": code}
    weight = criterion.weight
    if weight is None:
        yield "weight", _("须填写权重")
    elif not Decimal(0) < weight <= TOTAL_WEIGHT:
        yield "weight", _("权重应大于0且不超过100，实际为%(weight)s") % {"weight": plain(weight)}
    if criterion.kind == CriterionKind.QUALITATIVE:
        if not criterion.name.strip():
            yield "name", _("定性指标须填写名称")
        for field in THRESHOLDS:
            if getattr(criterion, field) is not None:
                yield field, _("定性指标不填写%(field)s") % {"field": threshold_label(field)}
        return
    if criterion.kind != CriterionKind.CORE:
        yield "kind", _("评价项类型应为 core（核心指标）或 qualitative（定性指标）")
        return
    indicator = indicators.get(code)
    if code and indicator is None:
        yield (
            "criterion_code",
            _("%(code)s 不是类别 %(category)s 的指标") % {"code": code, "category": category.code},
        )
    missing = [field for field in THRESHOLDS if getattr(criterion, field) is None]
    for field in missing:
        yield field, _("核心指标须填写%(field)s") % {"field": threshold_label(field)}
    if missing or indicator is None:
        return
    yield from _threshold_problems(criterion, indicator)


def _threshold_problems(criterion, indicator):
    baseline, advanced, leading = criterion.baseline, criterion.advanced, criterion.leading
    code = indicator.code
    if indicator.direction == Direction.HIGHER:
        if not baseline <= advanced:
            yield (
                "advanced",
                _("%(code)s 越高越好，应满足 基准值 ≤ 先进值 ≤ 领跑值") % {"code": code},
            )
        elif not advanced <= leading:
            yield (
                "leading",
                _("%(code)s 越高越好，应满足 基准值 ≤ 先进值 ≤ 领跑值") % {"code": code},
            )
        if indicator.national_value is not None and baseline < indicator.national_value:
            yield (
                "baseline",
                _("%(code)s 的基准值 %(baseline)s 低于国家标准值 %(national)s，不得宽于国家标准")
                % {
                    "code": code,
                    "baseline": plain(baseline),
                    "national": plain(indicator.national_value),
                },
            )
    else:
        if not baseline >= advanced:
            yield (
                "advanced",
                _("%(code)s 越低越好，应满足 基准值 ≥ 先进值 ≥ 领跑值") % {"code": code},
            )
        elif not advanced >= leading:
            yield (
                "leading",
                _("%(code)s 越低越好，应满足 基准值 ≥ 先进值 ≥ 领跑值") % {"code": code},
            )
        if indicator.national_value is not None and baseline > indicator.national_value:
            yield (
                "baseline",
                _("%(code)s 的基准值 %(baseline)s 高于国家标准值 %(national)s，不得宽于国家标准")
                % {
                    "code": code,
                    "baseline": plain(baseline),
                    "national": plain(indicator.national_value),
                },
            )
