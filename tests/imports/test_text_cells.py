"""Text cells reach the database exactly as the rules say, whichever way the engine takes:
text already in its final form goes to COPY as it is, anything else through the parser."""

import pytest

from apps.enterprises.models import Enterprise
from tests.factories.catalog import CategoryFactory
from tests.factories.uscc import make_uscc

pytestmark = pytest.mark.django_db

CASES = [
    # (cell as written in the file, the name stored)
    ("北京甲电器有限公司", "北京甲电器有限公司"),
    ("  北京乙 电器 有限公司  ", "北京乙 电器 有限公司"),
    ("\u3000北京丙公司\u3000", "北京丙公司"),
    ("北京\\丁公司", "北京\\丁公司"),
    ('"北京戊\t公司"', "北京戊\t公司"),
    ("'=北京己公司", "=北京己公司"),
    ("'北京庚公司", "'北京庚公司"),
    ("京", "京"),
    ("\\N", "\\N"),
    ("名" * 200, "名" * 200),
]


def test_text_cells_are_trimmed_unguarded_and_stored_verbatim(run_import):
    lines = ["uscc,name,address"]
    for serial, (cell, _stored) in enumerate(CASES, start=500):
        lines.append(f"{make_uscc(serial)},{cell},{cell}")  # Text(200) and Text(300)
    outcome = run_import("enterprises", "\n".join(lines) + "\n")
    assert outcome.code == 0, outcome.err
    stored = dict(Enterprise.objects.values_list("uscc", "name"))
    addresses = dict(Enterprise.objects.values_list("uscc", "address"))
    for serial, (_cell, name) in enumerate(CASES, start=500):
        assert stored[make_uscc(serial)] == name
        assert addresses[make_uscc(serial)] == name


def test_text_over_the_limit_is_an_error_fast_path_or_not(run_import):
    content = f"uscc,name\n{make_uscc(600)},{'名' * 201}\n{make_uscc(601)}, {'名' * 201}\n"
    outcome = run_import("enterprises", content)
    assert outcome.code == 1
    assert outcome.lines == [
        "row 2, column name: 长度为 201 个字符，超过上限 200",
        "row 3, column name: 长度为 201 个字符，超过上限 200",
    ]
    assert Enterprise.objects.count() == 0


def test_digits_other_than_ascii_are_read_by_the_parser_not_passed_to_copy(run_import):
    """Python's \\d takes full-width and Arabic-Indic digits, PostgreSQL's COPY does not: such a
    number is parsed (to 0 and 3) rather than sent as written (hypothesis found "０")."""
    category = CategoryFactory(code="C-DIGIT")
    content = (
        "category_code,code,name,unit,direction,national_value\n"
        f"{category.code},A1,甲,W,higher,０\n{category.code},A2,乙,W,higher,٣\n"
    )
    outcome = run_import("indicators", content)
    assert outcome.code == 0, outcome.err
    values = dict(category.indicators.values_list("code", "national_value"))
    assert values == {"A1": 0, "A2": 3}
