from django import template

from apps.declarations.selectors import standards_of_enterprise_public
from apps.declarations.validators import decimal_text

register = template.Library()


@register.inclusion_tag("declarations/enterprise_standards.html")
def enterprise_public_standards(enterprise):
    """The public standards of an enterprise, for its public profile page."""
    return {"standards": standards_of_enterprise_public(enterprise)}


@register.filter
def plain_decimal(value) -> str:
    return decimal_text(value)
