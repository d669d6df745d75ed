from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.forms import BootstrapFormMixin
from apps.incentives.documents import MAX_DOCUMENT_BYTES
from apps.incentives.enums import PilotTag


class ApplicationForm(BootstrapFormMixin, forms.Form):
    """Built per programme: the qualifying titles to choose from and one file field per
    required document (`document_0`, `document_1`, ... in the programme's order)."""

    leader = forms.TypedChoiceField(label=_("依据的领跑者称号"), coerce=int)
    statement = forms.CharField(
        label=_("申请说明"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, *args, programme, leaders, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.leaders = {leader.pk: leader for leader in leaders}
        if programme.requires_active_leader:
            self.fields["leader"].choices = [
                (
                    leader.pk,
                    f"{leader.year} · {leader.category.name} · {leader.standard.standard_no}",
                )
                for leader in leaders
            ]
        else:
            del self.fields["leader"]
        for index, name in enumerate(programme.required_documents):
            self.fields[f"document_{index}"] = forms.FileField(
                label=name,
                help_text=_("PDF、PNG 或 JPEG，不超过 %(mb)d MB")
                % {"mb": MAX_DOCUMENT_BYTES // (1024 * 1024)},
                widget=forms.ClearableFileInput(
                    attrs={"accept": ".pdf,.png,.jpg,.jpeg,application/pdf,image/*"}
                ),
            )
        # The mixin styled the fields present at its __init__; style the added ones too.
        for name in self.fields:
            if name.startswith("document_"):
                self.fields[name].widget.attrs["class"] = "form-control"

    def documents(self) -> dict:
        return {
            name: self.cleaned_data[f"document_{index}"]
            for index, name in enumerate(self.programme.required_documents)
        }

    def chosen_leader(self):
        return self.leaders.get(self.cleaned_data.get("leader"))


class DecisionForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("处理结果"),
        choices=[("approved", _("通过")), ("refused", _("不通过"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("处理意见"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class TokenForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(
        label=_("用途"),
        max_length=100,
        widget=forms.TextInput(
            attrs={"placeholder": _("令牌用途，如“信贷审批系统”"), "aria-label": _("令牌用途")}
        ),
    )


class EnterpriseSearchForm(forms.Form):
    q = forms.CharField(
        label=_("企业名称或统一社会信用代码"),
        max_length=100,
        required=False,
        widget=forms.TextInput(
            attrs={"class": "form-control", "placeholder": _("如：领跑示范 或 91110108")}
        ),
    )


class PilotTagForm(BootstrapFormMixin, forms.Form):
    """Tag one enterprise found by the search: the enterprise travels as its USCC in a hidden
    field, so nobody types an id. `auto_id` keeps the ids unique with one form per result."""

    enterprise = forms.CharField(label=_("企业"), widget=forms.HiddenInput, max_length=18)
    q = forms.CharField(label=_("查询"), widget=forms.HiddenInput, max_length=100, required=False)
    tag = forms.ChoiceField(label=_("试点/行动"), choices=[("", "---------"), *PilotTag.choices])
    since = forms.IntegerField(label=_("起始年度"), min_value=2000, max_value=2100, required=False)
    note = forms.CharField(label=_("说明"), max_length=300, required=False)

    def __init__(self, *args, uscc: str = "", query: str = "", **kwargs):
        kwargs.setdefault("auto_id", f"id_%s_{uscc}" if uscc else "id_%s")
        kwargs.setdefault("initial", {"enterprise": uscc, "q": query})
        super().__init__(*args, **kwargs)
