"""Submit a form the way a person does: GET the page, find the rendered form, fill only the
fields it has, press one of its buttons. A test that posts a field the page does not render
(or a choice it does not offer) fails here instead of passing against a form nobody sees."""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin


@dataclass
class Form:
    action: str
    hidden: dict = field(default_factory=dict)
    # name -> input kind ("text", "textarea", "select", "radio", "checkbox", ...)
    fields: dict = field(default_factory=dict)
    # name -> the values a radio group, checkbox or select offers
    choices: dict = field(default_factory=dict)
    # name -> the value checked as rendered (radios and checkboxes)
    checked: dict = field(default_factory=dict)
    # (name, value) of every submit button
    buttons: list = field(default_factory=list)
    text: str = ""


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "get").lower() == "post":
            self._form = Form(action=attrs.get("action") or "")
            return
        form = self._form
        if form is None:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind == "hidden":
                form.hidden[name] = attrs.get("value") or ""
            elif kind == "submit":
                form.buttons.append((name, attrs.get("value") or ""))
            else:
                form.fields[name] = kind
                if kind in ("radio", "checkbox"):
                    form.choices.setdefault(name, []).append(attrs.get("value") or "on")
                    if "checked" in attrs:
                        form.checked[name] = attrs.get("value") or "on"
        elif tag == "textarea" and name:
            form.fields[name] = "textarea"
        elif tag == "select" and name:
            form.fields[name] = "select"
            form.choices[name] = []
            self._select = name
        elif tag == "option" and self._select:
            form.choices[self._select].append(attrs.get("value") or "")
        elif tag == "button" and (attrs.get("type") or "submit").lower() == "submit":
            form.buttons.append((name, attrs.get("value") or ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None

    def handle_data(self, data):
        if self._form is not None:
            self._form.text += data


def forms_of(html: str) -> list[Form]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def submit(client, url: str, fill: dict, *, button: str | tuple | None = None, follow=False):
    """GET `url`, pick the POST form that has every field of `fill` (and the button, given by
    its value or as (name, value)), post it with `fill` over its hidden fields."""
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    return submit_rendered(client, url, page.content.decode(), fill, button=button, follow=follow)


def submit_rendered(client, url, html, fill, *, button=None, follow=False):
    """As `submit`, for a page already in hand (e.g. a confirmation step)."""
    candidates = []
    for form in forms_of(html):
        if not all(name in form.fields or name in form.hidden for name in fill):
            continue
        pressed = _button(form, button)
        if button is not None and pressed is None:
            continue
        candidates.append((form, pressed))
    assert candidates, f"no rendered form on {url} has the fields {sorted(fill)} and {button}"
    form, pressed = candidates[0]
    data = dict(form.hidden)
    for name, value in fill.items():
        if name in form.choices:
            offered = form.choices[name]
            values = value if isinstance(value, list) else [value]
            assert all(str(v) in offered for v in values), (name, value, offered)
        data[name] = value
    if pressed and pressed[0]:
        data[pressed[0]] = pressed[1]
    return client.post(urljoin(url, form.action) if form.action else url, data, follow=follow)


def _button(form: Form, button):
    if button is None:
        return form.buttons[0] if form.buttons else None
    for name, value in form.buttons:
        if (name, value) == button or value == button:
            return (name, value)
    return None
