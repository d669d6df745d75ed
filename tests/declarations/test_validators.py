import pytest
from django.core.exceptions import ValidationError

from apps.declarations.validators import (
    decimal_text,
    infer_standard_type,
    normalize_standard_no,
    parse_value,
    validate_standard_no,
)


@pytest.mark.parametrize(
    ("number", "kind"),
    [
        ("Q/BJHD 001-2024", "enterprise"),
        ("Q/320581 KLJ001-2019", "enterprise"),
        ("Q/GDW 1234.5-2014", "enterprise"),
        ("T/CAS 123-2023", "group"),
        ("GB 21455-2019", "national"),
        ("GB/T 7725-2022", "national"),
        ("GB/T 1.1-2020", "national"),
        ("QB/T 4099-2010", "industry"),
        ("JB/T 9876-2015", "industry"),
        ("SB/T 11229-2021", "industry"),
        ("DB11/T 1234-2015", "local"),
        ("DB11/ 123-2020", "local"),
    ],
)
def test_valid_numbers(number, kind):
    validate_standard_no(number, kind)
    assert infer_standard_type(number) == kind


@pytest.mark.parametrize(
    ("number", "kind", "message"),
    [
        ("Q/BJHD 001", "enterprise", "应形如 Q/BJHD 001-2024"),
        ("q/bjhd 001-2024", "enterprise", "格式不正确"),
        ("Q/BJHD 001-1890", "enterprise", "年份 1890 不合理"),
        ("T/CAS123-2023", "group", "应形如 T/CAS 123-2023"),
        ("GB/T 7725-2022", "industry", "是国家标准（GB、GB/T），与所选标准类型“行业标准”不符"),
        ("DB11/T 1234-2015", "national", "是地方标准（DB），与所选标准类型"),
        ("GBT 7725-2022", "national", "格式不正确"),
        ("", "enterprise", "请填写标准编号"),
    ],
)
def test_invalid_numbers_say_why(number, kind, message):
    with pytest.raises(ValidationError) as excinfo:
        validate_standard_no(number, kind)
    assert message in excinfo.value.messages[0]


def test_full_width_input_is_normalized():
    assert normalize_standard_no(" Ｑ／ＢＪＨＤ　００１－２０２４ ") == "Q/BJHD 001-2024"
    assert normalize_standard_no("GB/T  7725-2022") == "GB/T 7725-2022"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "请填写指标值"),
        ("abc", "“abc”不是数字"),
        ("NaN", "有限的数字"),
        ("Infinity", "有限的数字"),
        ("-2000000000", "超出合理范围"),
        ("1.0000001", "最多保留 6 位小数"),
    ],
)
def test_value_messages(text, message):
    with pytest.raises(ValidationError) as excinfo:
        parse_value(text)
    assert message in excinfo.value.messages[0]


def test_values_parse():
    assert str(parse_value(" 1,200.5 ")) == "1200.5"
    assert str(parse_value("-3")) == "-3"


def test_decimal_text():
    assert [decimal_text(v) for v in ["80.000000", "0.012000", "100", "-0.000"]] == [
        "80", "0.012", "100", "0",
    ]  # fmt: skip
