from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from apps.core.forms import BootstrapFormMixin, PrivacyConsentField
from apps.core.uscc import normalize_uscc, validate_uscc
from apps.enterprises.enums import District
from apps.enterprises.models import Enterprise


class RegistrationForm(BootstrapFormMixin, forms.Form):
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=18, min_length=1)
    enterprise_name = forms.CharField(label=_("企业名称"), max_length=200)
    district = forms.ChoiceField(
        label=_("所在区"), choices=[("", "—"), *District.choices], required=False
    )
    contact_name = forms.CharField(label=_("联系人姓名"), max_length=100)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    email = forms.EmailField(label=_("邮箱（登录名）"))
    password1 = forms.CharField(label=_("密码"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("确认密码"), widget=forms.PasswordInput, strip=False)
    privacy_consent = PrivacyConsentField()

    def clean_uscc(self):
        value = normalize_uscc(self.cleaned_data["uscc"])
        validate_uscc(value)
        return value

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("两次输入的密码不一致"))
        elif first:
            try:
                password_validation.validate_password(first)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class EnterpriseProfileForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = ["name", "district", "industry_code", "address", "contact_email", "contact_phone"]


class MembershipDecisionForm(forms.Form):
    approve = forms.BooleanField(required=False)
    reason = forms.CharField(label=_("拒绝理由"), max_length=300, required=False)
