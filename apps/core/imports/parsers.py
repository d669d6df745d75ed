"""Cell parsers: text from a file -> a value, or a `CellError` with a message for the user.

Each parser also knows the staging column's SQL type, how to write a value for PostgreSQL's
COPY text format, and how to write a value back into a file (exports, round trips).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext as _

from apps.core.uscc import normalize_uscc, uscc_problem

NULL = "\\N"
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


class CellError(Exception):
    """A cell's text is not acceptable; the argument is the message for the user."""


def copy_text(text: str) -> str:
    return text.translate(_COPY_ESCAPES)


class Parser:
    sql_type = "text"
    # Parsers whose work is costly and whose inputs repeat (codes, USCCs) cache per import.
    cacheable = False

    def parse(self, text: str) -> Any:
        """`text` is trimmed and not empty."""
        return text

    def copy(self, value: Any) -> str:
        return NULL if value is None else copy_text(str(value))

    def export(self, value: Any) -> str:
        return "" if value is None else str(value)

    def describe(self) -> str:
        return ""


class Text(Parser):
    def __init__(self, max_length: int | None = None, *, cacheable: bool | None = None):
        self.max_length = max_length
        if cacheable is not None:
            self.cacheable = cacheable  # for columns whose values repeat (standard numbers)
        if type(self).parse is Text.parse:
            # Text that parsing would return unchanged and COPY takes as it is: no space at
            # either end, no export guard (a leading '), nothing COPY escapes, not too long.
            rest = "*" if max_length is None else f"{{0,{max(max_length - 1, 0)}}}"
            self.simple = re.compile(rf"[^\s'\\][^\\\t\n\r]{rest}(?<!\s)")

    def parse(self, text: str) -> str:
        if self.max_length is not None and len(text) > self.max_length:
            raise CellError(
                _("长度为 %(length)d 个字符，超过上限 %(max)d")
                % {"length": len(text), "max": self.max_length}
            )
        return text

    def describe(self) -> str:
        if self.max_length is None:
            return _("文本")
        return _("文本，最多 %(max)d 个字符") % {"max": self.max_length}


class Code(Text):
    """An identifier such as a category or indicator code: no inner whitespace."""

    cacheable = True

    def parse(self, text: str) -> str:
        text = super().parse(text)
        if not text.isprintable() or " " in text or "\u3000" in text:
            raise CellError(_("“%(text)s” 含有空白字符，代码中不允许") % {"text": text})
        return text

    def describe(self) -> str:
        return _("代码（不含空格），最多 %(max)d 个字符") % {"max": self.max_length}


class Uscc(Parser):
    cacheable = True

    def parse(self, text: str) -> str:
        value = normalize_uscc(text)
        if problem := uscc_problem(value):
            raise CellError(problem)
        return value

    def describe(self) -> str:
        return _("18 位统一社会信用代码（GB 32100-2015，含校验位）")


_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$")


class DecimalNumber(Parser):
    sql_type = "numeric"

    def __init__(self, max_digits: int = 20, decimal_places: int = 6, minimum=None, maximum=None):
        self.max_digits = max_digits
        self.decimal_places = decimal_places
        self.minimum = None if minimum is None else Decimal(minimum)
        self.maximum = None if maximum is None else Decimal(maximum)
        if minimum is None and maximum is None:
            # A plain decimal within the precision needs no further checking.
            whole = max_digits - decimal_places
            # ASCII digits only: Python's \d also takes "０" and "٣", which COPY refuses.
            self.simple = re.compile(rf"-?[0-9]{{1,{whole}}}(?:\.[0-9]{{1,{decimal_places}}})?")

    def parse(self, text: str) -> Decimal:
        if not _NUMBER.match(text):
            raise CellError(
                _("“%(text)s” 不是有效的数字（小数点用“.”，不加千位分隔符）") % {"text": text}
            )
        try:
            value = Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern above already rules it out
            raise CellError(_("“%(text)s” 不是有效的数字") % {"text": text}) from None
        _sign, digits, exponent = value.as_tuple()
        places = max(0, -exponent)
        if places > self.decimal_places:
            # Trailing zeros beyond the precision are harmless ("1.5000000").
            value = value.normalize()
            _sign, digits, exponent = value.as_tuple()
            places = max(0, -exponent)
            if places > self.decimal_places:
                raise CellError(
                    _("“%(text)s” 的小数位数超过 %(places)d 位")
                    % {"text": text, "places": self.decimal_places}
                )
        whole = len(digits) - places if exponent <= 0 else len(digits) + exponent
        if whole > self.max_digits - self.decimal_places:
            raise CellError(_("“%(text)s” 超出允许的数值范围") % {"text": text})
        if self.minimum is not None and value < self.minimum:
            raise CellError(
                _("%(value)s 小于允许的最小值 %(min)s") % {"value": text, "min": self.minimum}
            )
        if self.maximum is not None and value > self.maximum:
            raise CellError(
                _("%(value)s 大于允许的最大值 %(max)s") % {"value": text, "max": self.maximum}
            )
        return value

    def describe(self) -> str:
        return _("数字，小数点用“.”，最多 %(places)d 位小数") % {"places": self.decimal_places}

    def export(self, value: Any) -> str:
        if value is None:
            return ""
        value = Decimal(value).normalize()
        return format(value, "f")


