from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import BootstrapFormMixin
from apps.supervision.enums import Finding


class GeneratePlanForm(BootstrapFormMixin, forms.Form):
    year = forms.IntegerField(label=_("计划年度"), min_value=2000, max_value=2100)
    seed = forms.IntegerField(label=_("随机种子"), min_value=0, max_value=2**62)
    rate = forms.DecimalField(
        label=_("抽样比例"), min_value=0, max_value=1, decimal_places=4, initial="0.05"
    )


class ResultForm(BootstrapFormMixin, forms.Form):
    passed = forms.TypedChoiceField(
        label=_("结论"), choices=[("1", _("合格")), ("0", _("不合格"))], coerce=lambda v: v == "1"
    )
    findings = forms.MultipleChoiceField(
        label=_("问题"),
        choices=Finding.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label=_("检查说明"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
