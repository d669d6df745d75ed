from django import forms
from django.utils.translation import gettext_lazy as _

from apps.catalog.models import Category
from apps.core.forms import BootstrapFormMixin, PrivacyConsentField
from apps.core.uscc import normalize_uscc, validate_uscc
from apps.experts.enums import DECISIONS_BY_KIND, ExpertRole, ExpertStatus, ReviewKind


class UsccField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 18)
        super().__init__(**kwargs)

    def clean(self, value):
        value = normalize_uscc(super().clean(value))
        if value:
            validate_uscc(value)
        return value


class ExpertForm(BootstrapFormMixin, forms.Form):
    email = forms.EmailField(label=_("邮箱"))
    name = forms.CharField(label=_("姓名"), max_length=100)
    organisation = forms.CharField(label=_("单位"), max_length=200)
    organisation_uscc = UsccField(label=_("单位统一社会信用代码"), required=False)
    title = forms.CharField(label=_("职称"), max_length=100, required=False)
    phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    specialties = forms.ModelMultipleChoiceField(
        label=_("专业领域"), queryset=Category.objects.order_by("code"), required=False
    )
    roles = forms.MultipleChoiceField(
        label=_("角色"),
        choices=ExpertRole.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[ExpertRole.COMMITTEE],
    )
    recommendation = forms.CharField(
        label=_("推荐理由"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class ProfileForm(BootstrapFormMixin, forms.Form):
    """The expert's own contact phone, on the workspace, with the roster's privacy notice."""

    phone = forms.CharField(
        label=_("联系电话"),
        max_length=30,
        required=False,
        help_text=_("工作人员通知评审任务时使用，不公开。"),
    )
    privacy_consent = PrivacyConsentField()


class StatusForm(BootstrapFormMixin, forms.Form):
    status = forms.ChoiceField(
        label=_("状态"),
        choices=[(ExpertStatus.APPOINTED, _("聘任")), (ExpertStatus.RETIRED, _("解聘"))],
    )
    appointed_on = forms.DateField(
        label=_("聘任日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    term_ends_on = forms.DateField(
        label=_("任期截止"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class ConflictForm(BootstrapFormMixin, forms.Form):
    uscc = UsccField(label=_("单位统一社会信用代码"))
    organisation = forms.CharField(label=_("单位名称"), max_length=200)
    reason = forms.CharField(label=_("原因"), max_length=300)


class OpinionForm(BootstrapFormMixin, forms.Form):
    """A drawn expert's opinion. The choices follow what is reviewed: an objection is found
    well-founded or not, always with the reason; a scheme or a candidate list is approved,
    sent back or rejected, with the reason unless approved."""

    decision = forms.ChoiceField(label=_("评审意见"), widget=forms.RadioSelect)
    comments = forms.CharField(
        label=_("意见说明"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text=_("选择“修改后再审”或“不同意”时必填"),
    )

    def __init__(self, *args, kind: str = ReviewKind.SCHEME, **kwargs):
        super().__init__(*args, **kwargs)
        decision, comments = self.fields["decision"], self.fields["comments"]
        decision.choices = [(choice.value, choice.label) for choice in DECISIONS_BY_KIND[kind]]
        if kind == ReviewKind.OBJECTION:
            decision.label = _("评审结论")
            comments.label = _("理由")
            comments.required = True
            comments.error_messages["required"] = _("请写明认定异议成立或不成立的理由")
            comments.help_text = _("请写明认定异议成立或不成立的依据，工作人员据此作出认定。")


class AccountLinkForm(BootstrapFormMixin, forms.Form):
    email = forms.EmailField(
        label=_("已有账户的邮箱"),
        help_text=_("该账户的角色须为“专家”，且未关联其他专家。"),
    )
