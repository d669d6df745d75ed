import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from apps.core.uscc import ALPHABET, check_character, is_beijing, uscc_problem, validate_uscc

# Codes published on real business licences (check characters verified by hand).
REAL_VALID = [
    "91350100M000100Y43",
    "91110000802100433B",
    "91110108551385082Q",
    "91440300708461136T",
]


@pytest.mark.parametrize("code", REAL_VALID)
def test_uscc_real_codes_are_valid(code):
    assert uscc_problem(code) is None


def test_uscc_wrong_check_character_names_the_expected_one():
    assert uscc_problem("91110108551385082R") == "统一社会信用代码校验位错误：应为 Q，实际为 R"


@pytest.mark.parametrize(
    ("code", "bad"),
    [
        ("91110108551385082I", "I"),
        ("9111010855138508OQ", "O"),
        ("S1110108551385082Q", "S"),
        ("91110108551385082v", "v"),
        ("9111010855138508ZQ", "Z"),
    ],
)
def test_uscc_forbidden_characters_are_named(code, bad):
    assert f"不允许的字符：{bad}" in uscc_problem(code)


@pytest.mark.parametrize("code", ["", "9111010855138508", "91110108551385082QQ"])
def test_uscc_wrong_length_gives_the_length(code):
    assert uscc_problem(code) == f"统一社会信用代码应为18位，实际为{len(code)}位"


def test_validate_uscc_raises_validation_error():
    with pytest.raises(ValidationError) as error:
        validate_uscc("91110108551385082R")
    assert error.value.code == "invalid_uscc"


def test_is_beijing_reads_characters_three_and_four():
    assert is_beijing("91110108551385082Q")
    assert not is_beijing("91440300708461136T")


@given(st.text(alphabet=ALPHABET, min_size=17, max_size=17))
def test_uscc_with_computed_check_character_is_always_valid(first17):
    assert uscc_problem(first17 + check_character(first17)) is None


@given(st.text(alphabet=ALPHABET, min_size=17, max_size=17), st.sampled_from(ALPHABET))
def test_uscc_any_other_check_character_is_rejected(first17, last):
    if last != check_character(first17):
        assert "校验位错误" in uscc_problem(first17 + last)
