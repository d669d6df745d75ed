"""Unified social credit code (统一社会信用代码), GB 32100-2015."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, S, V, Z
WEIGHTS = [pow(3, i, 31) for i in range(17)]  # 3^(i-1) mod 31 for positions 1..17
LENGTH = 18
BEIJING_DIVISION = "11"  # characters 3-4: the registering authority's province


def check_character(first17: str) -> str:
    total = sum(
        ALPHABET.index(char) * weight for char, weight in zip(first17, WEIGHTS, strict=True)
    )
    return ALPHABET[(31 - total % 31) % 31]


def uscc_problem(value: str) -> str | None:
    """Why `value` is not a valid USCC, in words for the user; None when it is valid."""
    if len(value) != LENGTH:
        return _("统一社会信用代码应为18位，实际为%(length)d位") % {"length": len(value)}
    bad = sorted({char for char in value if char not in ALPHABET})
    if bad:
        return _(
            "统一社会信用代码含不允许的字符：%(chars)s（只允许数字和除 I、O、S、V、Z 外的大写字母）"
        ) % {"chars": " ".join(bad)}
    expected = check_character(value[:17])
    if value[17] != expected:
        return _("统一社会信用代码校验位错误：应为 %(expected)s，实际为 %(actual)s") % {
            "expected": expected,
            "actual": value[17],
        }
    return None


def validate_uscc(value: str) -> None:
    """Django validator for model and form fields."""
    if problem := uscc_problem(value or ""):
        raise ValidationError(problem, code="invalid_uscc")


def normalize_uscc(value: str) -> str:
    return (value or "").strip().upper()


def is_beijing(uscc: str) -> bool:
    return uscc[2:4] == BEIJING_DIVISION
