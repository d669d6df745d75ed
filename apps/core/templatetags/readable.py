from django import template

from apps.core import formatting

register = template.Library()


@register.filter
def plain_number(value):
    """A decimal as people write it: 4.4, not 4.400000."""
    return formatting.plain_number(value)


@register.simple_tag
def history_rows(entries):
    return formatting.describe(entries)
