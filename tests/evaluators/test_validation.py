"""Every scheme rule with its exact message (CONTRACT.md section 2), through the one
validation service the form and the import share."""

from decimal import Decimal

import pytest

from apps.evaluators.validation import CriterionData, Problem, scheme_problems
from tests.factories.evaluators import category_with_indicators

pytestmark = pytest.mark.django_db


def core(code, weight, baseline, advanced, leading):
    return CriterionData(
        criterion_code=code,
        kind="core",
        weight=Decimal(weight),
        baseline=None if baseline is None else Decimal(baseline),
        advanced=None if advanced is None else Decimal(advanced),
        leading=None if leading is None else Decimal(leading),
    )


def qualitative(code, weight, name="指标全面性", **thresholds):
    return CriterionData(
        criterion_code=code,
        kind="qualitative",
        name=name,
        weight=Decimal(weight),
        **{k: Decimal(v) for k, v in thresholds.items()},
    )


def valid():
    return [
        core("EFF", 20, "85", "90", "95"),
        core("NOISE", 20, "55", "50", "45"),
        core("STANDBY", 20, "1.0", "0.8", "0.5"),
        qualitative("Q1", 20),
        qualitative("Q2", 20, name="编写规范性"),
    ]


@pytest.fixture
def category():
    return category_with_indicators()


def test_valid_scheme_has_no_problems(category):
    assert scheme_problems(category=category, criteria=valid()) == []


def test_weights_must_sum_to_100(category):
    criteria = valid()
    criteria[3].weight = Decimal("15.5")
    assert scheme_problems(category=category, criteria=criteria) == [
        Problem("权重合计应为100，实际为95.5", "weight")
    ]


def test_at_least_three_core_criteria(category):
    criteria = [*valid()[:2], qualitative("Q1", 30), qualitative("Q2", 30, name="编写规范性")]
    assert scheme_problems(category=category, criteria=criteria) == [
        Problem("核心指标至少3项，实际为2项", "kind")
    ]


def test_core_code_must_be_an_indicator_of_the_category(category):
    criteria = valid()
    criteria[0].criterion_code = "WATT"
    assert scheme_problems(category=category, criteria=criteria) == [
        Problem(f"WATT 不是类别 {category.code} 的指标", "criterion_code", 0)
    ]


def test_core_thresholds_are_required(category):
    criteria = valid()
    criteria[0] = core("EFF", 20, "85", None, None)
    assert scheme_problems(category=category, criteria=criteria) == [
        Problem("核心指标须填写先进值", "advanced", 0),
        Problem("核心指标须填写领跑值", "leading", 0),
    ]


def test_qualitative_criteria_have_no_thresholds_and_need_a_name(category):
    criteria = valid()
    criteria[3] = qualitative("Q1", 20, name=" ", baseline="1")
    assert scheme_problems(category=category, criteria=criteria) == [
        Problem("定性指标须填写名称", "name", 3),
        Problem("定性指标不填写基准值", "baseline", 3),
    ]


def test_higher_is_better_thresholds_must_rise(category):
    criteria = valid()
    criteria[0] = core("EFF", 20, "90", "85", "95")
    assert scheme_problems(category=category, criteria=criteria) == [
        Problem("EFF 越高越好，应满足 基准值 ≤ 先进值 ≤ 领跑值", "advanced", 0)
    ]
    criteria[0] = core("EFF", 20, "85", "95", "90")
    assert scheme_problems(category=category, criteria=criteria) == [
        Problem("EFF 越高越好，应满足 基准值 ≤ 先进值 ≤ 领跑值", "leading", 0)
    ]


def test_lower_is_better_thresholds_must_fall(category):
    criteria = valid()
    criteria[1] = core("NOISE", 20, "50", "55", "45")
    assert scheme_problems(category=category, criteria=criteria) == [
        Problem("NOISE 越低越好，应满足 基准值 ≥ 先进值 ≥ 领跑值", "advanced", 0 + 1)
    ]
    criteria[1] = core("NOISE", 20, "55", "45", "50")
    assert scheme_problems(category=category, criteria=criteria) == [
        Problem("NOISE 越低越好，应满足 基准值 ≥ 先进值 ≥ 领跑值", "leading", 1)
    ]


def test_equal_thresholds_are_ordered(category):
    criteria = valid()
    criteria[0] = core("EFF", 20, "85", "85", "85")
    assert scheme_problems(category=category, criteria=criteria) == []


def test_baseline_not_laxer_than_national_value_higher(category):
    criteria = valid()
    criteria[0] = core("EFF", 20, "79.5", "90", "95")
    assert scheme_problems(category=category, criteria=criteria) == [
        Problem("EFF 的基准值 79.5 低于国家标准值 80，不得宽于国家标准", "baseline", 0)
    ]


def test_baseline_not_laxer_than_national_value_lower(category):
    criteria = valid()
    criteria[1] = core("NOISE", 20, "61", "50", "45")
    assert scheme_problems(category=category, criteria=criteria) == [
        Problem("NOISE 的基准值 61 高于国家标准值 60，不得宽于国家标准", "baseline", 1)
    ]


def test_baseline_equal_to_national_value_is_allowed(category):
    criteria = valid()
    criteria[0] = core("EFF", 20, "80", "90", "95")
    assert scheme_problems(category=category, criteria=criteria) == []


def test_duplicate_criterion_code(category):
    criteria = [*valid(), qualitative("Q1", 0.5)]
    criteria[4].weight = Decimal("19.5")
    assert scheme_problems(category=category, criteria=criteria) == [
        Problem("评价项代码 Q1 重复", "criterion_code", 5)
    ]


def test_weight_range(category):
    criteria = valid()
    criteria[3].weight = Decimal("0")
    criteria[4].weight = Decimal("40")
    assert scheme_problems(category=category, criteria=criteria) == [
        Problem("权重应大于0且不超过100，实际为0", "weight", 3)
    ]


def test_unknown_kind(category):
    criteria = valid()
    criteria[3].kind = "soft"
    problems = scheme_problems(category=category, criteria=criteria)
    assert problems == [
        Problem("评价项类型应为 core（核心指标）或 qualitative（定性指标）", "kind", 3)
    ]


def test_scheme_numbers_must_be_positive(category):
    problems = scheme_problems(
        category=category,
        criteria=valid(),
        numbers={"max_leaders": 0, "min_participants": 3, "notice_days": None},
    )
    assert problems == [
        Problem("应为不小于1的整数", "max_leaders"),
        Problem("应为不小于1的整数", "notice_days"),
    ]
