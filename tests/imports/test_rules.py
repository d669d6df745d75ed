# ruff: noqa: E501  (exact user-facing messages read best unbroken)
"""CONTRACT.md section 2 row rules, kind by kind: exact messages, exit 1, nothing written."""

import pytest

from apps.catalog.models import Indicator
from apps.core.models import ImportRun
from apps.declarations.models import IndicatorValue, Standard
from apps.enterprises.models import Enterprise
from tests.imports.conftest import USCC_A, USCC_B, snapshot

pytestmark = pytest.mark.django_db


def rejected(run_import, kind, content, **options):
    before = snapshot()
    outcome = run_import(kind, content, **options)
    assert outcome.code == 1, outcome.out
    assert snapshot() == before
    return outcome.lines


def test_uscc_rules_each_have_their_own_message(run_import):
    lines = rejected(
        run_import,
        "enterprises",
        "uscc,name\n"
        "91110108000000001,短了一位\n"
        "91110108O0000000IA,有字母O和I\n"
        "91110108000000001B,校验位错\n"
        f"{USCC_A.lower()},小写也可以\n"
        ",缺少代码\n"
        f"{USCC_A},重复\n",
    )
    assert lines == [
        "row 2, column uscc: 统一社会信用代码应为18位，实际为17位",
        "row 3, column uscc: 统一社会信用代码含不允许的字符：I O（只允许数字和除 I、O、S、V、Z 外的大写字母）",
        "row 4, column uscc: 统一社会信用代码校验位错误：应为 A，实际为 B",
        "row 6, column uscc: 必填，不能为空",
        f"row 7, column uscc: 与第 5 行重复：{USCC_A} 在同一文件中只能出现一次",
    ]


def test_enterprise_enumerations_emails_and_lengths(run_import):
    lines = rejected(
        run_import,
        "enterprises",
        "uscc,name,district,contact_email,industry_code\n"
        f"{USCC_A},甲,浦东新区,a@b.cn,C38\n"
        f"{USCC_B},乙,海淀,not-an-email,C385100000X\n",
    )
    assert lines[0].startswith(
        "row 2, column district: “浦东新区” 不是允许的值，可选：dongcheng（东城区）"
    )
    assert lines[1:] == [
        "row 3, column contact_email: “not-an-email” 不是有效的邮箱地址",
        "row 3, column industry_code: 长度为 11 个字符，超过上限 10",
    ]


def test_category_rules(run_import):
    lines = rejected(
        run_import,
        "categories",
        "code,name,sector,kind\n"
        "C-A,甲,consumer_goods,product\n"
        "C-B,乙,家电,product\n"
        "C B,丙,services,服务\n"
        "C-D,,emerging,goods\n"
        "C-A,甲二,装备制造,\n",
    )
    assert lines == [
        "row 3, column sector: “家电” 不是允许的值，可选：consumer_goods（主要消费品）、equipment（装备制造）、emerging（新兴产业）、services（服务）",
        "row 4, column code: “C B” 含有空白字符，代码中不允许",
        "row 5, column name: 必填，不能为空",
        "row 5, column kind: “goods” 不是允许的值，可选：product（产品）、service（服务）",
        "row 6, column code: 与第 2 行重复：C-A 在同一文件中只能出现一次",
    ]


def test_key_area_rules(run_import, catalogue):
    lines = rejected(
        run_import,
        "key_areas",
        "年度,类别代码\n2026,C-AC\n二〇二六,C-AC\n1999,C-AC\n2026,C-NONE\n2026,C-AC\n",
    )
    assert lines == [
        "row 3, column 年度: “二〇二六” 不是有效的整数",
        "row 4, column 年度: 1999 不在允许的范围 2000–2100 内",
        "row 5, column 类别代码: 类别代码 C-NONE 不存在（请先导入类别）",
        "row 6, column 年度: 与第 2 行重复：2026 / C-AC 在同一文件中只能出现一次",
    ]


