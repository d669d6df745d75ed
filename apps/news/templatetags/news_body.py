"""News bodies are plain text: paragraphs, and web addresses as links. A link to another site
is marked visibly ("外部链接") and opened with rel="noopener noreferrer nofollow", so a reader
knows they are leaving the government portal and the other site learns nothing of the page."""

import re
from urllib.parse import urlsplit

from django import template
from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()

# An http(s) address up to whitespace, markup characters or full-width punctuation.
URL = re.compile(r"https?://[^\s<>\"'，。；：！？、）》」】]+", re.IGNORECASE)
TRAILING = ".,;:!?)]"


def _own_hosts() -> set[str]:
    hosts = {urlsplit(settings.PORTAL_BASE_URL).hostname or ""}
    hosts.update(host.lstrip(".") for host in settings.ALLOWED_HOSTS if host != "*")
    return {host.lower() for host in hosts if host}


def _link(url: str, own: set[str]) -> str:
    host = (urlsplit(url).hostname or "").lower()
    if host in own:
        return f'<a href="{escape(url)}">{escape(url)}</a>'
    return (
        f'<a href="{escape(url)}" rel="noopener noreferrer nofollow">{escape(url)}</a>'
        f' <span class="badge text-bg-secondary">{escape(_("外部链接"))}</span>'
    )


def _paragraph(text: str, own: set[str]) -> str:
    out, position = [], 0
    for match in URL.finditer(text):
        url = match.group(0).rstrip(TRAILING)
        end = match.start() + len(url)
        out.append(escape(text[position : match.start()]))
        out.append(_link(url, own))
        position = end
    out.append(escape(text[position:]))
    return "<br>".join("".join(out).split("\n"))


@register.filter
def news_body(text: str) -> str:
    """Escaped paragraphs (blank line) and line breaks, with addresses linked."""
    own = _own_hosts()
    paragraphs = [p.strip("\n") for p in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n"))]
    return mark_safe("".join(f"<p>{_paragraph(p, own)}</p>" for p in paragraphs if p.strip()))
