"""The admin speaks as the portal's pages do (docs/translations.md, "Human words"): numbers
without trailing zeros (4.4, not 4.400000), yes and no in words for screen readers (Django's
icons say "True" and "False"), the labels of a list of choices, JSON through the shared
formatter. Every ModelAdmin and inline registered on the site derives from
`ReadableAdminMixin` (tests/core/test_admin_readable.py checks each one).

Django formats a model field's value in one private place (`admin.utils.display_for_field`),
for list columns and for read-only fields alike. The mixin leaves it alone: it swaps such a
field, wherever it is shown read-only or in a list, for a display function of the same name
(so its CSS class, label and help text stay the field's), and gives decimal inputs a widget
that writes the number as people do."""

from __future__ import annotations

from functools import cache
from pathlib import PurePosixPath

from django import forms
from django.contrib import admin
from django.contrib.admin import widgets
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.forms.models import BaseInlineFormSet
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from apps.core.formatting import plain_number, plain_value

EMPTY = "-"  # the admin's own mark for an empty value


class PlainNumberInput(forms.NumberInput):
    """A decimal input that shows 60, not 60.000000."""

    def format_value(self, value):
        text = plain_number(value)
        return text or None


class LabelledSplitDateTime(widgets.AdminSplitDateTime):
    """The admin's date and time inputs, each with a label of its own."""

    template_name = "core/widgets/split_datetime.html"


def yes_no_icon(value) -> str:
    """Django's yes/no/unknown icon with its alternative text in the reader's language."""
    icon, words = {True: ("yes", _("是")), False: ("no", _("否")), None: ("unknown", _("未知"))}[
        None if value is None else bool(value)
    ]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), words)


def _formatter(field):
    """How a value of `field` reads, or None when Django already shows it in words."""
    if isinstance(field, ArrayField):
        labels = dict(field.base_field.flatchoices) if field.base_field.choices else {}
        return lambda values: "、".join(str(labels.get(v, plain_value(v))) for v in values or [])
    if getattr(field, "choices", None):
        return None  # Django shows the choice's label
    if isinstance(field, models.BooleanField):
        return yes_no_icon
    if isinstance(field, models.DecimalField):
        return plain_number
    if isinstance(field, models.JSONField):
        return plain_value
    if isinstance(field, models.FileField):
        return _uploaded
    return None


def _uploaded(file) -> str:
    """A stored file by what it is, not by its storage path (a random name under an id);
    the pages that may hand it out link to it."""
    extension = PurePosixPath(file.name).suffix.lstrip(".").upper()
    return str(_("已上传（%(type)s）") % {"type": extension}) if extension else str(_("已上传"))


@cache
def readable_column(model, name):
    """The display function standing in for `model`'s field `name`, or `name` itself when
    the field needs none. One function per field, so that every list Django compares holds
    the same object."""
    if not isinstance(name, str):
        return name
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    formatter = _formatter(field) if getattr(field, "concrete", False) else None
    if formatter is None:
        return name

    def display(obj):
        value = getattr(obj, field.attname)
        if value is None and not isinstance(field, models.BooleanField):
            return EMPTY
        return formatter(value) if value not in ("", [], {}) else EMPTY

    display.__name__ = name
    display.short_description = field.verbose_name
    display.admin_order_field = name
    return display


def readable_columns(model, names) -> list:
    """`names` (list columns, read-only fields) with a display function wherever a field
    needs one. An admin that computes its read-only fields returns them through this."""
    return [readable_column(model, name) for name in names]


def _map_fieldsets(model, fieldsets, wanted) -> list:
    def map_names(names):
        return [
            map_names(name) if isinstance(name, (list, tuple)) else _one(name) for name in names
        ]

    def _one(name):
        return readable_column(model, name) if name in wanted else name

    return [
        (title, {**options, "fields": map_names(options["fields"])}) for title, options in fieldsets
    ]


class ReadableAdminMixin:
    """For a ModelAdmin (first among its bases) or an inline: list columns and read-only
    fields in the reader's words."""

    formfield_overrides = {
        models.DecimalField: {"widget": PlainNumberInput},
        models.DateTimeField: {"widget": LabelledSplitDateTime},
    }

    def _all_read_only(self, request, obj) -> bool:
        """Whether Django shows every field read-only (the change page of a reader who may
        not change it; an inline's rows when its parent or the rows may not change)."""
        if obj is None:
            return False
        if not self.has_change_permission(request, obj):
            return True
        parent_model = getattr(self, "parent_model", None)
        parent = self.admin_site._registry.get(parent_model) if parent_model else None
        return parent is not None and not parent.has_change_permission(request, obj)

    def get_list_display(self, request):
        editable = set(getattr(self, "list_editable", ()))
        return [
            name if name in editable else readable_column(self.model, name)
            for name in super().get_list_display(request)
        ]

    def get_readonly_fields(self, request, obj=None):
        return readable_columns(self.model, super().get_readonly_fields(request, obj))

    def get_exclude(self, request, obj=None):
        # Django leaves read-only fields out of the form by their names; a display function
        # standing in for one is not its name, so name it here.
        standing_in = [
            name.__name__ for name in self.get_readonly_fields(request, obj) if callable(name)
        ]
        excluded = super().get_exclude(request, obj)
        if not standing_in:
            return excluded
        if excluded is None:  # Django then reads the form's own Meta.exclude: keep it
            excluded = getattr(getattr(self.form, "_meta", None), "exclude", None) or []
        return [*excluded, *standing_in]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self._all_read_only(request, obj):
            wanted = set(flatten_fieldsets(fieldsets))
        else:
            wanted = {
                getattr(name, "__name__", name) for name in self.get_readonly_fields(request, obj)
            }
        return _map_fieldsets(self.model, fieldsets, wanted)

    # A display function is never a form field: read-only fields are left out of the form,
    # and on a page shown read-only every field is.

    def get_form(self, request, obj=None, change=False, **kwargs):
        if kwargs.get("fields") is not None:
            kwargs["fields"] = _names(kwargs["fields"])
        return super().get_form(request, obj, change=change, **kwargs)

    def get_formset(self, request, obj=None, **kwargs):
        if "fields" not in kwargs:
            kwargs["fields"] = flatten_fieldsets(self.get_fieldsets(request, obj))
        if kwargs["fields"] is not None:
            kwargs["fields"] = _names(kwargs["fields"])
        return super().get_formset(request, obj, **kwargs)


def _names(fields) -> list[str]:
    return [name for name in fields if isinstance(name, str)]


class ReadableModelAdmin(ReadableAdminMixin, admin.ModelAdmin):
    """A ModelAdmin that speaks as the pages do (see the module docstring)."""


class NamedRowsFormSet(BaseInlineFormSet):
    """An inline table's rows: Django heads each column but gives the inputs under it no
    label, so each input is named by its column (and the delete box by "删除")."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        for field in form.fields.values():
            if not field.widget.is_hidden and field.label:
                field.widget.attrs.setdefault("aria-label", str(field.label))


class ReadableTabularInline(ReadableAdminMixin, admin.TabularInline):
    """An inline table that speaks as the pages do, its inputs named."""

    formset = NamedRowsFormSet
