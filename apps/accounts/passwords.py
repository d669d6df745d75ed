"""The password policy's own validators (`AUTH_PASSWORD_VALIDATORS`, docs/security.md
"Password policy"), beside Django's length, common-password, all-digits and similarity ones:

- `CharacterClassesValidator`: at least `min_classes` of lower-case letters, upper-case
  letters, digits and other characters;
- `EmailLocalPartValidator`: the password does not contain the part of the account's e-mail
  address before the `@` (in any case);
- `PasswordHistoryValidator`: none of the last `count` passwords, the current one included
  (their hashes are kept in `PasswordHistory` when a password is saved).
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from apps.accounts.models import PasswordHistory

# Shorter local parts ("li@...") would refuse too many good passwords.
MIN_LOCAL_PART = 3


def character_classes(password: str) -> int:
    lower = any(char.islower() for char in password)
    upper = any(char.isupper() for char in password)
    digit = any(char.isdigit() for char in password)
    # Anything else: punctuation, spaces, and letters without case (Chinese characters).
    other = any(not (char.islower() or char.isupper() or char.isdigit()) for char in password)
    return lower + upper + digit + other


class CharacterClassesValidator:
    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        if character_classes(password) < self.min_classes:
            raise ValidationError(
                _("密码须包含以下四类字符中的至少 %(count)d 类：小写字母、大写字母、数字、其他符号")
                % {"count": self.min_classes},
                code="password_too_few_character_classes",
                params={"min_classes": self.min_classes},
            )

    def get_help_text(self):
        return _("至少包含小写字母、大写字母、数字、其他符号中的 %(count)d 类。") % {
            "count": self.min_classes
        }


class EmailLocalPartValidator:
    def validate(self, password, user=None):
        email = getattr(user, "email", "") or ""
        local = email.split("@", 1)[0].casefold()
        if len(local) >= MIN_LOCAL_PART and local in password.casefold():
            raise ValidationError(
                _("密码不能包含邮箱地址中“@”之前的部分（%(local)s）") % {"local": local},
                code="password_contains_email",
            )

    def get_help_text(self):
        return _("不能包含邮箱地址中“@”之前的部分。")


class PasswordHistoryValidator:
    def __init__(self, count: int | None = None):
        self._count = count

    @property
    def count(self) -> int:
        return self._count if self._count is not None else settings.PASSWORD_HISTORY_COUNT

    def _hashes(self, user) -> list[str]:

        if user is None or user.pk is None or self.count <= 0:
            return []
        kept = list(
            PasswordHistory.objects.filter(user_id=user.pk).values_list("password", flat=True)[
                : self.count
            ]
        )
        User = get_user_model()
        current = User.objects.filter(pk=user.pk).values_list("password", flat=True).first()
        return [current, *kept] if current else kept

    def validate(self, password, user=None):
        if any(check_password(password, encoded) for encoded in self._hashes(user)):
            raise ValidationError(
                _("新密码不能与最近 %(count)d 次使用过的密码（含当前密码）相同")
                % {"count": self.count},
                code="password_reused",
            )

    def password_changed(self, password, user=None):
        """Keep the new hash (Django calls this when a set password is saved), and only the
        last `count` of them."""

        if user is None or user.pk is None or not user.has_usable_password():
            return
        PasswordHistory.objects.create(user=user, password=user.password)
        stale = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[
            max(self.count, 1) :
        ]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()

    def get_help_text(self):
        return _("不能与最近 %(count)d 次使用过的密码（含当前密码）相同。") % {"count": self.count}
