"""Encodings, file formats and header problems: each a specific message, nothing written."""

import codecs
import io

import pytest
from openpyxl import Workbook

from apps.catalog.models import Category
from apps.enterprises.models import Enterprise
from tests.imports.conftest import USCC_A, snapshot

pytestmark = pytest.mark.django_db

GOOD = f"统一社会信用代码,企业名称,所在区\n{USCC_A},北京甲电器有限公司,海淀区\n"


@pytest.mark.parametrize(
    "encoded",
    [
        GOOD.encode("utf-8"),
        codecs.BOM_UTF8 + GOOD.encode("utf-8"),
        GOOD.encode("gbk"),
        GOOD.encode("gb18030"),
        GOOD.replace("\n", "\r\n").encode("gbk"),
    ],
    ids=["utf8", "utf8-bom", "gbk", "gb18030", "gbk-crlf"],
)
def test_csv_encodings_are_detected(run_import, encoded):
    outcome = run_import("enterprises", encoded)
    assert (outcome.code, outcome.out) == (0, "enterprises: created 1, updated 0, unchanged 0")
    enterprise = Enterprise.objects.get()
    assert (enterprise.uscc, enterprise.name, enterprise.district) == (
        USCC_A,
        "北京甲电器有限公司",
        "haidian",
    )


def _xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_file_is_read_with_numbers_and_dates(run_import, catalogue):
    from datetime import datetime

    from apps.catalog.models import Indicator

    content = _xlsx(
        [
            ["类别代码", "指标代码", "指标名称", "方向", "国家标准值"],
            ["C-AC", "SEER", "季节能效比", "越高越好", 5.3],
            ["C-AC", "COUNT", "档位", "lower", 3],
        ]
    )
    outcome = run_import("indicators", content, name="ind.xlsx")
    assert outcome.out == "indicators: created 2, updated 0, unchanged 0"
    assert str(Indicator.objects.get(code="SEER").national_value) == "5.300000"
    assert Indicator.objects.get(code="SEER").direction == "higher"
    dates = _xlsx([["year", "category_code"], [2026.0, "C-AC"], [datetime(2027, 1, 1), "C-AC"]])
    outcome = run_import("key_areas", dates, name="areas.xlsx")
    assert outcome.lines == ["row 3, column year: “2027-01-01” 不是有效的整数"]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "data.csv", "row 1, column -: 文件为空：没有表头，也没有数据行"),
        (b"\n\n  \n", "data.csv", "row 1, column -: 文件为空：没有表头，也没有数据行"),
        (
            "uscc,name\n".encode("utf-16"),
            "data.csv",
            "row 1, column -: 文件是 UTF-16 编码，不支持；请另存为“CSV UTF-8”或 GBK 编码的 CSV",
        ),
        (
            "uscc,name\n".encode("utf-16-le"),
            "data.csv",
            "row 1, column -: 文件含有二进制内容，不是 CSV 文本文件",
        ),
        (
            bytes(range(256)) * 8,
            "data.csv",
            "row 1, column -: 文件含有二进制内容，不是 CSV 文本文件",
        ),
        (
            b"uscc,name\n\x81\x20\xff\xfe\xfa,x\n",
            "data.csv",
            "row 1, column -: 无法识别文件编码：既不是 UTF-8 也不是 GB18030/GBK 文本"
            "（可能是二进制文件或其他编码）",
        ),
        (
            _xlsx([["uscc", "name"]]),
            "data.csv",
            "row 1, column -: 文件内容是 Excel 工作簿，不是 CSV；请使用 .xlsx 扩展名",
        ),
        (
            b"uscc,name\n",
            "data.xlsx",
            "row 1, column -: 不是有效的 Excel（.xlsx）文件，或文件已损坏",
        ),
        (
            b"uscc,name\n",
            "data.txt",
            "row 1, column -: 不支持的文件类型“.txt”：请上传 .csv 或 .xlsx 文件",
        ),
        (b"uscc,name\n", "data.csv", "row 2, column -: 文件只有表头，没有数据行"),
        (_xlsx([["uscc", "name"]]), "data.xlsx", "row 2, column -: 文件只有表头，没有数据行"),
        (b",,\nx,y,z\n", "data.csv", "row 1, column -: 表头为空：第 1 行应为列名"),
    ],
    ids=[
        "empty",
        "blank-lines",
        "utf16-bom",
        "utf16-no-bom",
        "binary",
        "random-bytes",
        "xlsx-named-csv",
        "csv-named-xlsx",
        "other-extension",
        "header-only",
        "xlsx-header-only",
        "blank-header",
    ],
)
def test_unreadable_files_get_one_specific_message(run_import, content, name, message):
    before = snapshot()
    outcome = run_import("enterprises", content, name=name)
    assert (outcome.code, outcome.lines) == (1, [message])
    assert snapshot() == before


def test_header_problems_are_all_reported(run_import):
    outcome = run_import("indicators", "类别代码,code,CODE,colour\nC-AC,X,X,red\n")
    assert outcome.code == 1
    assert outcome.lines == [
        "row 1, column CODE: 列“CODE”重复：与第 2 列是同一列",
        "row 1, column colour: 未知的列“colour”；此类数据可用的列：category_code [类别代码], "
        "code [指标代码], name [指标名称], unit [单位], direction [方向], "
        "national_value [国家标准值], international_value [国际标准值]",
        "row 1, column name: 缺少必填列 name（指标名称）",
        "row 1, column direction: 缺少必填列 direction（方向）",
    ]


def test_cells_beyond_the_header_are_an_error(run_import):
    outcome = run_import("categories", "code,name,sector\nC-X,类别,equipment,surplus\n")
    assert outcome.lines == ["row 2, column -: 此行在没有列名的列中有内容（列数多于表头）"]
    assert not Category.objects.exists()


def test_headers_are_trimmed_case_insensitive_and_any_order(run_import):
    outcome = run_import(
        "categories",
        " Sector , CODE ,名称\n装备制造, C-X ,  数控机床 \n".replace("名称", "类别名称"),
    )
    assert outcome.code == 0, outcome.err
    category = Category.objects.get()
    assert (category.code, category.name, category.sector, category.kind) == (
        "C-X",
        "数控机床",
        "equipment",
        "product",
    )


def test_encoding_change_late_in_a_long_file_is_reported_not_decoded(run_import):
    lines = ["code,name,sector"] + [f"C-{n},类别{n},equipment" for n in range(20_000)]
    content = ("\n".join(lines) + "\n").encode("utf-8") + "C-LAST,类别末,equipment\n".encode("gbk")
    outcome = run_import("categories", content)
    assert outcome.code == 1
    assert outcome.lines == [
        "row 20002, column -: 此处起的内容无法按 UTF-8 解码：文件编码前后不一致或文件已损坏"
    ]
    assert not Category.objects.exists()


def test_gbk_file_whose_first_part_is_plain_ascii(run_import):
    lines = ["code,name,sector"] + [f"C-{n},Category {n},equipment" for n in range(20_000)]
    content = ("\n".join(lines) + "\n").encode("ascii") + "C-ZH,数控机床,装备制造\n".encode("gbk")
    outcome = run_import("categories", content)
    assert outcome.out == "categories: created 20001, updated 0, unchanged 0"
    assert Category.objects.get(code="C-ZH").name == "数控机床"


def test_headers_as_written_in_the_documentation_are_accepted(run_import):
    outcome = run_import(
        "categories",
        "code* [类别代码],类别名称*,sector（领域）\nC-X,数控机床,equipment\n",
    )
    assert outcome.out == "categories: created 1, updated 0, unchanged 0"