class Integer(Parser):
    sql_type = "integer"

    def __init__(self, minimum: int | None = None, maximum: int | None = None):
        self.minimum = minimum
        self.maximum = maximum

    def parse(self, text: str) -> int:
        candidate = text[:-2] if text.endswith(".0") else text  # Excel writes 2026 as 2026.0
        if not re.fullmatch(r"[+-]?\d+", candidate):
            raise CellError(_("“%(text)s” 不是有效的整数") % {"text": text})
        value = int(candidate)
        if (self.minimum is not None and value < self.minimum) or (
            self.maximum is not None and value > self.maximum
        ):
            raise CellError(
                _("%(value)d 不在允许的范围 %(min)s–%(max)s 内")
                % {"value": value, "min": self.minimum, "max": self.maximum}
            )
        return value

    def describe(self) -> str:
        if self.minimum is None and self.maximum is None:
            return _("整数")
        return _("整数，%(min)s–%(max)s") % {"min": self.minimum, "max": self.maximum}


_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_SLASH_DATE = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$")


class Date(Parser):
    sql_type = "date"
    cacheable = True  # a file's dates repeat (many rows share a publication day)

    def parse(self, text: str) -> date:
        match = _ISO_DATE.match(text) or _SLASH_DATE.match(text)
        if not match:
            raise CellError(
                _("“%(text)s” 不是有效的日期（格式为 YYYY-MM-DD 或 YYYY/M/D）") % {"text": text}
            )
        try:
            return date(*(int(part) for part in match.groups()))
        except ValueError:
            raise CellError(_("“%(text)s” 不是日历上存在的日期") % {"text": text}) from None

    def copy(self, value: Any) -> str:
        return NULL if value is None else value.isoformat()

    def export(self, value: Any) -> str:
        return "" if value is None else value.isoformat()

    def describe(self) -> str:
        return _("日期，YYYY-MM-DD 或 YYYY/M/D")


class Choice(Parser):
    """One of an enumeration's values, given as its code or its Chinese label."""

    cacheable = True

    def __init__(self, choices, only: set[str] | None = None):
        self.choices = choices
        self.only = only

    def _pairs(self) -> list[tuple[str, str]]:
        # The Chinese source strings are the msgids: read them with translation off.
        with translation.override(None):
            return [
                (str(value), str(label))
                for value, label in self.choices.choices
                if self.only is None or value in self.only
            ]

    def lookup(self, text: str) -> str | None:
        folded = text.casefold()
        for value, label in self._pairs():
            if folded == value.casefold() or text == label:
                return value
        return None

    def parse(self, text: str) -> str:
        value = self.lookup(text)
        if value is None:
            raise CellError(
                _("“%(text)s” 不是允许的值，可选：%(choices)s")
                % {"text": text, "choices": self.describe()}
            )
        return value

    def describe(self) -> str:
        return "、".join(f"{value}（{label}）" for value, label in self._pairs())


class Email(Parser):
    def parse(self, text: str) -> str:
        try:
            validate_email(text)
        except ValidationError:
            raise CellError(_("“%(text)s” 不是有效的邮箱地址") % {"text": text}) from None
        if len(text) > 254:
            raise CellError(_("邮箱地址过长"))
        return text.lower()

    def describe(self) -> str:
        return _("邮箱地址")
