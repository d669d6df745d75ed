from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.catalog.enums import Direction
from apps.catalog.models import Category
from apps.core.forms import BootstrapFormMixin
from apps.declarations.enums import StandardType
from apps.declarations.validators import MAX_TEXT_BYTES, NUMBER_EXAMPLES, decimal_text


def _number_help() -> str:
    return "；".join(f"{StandardType(t).label}：{e}" for t, e in NUMBER_EXAMPLES.items())


class StandardContentForm(BootstrapFormMixin, forms.Form):
    """Number, type, name, category and products; the service does the real checks."""

    standard_type = forms.ChoiceField(label=_("标准类型"), choices=StandardType.choices)
    standard_no = forms.CharField(label=_("标准编号"), max_length=100)
    name = forms.CharField(label=_("标准名称"), max_length=300)
    category = forms.ModelChoiceField(
        label=_("产品/服务类别"),
        queryset=Category.objects.order_by("sector", "code"),
        help_text=_("类别决定需要填写的核心指标；修改类别会清空已填写的指标值。"),
    )
    products = forms.CharField(
        label=_("适用的产品/服务及型号"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, number_locked: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["standard_no"].help_text = _number_help()
        if number_locked:
            self.fields["standard_no"].disabled = True
            self.fields["standard_no"].help_text = _("已公开的标准不能修改编号。")


class ValuesForm(BootstrapFormMixin, forms.Form):
    """One text field per indicator of the category (kept as text so our own parser gives
    the messages), plus the standard text as PDF."""

    text_file = forms.FileField(
        label=_("标准文本（PDF）"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def __init__(self, *args, indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Here, not on the field: a lazy text formatted at import would keep that language.
        self.fields["text_file"].help_text = _(
            "PDF格式，不超过 %(mb)d MB。不上传则保留已上传的文本。"
        ) % {"mb": MAX_TEXT_BYTES // (1024 * 1024)}
        self.indicator_fields = []
        for indicator in indicators:
            name = f"value_{indicator.code}"
            references = []
            if indicator.national_value is not None:
                references.append(
                    _("国家标准值 %(v)s%(m)s")
                    % {
                        "v": decimal_text(indicator.national_value),
                        "m": _("（强制）") if indicator.national_mandatory else "",
                    }
                )
            if indicator.international_value is not None:
                references.append(
                    _("国际标准值 %(v)s") % {"v": decimal_text(indicator.international_value)}
                )
            references.append(str(Direction(indicator.direction).label))
            self.fields[name] = forms.CharField(
                label=f"{indicator.name}（{indicator.unit}）" if indicator.unit else indicator.name,
                required=False,
                max_length=40,
                help_text="；".join(str(r) for r in references),
                widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "form-control"}),
            )
            self.indicator_fields.append((indicator.code, name))
        # File field last on the page.
        self.order_fields([name for _code, name in self.indicator_fields] + ["text_file"])

    def values(self) -> dict[str, str]:
        return {code: self.cleaned_data.get(name, "") for code, name in self.indicator_fields}


class PublishForm(BootstrapFormMixin, forms.Form):
    commitment = forms.BooleanField(
        label=_(
            "本企业承诺：所公开的标准及其核心指标真实、准确、合法，"
            "产品/服务符合所公开的标准，并对公开内容承担责任。"
        ),
        required=False,
    )
    change_note = forms.CharField(label=_("变更说明（修订时填写）"), required=False, max_length=500)


class AbolishForm(BootstrapFormMixin, forms.Form):
    abolished_on = forms.DateField(
        label=_("废止日期"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=100)
    category = forms.CharField(required=False, max_length=32)
    sector = forms.CharField(required=False, max_length=20)
    district = forms.CharField(required=False, max_length=20)
    status = forms.CharField(required=False, max_length=10)
