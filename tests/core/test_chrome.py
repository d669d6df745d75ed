"""The site chrome rendered once per process ({% chrome %}, apps/core/templatetags/chrome.py)."""

import re

import pytest
from django.template import engines
from django.urls import reverse
from django.utils import translation

from apps.core.templatetags import chrome

pytestmark = pytest.mark.django_db

COUNTER = "{% load chrome %}{% chrome 'test' key %}{{ counter.next }}{% endchrome %}"


class Counter:
    def __init__(self):
        self.calls = 0

    def next(self):
        self.calls += 1
        return self.calls


@pytest.fixture(autouse=True)
def _fresh():
    chrome.clear()
    yield
    chrome.clear()


def render(source, **context):
    return engines["django"].from_string(source).render(context)


def test_fragment_is_rendered_once_per_key_and_language():
    counter = Counter()
    assert render(COUNTER, counter=counter, key="a") == "1"
    assert render(COUNTER, counter=counter, key="a") == "1"
    assert render(COUNTER, counter=counter, key="b") == "2"
    with translation.override("en"):
        assert render(COUNTER, counter=counter, key="a") == "3"
    assert counter.calls == 3


def test_fragment_with_a_missing_value_is_not_kept():
    counter = Counter()
    assert render(COUNTER, counter=counter) == "1"
    assert render(COUNTER, counter=counter) == "2"


def test_changed_setting_forgets_fragments(settings):
    counter = Counter()
    render(COUNTER, counter=counter, key="a")
    settings.STATIC_URL = "/assets/"
    assert render(COUNTER, counter=counter, key="a") == "2"


def _active(page: str) -> list[str]:
    return re.findall(r'nav-link text-nowrap active" href="([^"]+)"', page)


def test_navigation_marks_the_section_of_each_page(client):
    """Pages of different sections, in both languages, each with its own active item and
    the visitor's own CSRF token and return path (never part of the cached chrome)."""
    for language in ("zh-hans", "en"):
        client.cookies["django_language"] = language
        for url, active in [
            (reverse("declarations:search"), [reverse("declarations:search")]),
            (reverse("leaders:rankings"), [reverse("leaders:rankings")]),
            (reverse("portal:home"), []),
            (reverse("declarations:search") + "?q=x", [reverse("declarations:search")]),
        ]:
            page = client.get(url).content.decode()
            assert _active(page) == active
            assert f'name="next" type="hidden" value="{url.replace("&", "&amp;")}"' in page
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
            assert client.cookies["csrftoken"].value  # the token belongs to this visitor
            assert len(token) == 64
        assert ("English" in page) == (language == "zh-hans")


def test_signed_in_user_sees_own_menu_not_the_anonymous_one(client, enterprise_user):
    anonymous = client.get(reverse("declarations:search")).content.decode()
    assert reverse("login") in anonymous
    client.force_login(enterprise_user)
    page = client.get(reverse("declarations:search")).content.decode()
    assert enterprise_user.email in page
    assert reverse("declarations:workspace") in page
    assert f'href="{reverse("login")}"' not in page
