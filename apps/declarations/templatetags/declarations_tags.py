from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from apps.declarations.selectors import standards_of_enterprise_public
from apps.declarations.validators import decimal_text

register = template.Library()


@register.inclusion_tag("declarations/enterprise_standards.html")
def enterprise_public_standards(enterprise):
    """The public standards of an enterprise, for its public profile page."""
    return {"standards": standards_of_enterprise_public(enterprise)}


_BADGE = {"stricter": "text-bg-success", "equal": "text-bg-secondary"}
_BELOW_BADGE = {"national": "text-bg-danger", "international": "text-bg-warning"}
_ROW = (
    "<tr{danger}>\n"
    '  <td>{name} <small class="text-muted">{code}{unit} · {direction}</small></td>\n'
    "  <td>{value}</td>\n"
    "  <td>{national_value}{mandatory}</td>\n"
    "  <td>{national}</td>\n"
    "  <td>{international_value}</td>\n"
    "  <td>{international}</td>\n"
    "</tr>"
)


def _badge(kind: str, result: str | None, label) -> str:
    if not result:
        return "—"
    css = _BADGE.get(result, _BELOW_BADGE[kind])
    return f'<span class="badge {css}">{escape(label)}</span>'


@register.simple_tag
def benchmark_rows(report):
    """The rows of the benchmarking table (declarations/_benchmark.html), built in Python: on
    the standard's public page, the hottest page at national scale, the same rows as
    template nodes cost about a fifth of the request (docs/benchmarks.md). Every value is
    escaped here."""
    mandatory = f' <small class="text-muted">{escape(gettext("（强制）"))}</small>'
    rows = []
    for row in report.rows:
        indicator = row.indicator
        rows.append(
            _ROW.format(
                danger=' class="table-danger"' if row.violates_mandatory else "",
                name=escape(indicator.name),
                code=escape(indicator.code),
                unit=f" · {escape(indicator.unit)}" if indicator.unit else "",
                direction=escape(indicator.get_direction_display()),
                value=f"<strong>{escape(decimal_text(row.value))}</strong>"
                if row.value is not None
                else '<span class="text-muted">—</span>',
                national_value=escape(decimal_text(indicator.national_value) or "—"),
                mandatory=mandatory if indicator.national_mandatory else "",
                national=_badge("national", row.national, row.national_label),
                international_value=escape(decimal_text(indicator.international_value) or "—"),
                international=_badge("international", row.international, row.international_label),
            )
        )
    return mark_safe("\n".join(rows))
