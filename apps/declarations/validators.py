"""Checks on what an enterprise declares: standard numbers, indicator values, the PDF text.

Each function raises `ValidationError` with a message that tells the user what to write
instead; the imports reuse them so a CSV row and a web form get the same words.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core import uploads
from apps.core.formatting import megabytes
from apps.declarations.enums import StandardType

MAX_TEXT_BYTES = 20 * 1024 * 1024
# |value| bound: far beyond any physical indicator, well inside DecimalField(20, 6).
MAX_ABS_VALUE = Decimal("1000000000")
PERCENT_RANGE = (Decimal(0), Decimal(100))
MAX_DECIMAL_PLACES = 6
FIRST_YEAR = 1949

_TAIL = r"(?P<serial>\d+(?:\.\d+)*)-(?P<year>\d{4})"
NUMBER_PATTERNS: dict[str, re.Pattern] = {
    # Q/ + enterprise code (letters, digits), a space, the serial (letters/digits), -YYYY
    StandardType.ENTERPRISE: re.compile(
        r"^Q/(?P<code>[0-9A-Z]{1,20}(?:[ ./][0-9A-Z]{1,20})*) (?P<serial>[0-9A-Z.]*\d[0-9A-Z.]*)"
        r"-(?P<year>\d{4})$"
    ),
    StandardType.GROUP: re.compile(r"^T/(?P<code>[0-9A-Z]{2,20}) " + _TAIL + "$"),
    StandardType.NATIONAL: re.compile(r"^GB(?P<kind>/T|/Z)? " + _TAIL + "$"),
    StandardType.INDUSTRY: re.compile(
        r"^(?P<code>(?!GB|DB)[A-Z]{2})(?P<kind>/T|/Z)? " + _TAIL + "$"
    ),
    StandardType.LOCAL: re.compile(r"^DB(?P<code>\d{2})/(?P<kind>T|Z)? ?" + _TAIL + "$"),
}
NUMBER_EXAMPLES = {
    StandardType.ENTERPRISE: "Q/BJHD 001-2024",
    StandardType.GROUP: "T/CAS 123-2023",
    StandardType.NATIONAL: "GB 21455-2019、GB/T 7725-2022",
    StandardType.INDUSTRY: "QB/T 4099-2010、JB/T 9876-2015",
    StandardType.LOCAL: "DB11/T 1234-2015、DB11/ 123-2020",
}


def normalize_standard_no(value: str) -> str:
    """Trim, turn full-width characters typed on a Chinese keyboard into ASCII, and collapse
    runs of spaces: `Ｑ／ＢＪ　001－2024` and `Q/BJ  001-2024` are the same number."""
    table = {0x3000: " ", 0xFF0F: "/", 0xFF0D: "-", 0x2014: "-", 0x2013: "-"}
    text = (value or "").translate(table)
    text = "".join(
        chr(ord(char) - 0xFEE0) if 0xFF01 <= ord(char) <= 0xFF5E else char for char in text
    )
    return re.sub(r"\s+", " ", text).strip()


def infer_standard_type(number: str) -> str | None:
    """The type a number's prefix says it is, or None when no prefix fits."""
    number = normalize_standard_no(number)
    for standard_type, pattern in NUMBER_PATTERNS.items():
        if pattern.match(number):
            return standard_type
    return None


def validate_standard_no(number: str, standard_type: str) -> None:
    if not number:
        raise ValidationError(_("请填写标准编号"), code="required")
    try:
        expected = StandardType(standard_type)
    except ValueError:
        raise ValidationError(_("未知的标准类型：%(type)s") % {"type": standard_type}) from None
    match = NUMBER_PATTERNS[expected].match(number)
    if match is None:
        actual = infer_standard_type(number)
        if actual is not None and actual != expected:
            raise ValidationError(
                _("标准编号“%(number)s”是%(actual)s，与所选标准类型“%(expected)s”不符")
                % {
                    "number": number,
                    "actual": StandardType(actual).label,
                    "expected": expected.label,
                },
                code="type_mismatch",
            )
        raise ValidationError(
            _("标准编号“%(number)s”格式不正确，%(type)s的编号应形如 %(example)s")
            % {"number": number, "type": expected.label, "example": NUMBER_EXAMPLES[expected]},
            code="format",
        )
    year = int(match.group("year"))
    latest = timezone.localdate().year + 1
    if not FIRST_YEAR <= year <= latest:
        raise ValidationError(
            _("标准编号中的年份 %(year)d 不合理，应在 %(first)d 至 %(last)d 之间")
            % {"year": year, "first": FIRST_YEAR, "last": latest},
            code="year",
        )


def parse_value(text, *, unit: str = "", label: str = "") -> Decimal:
    """A declared indicator value as a Decimal within sane bounds, or a clear error."""
    prefix = f"{label}：" if label else ""
    raw = str(text).strip().replace(",", "") if text is not None else ""
    if raw == "":
        raise ValidationError(prefix + _("请填写指标值"), code="required")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValidationError(
            prefix + _("“%(text)s”不是数字，请只填写数值（单位已给出）") % {"text": raw},
            code="not_a_number",
        ) from None
    if not value.is_finite():
        raise ValidationError(prefix + _("指标值必须是有限的数字"), code="not_finite")
    if problem := value_range_problem(value, raw, percent=is_percent(unit)):
        code, message = problem
        raise ValidationError(prefix + message, code=code)
    if -value.as_tuple().exponent > MAX_DECIMAL_PLACES:
        raise ValidationError(
            prefix + _("指标值最多保留 %(places)d 位小数") % {"places": MAX_DECIMAL_PLACES},
            code="too_precise",
        )
    return value


def is_percent(unit: str) -> bool:
    """An indicator measured in per cent: its values lie in `PERCENT_RANGE`."""
    return (unit or "").strip() == "%"


def value_range_problem(value: Decimal, text: str, *, percent: bool) -> tuple[str, str] | None:
    """(code, message) when a declared value is outside its range, else None: the one range
    rule of the form (`parse_value`) and the `indicator_values` import (its set-based SQL
    twin selects the rows outside `MAX_ABS_VALUE` / `PERCENT_RANGE` and asks here for the
    message). `text` is the value as written."""
    if abs(value) > MAX_ABS_VALUE:
        return "out_of_range", _("指标值 %(value)s 超出合理范围（绝对值不超过 10⁹）") % {
            "value": text
        }
    low, high = PERCENT_RANGE
    if percent and not low <= value <= high:
        return "percent_range", _("百分比指标值应在 0 至 100 之间，实际为 %(value)s") % {
            "value": text
        }
    return None


def validate_pdf(upload) -> None:
    """The uploaded standard text must be a real PDF (magic bytes) under the size limit."""
    size = getattr(upload, "size", None) or 0
    if size == 0:
        raise ValidationError(_("上传的文件是空的"), code="empty")
    if size > MAX_TEXT_BYTES:
        raise ValidationError(
            _("标准文本不能超过 %(limit)d MB，当前文件为 %(size)s MB")
            % {"limit": MAX_TEXT_BYTES // (1024 * 1024), "size": megabytes(size)},
            code="too_large",
        )
    if uploads.kind_by_content(upload, (uploads.PDF,)) is None:
        raise ValidationError(
            _("上传的文件不是PDF文件（缺少PDF文件头），请上传标准文本的PDF版本"),
            code="not_pdf",
        )


def decimal_text(value) -> str:
    """`Decimal("80.000000")` -> `80`, `0.0120` -> `0.012`: no exponent, no trailing zeros."""
    if value is None:
        return ""
    text = format(Decimal(value), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text
