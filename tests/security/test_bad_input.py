"""Hostile and malformed input to the import framework: random bytes, odd encodings, huge and
strange cells. The only outcomes allowed are a result with problems that each carry a message
(or a clean result); never an exception."""

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from apps.core.imports import parsers
from apps.core.imports.engine import run_import
from apps.core.imports.readers import FileProblem, RowSource
from apps.core.imports.spec import get_import_kind, import_kinds

pytestmark = pytest.mark.django_db

FAST = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

ODD_TEXT = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=60),
    st.sampled_from(
        [
            '=HYPERLINK("http://x")',
            "+1",
            "-0",
            "@SUM(A1)",
            "'; DROP TABLE core_auditentry; --",
            "\\N",
            "\t\\.\n",
            "1e309",
            "NaN",
            "9" * 400,
            "０１２３",
            "2026-02-30",
            "\u202e\u0000\ufeff",
            "x" * 100_000,
        ]
    ),
)


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    import csv

    csv.writer(out).writerows(rows)
    return out.getvalue()


def _assert_reported(result):
    for problem in result.problems:
        assert problem.message.strip(), problem
        assert problem.row >= 1


PARSERS = [
    parsers.Text(max_length=50),
    parsers.Code(max_length=20),
    parsers.Uscc(),
    parsers.DecimalNumber(),
    parsers.DecimalNumber(max_digits=5, decimal_places=2, minimum=0, maximum=100),
    parsers.Integer(minimum=2000, maximum=2100),
    parsers.Date(),
    parsers.Email(),
]


@pytest.mark.parametrize("parser", PARSERS, ids=lambda p: type(p).__name__)
@given(text=ODD_TEXT)
@settings(max_examples=150, deadline=None)
def test_parsers_return_a_value_or_a_cell_error_with_a_message(parser, text):
    text = text.strip()
    if not text:
        return
    try:
        parser.parse(text)
    except parsers.CellError as error:
        assert str(error).strip()


@given(data=st.binary(max_size=3000), extension=st.sampled_from([".csv", ".xlsx"]))
@FAST
def test_reader_turns_random_bytes_into_rows_or_a_file_problem(data, extension):
    try:
        for _number, cells in RowSource(io.BytesIO(data), f"f{extension}", size=len(data)).rows():
            assert all(isinstance(cell, str) for cell in cells)
    except FileProblem as problem:
        assert problem.message.strip()


@given(
    data=st.binary(max_size=3000),
    prefix=st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"PK\x03\x04", b"uscc,name\n"]),
    kind=st.sampled_from(["enterprises", "categories", "standards"]),
)
@FAST
def test_import_of_random_bytes_reports_problems(db, data, prefix, kind):
    payload = prefix + data
    result = run_import(get_import_kind(kind), io.BytesIO(payload), "x.csv", dry_run=True)
    assert not result.written
    _assert_reported(result)


@given(
    cells=st.lists(st.lists(ODD_TEXT, min_size=1, max_size=8), min_size=0, max_size=6),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]),
    kind=st.sampled_from(sorted(import_kinds())),
)
@FAST
def test_import_of_odd_csv_reports_problems(db, cells, encoding, kind):
    columns = [column.name for column in get_import_kind(kind).columns]
    content = _csv([columns, *cells]).encode(encoding, errors="replace")
    result = run_import(get_import_kind(kind), io.BytesIO(content), "x.csv", dry_run=True)
    assert not result.written
    _assert_reported(result)
    if cells:
        assert not result.ok or result.rows == len(cells)


@given(
    cells=st.lists(
        st.lists(
            st.one_of(
                st.none(),
                st.integers(),
                st.floats(allow_nan=True, allow_infinity=True),
                st.booleans(),
                st.dates(),
                st.datetimes(),
                st.text(max_size=40).map(lambda t: "".join(c for c in t if c.isprintable())),
            ),
            max_size=6,
        ),
        max_size=5,
    ),
    kind=st.sampled_from(["enterprises", "indicators", "schemes"]),
)
@FAST
def test_import_of_odd_xlsx_reports_problems(db, cells, kind):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([column.name for column in get_import_kind(kind).columns])
    for row in cells:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    result = run_import(get_import_kind(kind), buffer, "x.xlsx", dry_run=True)
    assert not result.written
    _assert_reported(result)
