from django import forms
from django.utils.translation import gettext_lazy as _

from apps.catalog.models import KeyArea
from apps.core.forms import BootstrapFormMixin, PrivacyConsentField
from apps.core.uscc import normalize_uscc, validate_uscc
from apps.evaluators.enums import CriterionKind
from apps.evaluators.models import Agency, SchemeComment


class UsccField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 18)
        super().__init__(**kwargs)

    def clean(self, value):
        value = normalize_uscc(super().clean(value))
        if value:
            validate_uscc(value)
        return value


class AgencyForm(BootstrapFormMixin, forms.ModelForm):
    uscc = UsccField(label=_("统一社会信用代码"))

    class Meta:
        model = Agency
        fields = ["uscc", "name", "kind", "contact_email", "qualifications"]
        widgets = {"qualifications": forms.Textarea(attrs={"rows": 3})}

    def validate_unique(self):
        """The service finds an existing agency by USCC and updates it."""


class EvaluatorForm(BootstrapFormMixin, forms.Form):
    email = forms.EmailField(label=_("邮箱（登录名）"))
    name = forms.CharField(label=_("姓名"), max_length=100)


class DecisionForm(forms.Form):
    approve = forms.BooleanField(required=False)
    reason = forms.CharField(max_length=500, required=False)


class ApplicationForm(BootstrapFormMixin, forms.Form):
    key_areas = forms.ModelMultipleChoiceField(
        label=_("申请评估的重点领域"),
        queryset=KeyArea.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    qualifications = forms.CharField(
        label=_("资质与能力说明"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("如：标准化工作经历、检测能力、专家队伍。评估工作不向企业收取任何费用。"),
    )

    def __init__(self, *args, key_areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key_areas"].queryset = key_areas


class SchemeHeaderForm(BootstrapFormMixin, forms.Form):
    scheme_code = forms.CharField(label=_("方案编号"), max_length=50)
    name = forms.CharField(label=_("方案名称"), max_length=200, required=False)
    max_leaders = forms.IntegerField(label=_("领跑者上限"), initial=5)
    min_participants = forms.IntegerField(label=_("最少参评企业数"), initial=3)
    notice_days = forms.IntegerField(
        label=_("公示天数"), initial=7, help_text=_("公开征求意见和候选名单公示的天数")
    )
    cutoff_date = forms.DateField(
        label=_("截止日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("在此日期前公开的标准参评；留空为当年12月31日"),
    )


class CriterionForm(forms.Form):
    criterion_code = forms.CharField(label=_("评价项代码"), max_length=32, required=False)
    kind = forms.ChoiceField(label=_("类型"), choices=CriterionKind.choices)
    name = forms.CharField(label=_("名称"), max_length=100, required=False)
    weight = forms.DecimalField(label=_("权重"), max_digits=6, decimal_places=2, required=False)
    baseline = forms.DecimalField(
        label=_("基准值"), max_digits=20, decimal_places=6, required=False
    )
    advanced = forms.DecimalField(
        label=_("先进值"), max_digits=20, decimal_places=6, required=False
    )
    leading = forms.DecimalField(label=_("领跑值"), max_digits=20, decimal_places=6, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select form-select-sm" if field.widget.input_type == "select" else ""
            field.widget.attrs["class"] = css or "form-control form-control-sm"

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not data.get("criterion_code") or all(
            data.get(name) in (None, "") for name in ("weight", "baseline", "advanced", "leading")
        )


CriterionFormSet = forms.formset_factory(CriterionForm, extra=0)


class ReturnForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(label=_("退回理由"), widget=forms.Textarea(attrs={"rows": 3}))


class DrawForm(BootstrapFormMixin, forms.Form):
    size = forms.IntegerField(label=_("抽取专家人数"), min_value=1, max_value=15, initial=3)


class NewVersionForm(BootstrapFormMixin, forms.Form):
    scheme_code = forms.CharField(label=_("新版本方案编号"), max_length=50)


class CommentForm(BootstrapFormMixin, forms.ModelForm):
    privacy_consent = PrivacyConsentField()

    class Meta:
        model = SchemeComment
        fields = ["author_name", "contact", "text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}


class ConflictForm(BootstrapFormMixin, forms.Form):
    uscc = UsccField(label=_("企业统一社会信用代码"))
    reason = forms.CharField(label=_("原因"), max_length=300)


class ScoreUploadForm(BootstrapFormMixin, forms.Form):
    file = forms.FileField(
        label=_("评分文件"),
        help_text=_("CSV（UTF-8 或 GBK 编码）或 Excel（.xlsx）；第 1 行为表头，列同下载的模板。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
