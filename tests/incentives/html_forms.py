"""Read the forms a page renders, so a test posts exactly the fields a person would."""

from html.parser import HTMLParser


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {
                "action": attrs.get("action") or "",
                "method": (attrs.get("method") or "get").lower(),
                "fields": [],
            }
            return
        if self._form is None:
            return
        if tag == "input" and attrs.get("name"):
            self._form["fields"].append(
                {
                    "name": attrs["name"],
                    "type": (attrs.get("type") or "text").lower(),
                    "value": attrs.get("value") or "",
                    "checked": "checked" in attrs,
                }
            )
        elif tag == "select" and attrs.get("name"):
            self._select = {"name": attrs["name"], "type": "select", "options": [], "value": ""}
            self._form["fields"].append(self._select)
        elif tag == "option" and self._select is not None:
            value = attrs.get("value") or ""
            self._select["options"].append(value)
            if "selected" in attrs:
                self._select["value"] = value
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = {"name": attrs["name"], "type": "textarea", "value": ""}
            self._form["fields"].append(self._textarea)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["value"] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None


def forms_of(response) -> list[dict]:
    parser = _Forms()
    parser.feed(response.content.decode())
    return parser.forms


def form_with(response, *, action: str) -> dict:
    """The one form of the page posting to `action`."""
    found = [form for form in forms_of(response) if form["action"] == action]
    assert len(found) == 1, (action, [form["action"] for form in forms_of(response)])
    return found[0]


def fill(form: dict, **values) -> dict:
    """The data the browser would send: the rendered values, with `values` typed or chosen by
    the person. A radio, select or checkbox value must be one the page offers."""
    data: dict[str, str] = {}
    names = {field["name"] for field in form["fields"]}
    unknown = set(values) - names
    assert not unknown, f"the form has no field {unknown}"
    for field in form["fields"]:
        name, kind = field["name"], field["type"]
        if kind in ("radio", "checkbox"):
            if name in values:
                offered = [f["value"] for f in form["fields"] if f["name"] == name]
                assert values[name] in offered, (name, values[name], offered)
                data[name] = values[name]
            elif field["checked"]:
                data[name] = field["value"] or "on"
        elif kind == "select":
            if name in values:
                assert values[name] in field["options"], (name, values[name], field["options"])
            data[name] = values.get(name, field["value"])
        elif kind in ("submit", "button"):
            continue
        else:
            if name in values and kind == "hidden":
                raise AssertionError(f"{name} is hidden: a person does not type it")
            data[name] = values.get(name, field["value"])
    return data
