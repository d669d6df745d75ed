import unicodedata

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.utils.translation import gettext_lazy as _

from apps.core.forms import BootstrapFormMixin


class TokenForm(BootstrapFormMixin, forms.Form):
    token = forms.RegexField(
        label=_("验证码"),
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        error_messages={"invalid": _("请输入验证器应用显示的 6 位数字")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True}
        ),
    )

    def clean_token(self) -> str:
        return self.cleaned_data["token"].strip()


class PortalPasswordResetForm(BootstrapFormMixin, PasswordResetForm):
    """“忘记密码” for every active account, including one whose owner never set a password
    (an invitation that expired or was lost): Django's form skips those. Inactive accounts
    (a registration not yet activated, a deactivated account) get nothing. The page says the
    same whether or not the address exists."""

    def get_users(self, email):
        User = get_user_model()
        email_field = User.get_email_field_name()
        users = User._default_manager.filter(**{f"{email_field}__iexact": email, "is_active": True})
        # As Django does: compare the Unicode-normalised, case-folded addresses, so that a
        # look-alike address never receives another account's link.
        return (user for user in users if _folded(email) == _folded(getattr(user, email_field)))


def _folded(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


class InvitationPasswordForm(BootstrapFormMixin, SetPasswordForm):
    """The invited person's first password (the password validators apply)."""
