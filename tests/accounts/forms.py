"""Submit the forms a page renders, as a person would: every named input with its rendered
value, plus what the person types."""

import re
from html import unescape
from html.parser import HTMLParser

LINK = re.compile(r"https?://[^\s]+/accounts/(?:invitation|reset)/[^\s]+/")


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms, self._form = [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {
                "action": attrs.get("action") or "",
                "method": (attrs.get("method") or "get").lower(),
                "fields": {},
                "text": "",
            }
        elif self._form is not None and tag in {"input", "textarea", "select"}:
            name = attrs.get("name")
            kind = (attrs.get("type") or tag).lower()
            if name and kind not in {"checkbox", "radio", "submit"}:
                self._form["fields"][name] = attrs.get("value") or ""
            elif name and "checked" in attrs:
                self._form["fields"][name] = attrs.get("value") or "on"

    def handle_data(self, data):
        if self._form is not None:
            self._form["text"] += data

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


def forms_of(response) -> list[dict]:
    parser = _Forms()
    parser.feed(response.content.decode())
    return parser.forms


def form_with(response, *, field: str | None = None, text: str | None = None) -> dict:
    """The page's one POST form that has the input `field` (or whose text contains `text`)."""
    found = [
        form
        for form in forms_of(response)
        if form["method"] == "post"
        and (field is None or field in form["fields"])
        and (text is None or text in form["text"])
    ]
    assert len(found) == 1, f"{len(found)} forms with {field or text!r} on the page"
    return found[0]


def submit(client, response, form: dict, **typed):
    """POST `form` as rendered on `response`'s page, with `typed` values filled in."""
    for name in typed:
        assert name in form["fields"], f"the form has no field {name!r}"
    url = form["action"] or response.wsgi_request.get_full_path()
    return client.post(url, {**form["fields"], **typed})


def mailed_link(message) -> str:
    match = LINK.search(message.body)
    assert match, message.body
    return unescape(match.group(0))
