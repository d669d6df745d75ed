from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class BootstrapFormMixin:
    """Give every widget its Bootstrap 5 class, and mark invalid fields after validation."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(
                widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple, forms.RadioSelect)
            ):
                css = "form-check-input"
            elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


def add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: field errors beside their fields (those
    the form has), the rest at the top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


class PrivacyConsentField(forms.BooleanField):
    """The box a person ticks to agree to the page's privacy notice (`core/privacy.py`); the
    form does not pass without it, and the service records when it was ticked."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("我已阅读并同意本页的《个人信息处理说明》"))
        kwargs.setdefault("required", True)
        super().__init__(**kwargs)
        self.error_messages["required"] = _("请阅读并同意个人信息处理说明后再提交")
