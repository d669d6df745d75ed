"""The password policy (docs/security.md "Password policy"): minimum length, character
classes, no e-mail local part, no reuse of the last N passwords; through Django's validators
and through the pages that set a password."""

import pytest
from django.contrib.auth.password_validation import (
    password_validators_help_texts,
    validate_password,
)
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.accounts.models import PasswordHistory
from tests.factories.accounts import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _codes(password, user=None) -> set[str]:
    try:
        validate_password(password, user=user)
    except ValidationError as error:
        return {item.code for item in error.error_list}
    return set()


def test_minimum_length(settings):
    assert "password_too_short" in _codes("Ab1-xyz9")
    assert "password_too_short" not in _codes("Ab1-xyz9qw")  # 10 characters
    assert settings.PASSWORD_MIN_LENGTH == 10


@pytest.mark.parametrize(
    ("password", "refused"),
    [
        ("onlylowercaseletters", True),  # 1 class
        ("lowercaseand2026", True),  # 2 classes
        ("UPPERCASEANDLOWER", True),  # 2 classes
        ("Lower-and-UPPER", False),  # lower, upper, other
        ("lower-and-2026-x", False),  # lower, digit, other
        ("Mixed2026Case", False),  # lower, upper, digit
        ("领跑者平台abc2026", False),  # Chinese characters count as "other"
    ],
)
def test_character_classes(password, refused):
    assert ("password_too_few_character_classes" in _codes(password)) is refused


def test_not_containing_the_emails_local_part():
    user = UserFactory.build(email="wang.lei@example.cn")
    assert "password_contains_email" in _codes("Wang.Lei-2026!", user=user)
    assert "password_contains_email" in _codes("x-WANG.LEI-x-2026", user=user)
    assert "password_contains_email" not in _codes("Lei-Wang-2026-x", user=user)
    # Too short a local part ("li@") would refuse too many good passwords: not checked.
    assert "password_contains_email" not in _codes(
        "Lin-Li-Portal-26", UserFactory.build(email="li@x.cn")
    )


def test_no_reuse_of_the_last_n_passwords(settings):
    settings.PASSWORD_HISTORY_COUNT = 3
    user = UserFactory()  # PASSWORD, kept in the history on save
    used = [PASSWORD, "Second-Pass-2026", "Third-Pass-2026", "Fourth-Pass-2026"]
    for password in used[1:]:
        assert not _codes(password, user=user)
        user.set_password(password)
        user.save()
    assert PasswordHistory.objects.filter(user=user).count() == 3  # trimmed to N
    # The current one and the two before it are refused; the oldest is free again.
    for password in used[1:]:
        assert "password_reused" in _codes(password, user=user), password
    assert "password_reused" not in _codes(used[0], user=user)
    # Only hashes are kept.
    assert not PasswordHistory.objects.filter(password__in=used).exists()


def test_a_new_account_has_no_history_to_check():
    assert "password_reused" not in _codes(PASSWORD, user=UserFactory.build())


def test_the_password_change_page_applies_the_policy(client):
    user = UserFactory(email="zhou.min@example.cn")
    client.force_login(user)
    url = reverse("password_change")
    for new, message in [
        (PASSWORD, "新密码不能与最近 5 次使用过的密码"),
        ("zhou.min-Portal-9", "不能包含邮箱地址"),
        ("alllowercaseletters", "至少 3 类"),
    ]:
        response = client.post(
            url, {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
        )
        assert response.status_code == 200
        assert message in response.content.decode(), new
    good = "Fresh-Portal-2027"
    response = client.post(
        url, {"old_password": PASSWORD, "new_password1": good, "new_password2": good}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(good)


def test_the_rules_are_explained_on_the_page():
    texts = " ".join(password_validators_help_texts())
    assert "小写字母、大写字母、数字、其他符号" in texts
    assert "邮箱地址" in texts
    assert "最近 5 次" in texts
