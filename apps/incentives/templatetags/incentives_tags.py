from django import template

from apps.incentives.models import EnterprisePilot

register = template.Library()


@register.inclusion_tag("incentives/_enterprise_pilots.html")
def enterprise_pilots(enterprise):
    """The pilot and campaign tags of an enterprise, each linking to the filtered list."""
    return {"pilots": list(EnterprisePilot.objects.filter(enterprise=enterprise).order_by("tag"))}
