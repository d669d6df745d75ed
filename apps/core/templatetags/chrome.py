"""`{% chrome "name" value ... %}...{% endchrome %}`: the site chrome, rendered once per process.

The navigation, head links and footer of every page depend on nothing but the code, the
compiled translations, the active language and the few values a fragment names; yet rendering
them (URL reversing, static-file manifest look-ups, translation look-ups) cost about a quarter
of an uncached page such as a standard's detail page (docs/benchmarks.md). This tag renders its
content the first time for a (name, language, values...) key and then reuses that text for as
long as the process runs: a deploy, which changes code and translations, starts new processes.

What goes inside must not depend on anything else: never the user, the CSRF token, the request
path or messages. Entries are kept in process memory (a dict: no round trip, no pickling),
bounded by MAX_ENTRIES; a changed setting (tests' override_settings) forgets them all. A
fragment whose named values are missing from the context is rendered and not kept.
"""

from __future__ import annotations

from django import template
from django.core.signals import setting_changed
from django.utils import translation

register = template.Library()

MAX_ENTRIES = 1000
_fragments: dict[tuple, str] = {}


def clear(**kwargs) -> None:
    _fragments.clear()


setting_changed.connect(clear, dispatch_uid="apps.core.templatetags.chrome.clear")


class ChromeNode(template.Node):
    def __init__(self, nodelist, name: str, values):
        self.nodelist = nodelist
        self.name = name
        self.values = values

    def render(self, context):
        values = [value.resolve(context, ignore_failures=True) for value in self.values]
        if None in values:
            # A named value is missing (a page rendered without the context processors, such
            # as a bare error page): render, but do not keep what may lack the usual content.
            return self.nodelist.render(context)
        key = (self.name, translation.get_language(), *values)
        fragment = _fragments.get(key)
        if fragment is None:
            fragment = self.nodelist.render(context)
            if len(_fragments) < MAX_ENTRIES:
                _fragments[key] = fragment
        return fragment


@register.tag
def chrome(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("'chrome' takes a fragment name, then any values")
    name = bits[1].strip("\"'")
    nodelist = parser.parse(("endchrome",))
    parser.delete_first_token()
    return ChromeNode(nodelist, name, [parser.compile_filter(bit) for bit in bits[2:]])