def test_indicator_rules(run_import, catalogue):
    lines = rejected(
        run_import,
        "indicators",
        "category_code,code,name,direction,national_value,international_value\n"
        "C-AC,SEER,季节能效比,higher,5.3,\n"
        "C-XX,SEER,季节能效比,higher,5.3,\n"
        "C-AC,A1,甲,up,1,\n"
        "C-AC,A2,乙,lower,1,5,extra\n"
        "C-AC,A3,丙,lower,1e3,NaN\n"
        "C-AC,A4,丁,lower,0.1234567,123456789012345\n"
        "C-AC,SEER,重复,lower,,\n",
    )
    assert lines == [
        "row 3, column category_code: 类别代码 C-XX 不存在（请先导入类别）",
        "row 4, column direction: “up” 不是允许的值，可选：higher（越高越好）、lower（越低越好）",
        "row 5, column -: 此行在没有列名的列中有内容（列数多于表头）",
        "row 6, column national_value: “1e3” 不是有效的数字（小数点用“.”，不加千位分隔符）",
        "row 6, column international_value: “NaN” 不是有效的数字（小数点用“.”，不加千位分隔符）",
        "row 7, column national_value: “0.1234567” 的小数位数超过 6 位",
        "row 7, column international_value: “123456789012345” 超出允许的数值范围",
        "row 8, column category_code: 与第 2 行重复：C-AC / SEER 在同一文件中只能出现一次",
    ]


def test_standard_rules(run_import, catalogue, enterprises):
    unknown = "91110108000000003G"
    lines = rejected(
        run_import,
        "standards",
        "uscc,standard_no,name,category_code,published_on,status\n"
        f"{USCC_A},Q/A 1,甲,C-AC,2026-02-30,public\n"
        f"{USCC_A},Q/A 2,乙,C-ZZ,2026/13/1,draft\n"
        f"{unknown},Q/A 3,丙,C-AC,2026-1-5,废止\n"
        f"{USCC_A},Q/A 4,丁,C-AC,,公开\n"
        f"{USCC_A},Q/A 1,甲,C-AC,2026-02-28,\n",
    )
    assert lines == [
        "row 2, column published_on: “2026-02-30” 不是日历上存在的日期",
        "row 3, column category_code: 类别代码 C-ZZ 不存在（请先导入类别）",
        "row 3, column published_on: “2026/13/1” 不是日历上存在的日期",
        "row 3, column status: “draft” 不是允许的值，可选：public（公开）、abolished（废止）",
        f"row 4, column uscc: 企业 {unknown} 不存在（请先导入企业）",
        "row 4, column published_on: “2026-1-5” 不是有效的日期（格式为 YYYY-MM-DD 或 YYYY/M/D）",
        "row 5, column published_on: 必填，不能为空",
        f"row 6, column uscc: 与第 2 行重复：{USCC_A} / Q/A 1 在同一文件中只能出现一次",
    ]


def test_standards_import_derives_type_and_accepts_chinese_status(run_import, standards):
    assert standards.out == "standards: created 3, updated 0, unchanged 0"
    rows = {
        s.standard_no: (s.standard_type, s.status, str(s.published_on), s.abolished_on is None)
        for s in Standard.objects.all()
    }
    assert rows == {
        "Q/JDQ 001-2026": ("enterprise", "public", "2026-03-15", True),
        "Q/JDQ 002-2026": ("enterprise", "public", "2026-04-01", True),
        "T/CAS 100-2025": ("group", "abolished", "2025-12-01", False),
    }
    outcome = run_import(
        "standards",
        "统一社会信用代码,标准编号,标准名称,类别代码,公开日期,状态\n"
        f"{USCC_A},GB 12021.3-2010,国标,C-AC,2010-08-09,公开\n"
        f"{USCC_A},DB11/T 1-2020,地标,C-AC,2020-01-01,公开\n"
        f"{USCC_A},QB/T 4-2019,行标,C-AC,2019-01-01,公开\n",
    )
    assert outcome.code == 0
    assert dict(
        Standard.objects.filter(name__in=["国标", "地标", "行标"]).values_list(
            "name", "standard_type"
        )
    ) == {"国标": "national", "地标": "local", "行标": "industry"}


