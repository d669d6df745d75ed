from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.forms import BootstrapFormMixin, PrivacyConsentField


class CompileForm(BootstrapFormMixin, forms.Form):
    year = forms.IntegerField(
        label=_("年度"), min_value=2000, max_value=2100, initial=timezone.localdate().year
    )


class CreateListForm(BootstrapFormMixin, forms.Form):
    scheme = forms.ModelChoiceField(label=_("评估方案"), queryset=None)

    def __init__(self, *args, schemes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scheme"].queryset = schemes


class DrawForm(BootstrapFormMixin, forms.Form):
    size = forms.IntegerField(label=_("抽取专家人数"), min_value=1, max_value=15, initial=3)


class ReasonForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("撤回理由"), widget=forms.Textarea(attrs={"rows": 2}))


REVOCATION_REASON_MAX = 500  # Leader.revocation_reason


class RevokeForm(BootstrapFormMixin, forms.Form):
    """Step one of a manual revocation: the public reason."""

    reason = forms.CharField(
        label=_("撤销理由（公开）"),
        max_length=REVOCATION_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("撤销理由将显示在领跑者页面、证书核验结果和撤销公告中，并通知企业。"),
        error_messages={"required": _("撤销领跑者必须填写理由")},
    )


class RevokeConfirmForm(BootstrapFormMixin, forms.Form):
    """Step two: a person confirms, with the reason carried over from step one."""

    reason = forms.CharField(max_length=REVOCATION_REASON_MAX, widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label=_("我已核实，确认撤销该领跑者称号（撤销后不能恢复）"),
        error_messages={"required": _("请勾选确认后再撤销")},
    )


class FindingForm(BootstrapFormMixin, forms.Form):
    upheld = forms.TypedChoiceField(
        label=_("认定结论"),
        choices=[("1", _("异议成立（取消候选资格）")), ("0", _("异议不成立（保留候选）"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    finding = forms.CharField(
        label=_("认定意见"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("异议成立时，本意见作为取消候选的理由在公示页面公开。"),
    )


class ObjectionForm(BootstrapFormMixin, forms.Form):
    """The public objection form. `website` is a honeypot: hidden from people, filled by
    bots; a filled one is silently dropped (no captcha)."""

    candidate = forms.TypedChoiceField(label=_("异议对象"), coerce=int)
    name = forms.CharField(label=_("异议人姓名或单位"), max_length=100)
    contact = forms.CharField(
        label=_("联系方式"),
        max_length=200,
        help_text=_("电话或邮箱，仅供工作人员核实，不会公开；填写邮箱可收到受理通知和认定结果。"),
    )
    grounds = forms.CharField(label=_("异议理由"), widget=forms.Textarea(attrs={"rows": 5}))
    attachment = forms.FileField(
        label=_("证明材料（PDF，可选）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    privacy_consent = PrivacyConsentField()
    website = forms.CharField(
        label=_("网站"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    HONEYPOT = "website"

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["candidate"].choices = [("", "---------")] + [
            (c.pk, f"{c.standard.enterprise.name} {c.standard.standard_no}") for c in candidates
        ]

    def is_bot(self) -> bool:
        return bool(self.data.get(self.HONEYPOT))

    def visible_fields(self):
        return [field for field in super().visible_fields() if field.name != self.HONEYPOT]
