import secrets

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import BootstrapFormMixin
from apps.supervision.enums import Finding

SEED_LIMIT = 2**63  # the seed is a signed 64-bit column


def random_seed() -> int:
    """A cryptographically random seed. A draft publishes only SHA-256 of the seed's decimal
    text, and a small seed could be found from that hash by trying every number: an
    unpredictable 63-bit seed keeps the draw secret until the plan is approved."""
    return secrets.randbelow(SEED_LIMIT)


class GeneratePlanForm(BootstrapFormMixin, forms.Form):
    year = forms.IntegerField(label=_("计划年度"), min_value=2000, max_value=2100)
    seed = forms.IntegerField(
        label=_("随机种子"),
        min_value=0,
        max_value=SEED_LIMIT - 1,
        initial=random_seed,
        # Text, not a number input: browsers hold numbers as doubles, and a 19-digit seed
        # would be rounded by the spinner.
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_(
            "默认是系统生成的密码学随机数，请勿改成小数字：草案只公布种子的 SHA-256 承诺值，"
            "小的种子可以从承诺值穷举反推出来，从而提前泄露抽查名单。"
        ),
    )
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