def test_indicator_value_rules(run_import, standards):
    lines = rejected(
        run_import,
        "indicator_values",
        "uscc,standard_no,indicator_code,value\n"
        f"{USCC_A},Q/JDQ 001-2026,APF,5.3\n"
        f"{USCC_A},Q/JDQ 001-2026,EFF,90\n"
        f"{USCC_A},Q/NONE,APF,5\n"
        "91110108000000003G,Q/JDQ 001-2026,APF,5\n"
        f"{USCC_A},Q/JDQ 001-2026,NOISE,五十\n"
        f"{USCC_A},Q/JDQ 001-2026,NOISE,\n"
        f"{USCC_A},Q/JDQ 001-2026,APF,5.4\n",
    )
    assert lines == [
        "row 3, column indicator_code: 指标代码 EFF 不是标准 Q/JDQ 001-2026 所属类别 C-AC 的指标",
        f"row 4, column standard_no: 企业 {USCC_A} 没有编号为 Q/NONE 的标准（请先导入标准）",
        "row 5, column uscc: 企业 91110108000000003G 不存在（请先导入企业）",
        "row 6, column value: “五十” 不是有效的数字（小数点用“.”，不加千位分隔符）",
        f"row 7, column uscc: 与第 6 行重复：{USCC_A} / Q/JDQ 001-2026 / NOISE 在同一文件中只能出现一次",
        "row 7, column value: 必填，不能为空",
        f"row 8, column uscc: 与第 2 行重复：{USCC_A} / Q/JDQ 001-2026 / APF 在同一文件中只能出现一次",
    ]
    assert not IndicatorValue.objects.exists()


def test_late_bad_row_in_a_long_file_rejects_the_whole_file(run_import, standards):
    rows = ["uscc,standard_no,indicator_code,value"]
    codes = ["APF", "NOISE"]
    for n in range(19_999):
        rows.append(f"{USCC_A},Q/L {n},{codes[n % 2]},{n}.5")
    # 20,000 data rows: the last one (file row 20,001) is bad.
    rows.append(f"{USCC_A},Q/L 5,APF,5..5")
    standards_file = ["uscc,standard_no,name,category_code,published_on"] + [
        f"{USCC_A},Q/L {n},长文件标准{n},C-AC,2026-01-01" for n in range(19_999)
    ]
    assert run_import("standards", "\n".join(standards_file)).code == 0
    before = snapshot()
    outcome = run_import("indicator_values", "\n".join(rows) + "\n")
    assert (outcome.code, outcome.lines) == (
        1,
        ["row 20001, column value: “5..5” 不是有效的数字（小数点用“.”，不加千位分隔符）"],
    )
    assert snapshot() == before
    run = ImportRun.objects.latest("id")
    assert (run.kind, run.status, run.rows, run.error_count) == (
        "indicator_values",
        "invalid",
        20_000,
        1,
    )


def test_errors_are_all_reported_in_row_order_with_many_bad_rows(run_import, catalogue):
    content = "category_code,code,name,direction\n" + "".join(
        f"C-AC,X{n},名{n},{'sideways' if n % 2 else 'higher'}\n" for n in range(1000)
    )
    lines = rejected(run_import, "indicators", content)
    assert len(lines) == 500
    assert lines[0].startswith("row 3, column direction:")
    assert lines[-1].startswith("row 1001, column direction:")
    assert Indicator.objects.count() == 3


def test_unknown_kind_is_a_command_error(run_import):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="未知的导入类型“nonsense”"):
        run_import("nonsense", "a\n1\n")
    assert not Enterprise.objects.exists()


def test_problems_beyond_the_limit_are_counted_not_listed(run_import, catalogue, settings):
    settings.IMPORT_MAX_PROBLEMS = 3
    content = "category_code,code,name,direction\n" + "".join(
        f"C-AC,X{n},名{n},sideways\n" for n in range(10)
    )
    lines = rejected(run_import, "indicators", content)
    assert len(lines) == 4
    assert lines[0].startswith("row 2, column direction: “sideways” 不是允许的值")
    assert lines[3] == "row -, column -: 另有 7 个问题未列出：请先改正以上问题"
    assert ImportRun.objects.latest("id").error_count == 10
