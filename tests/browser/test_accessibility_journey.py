"""Accessibility (docs/accessibility.md): axe-core's WCAG 2.1 A/AA rules on the public pages
and on every page of each role's menu, in Chinese and in English (switched with the header's
button); the result and ranking tables as stacked cards at 390 px; the favicon.

Every other journey is checked too: the `page` fixture runs axe after each page load."""

import pytest

from tests.browser.conftest import PageWatch, axe_problems
from tests.factories.incentives import valid_leader
from tests.factories.lifecycle import ranked_scheme
from tests.factories.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = ("ent_a", "eval_a", "expert", "bureau", "partner", "admin")


def hrefs(page, selector):
    return page.eval_on_selector_all(selector, "links => links.map(a => a.getAttribute('href'))")


def visit_each(page, assert_accessible, urls):
    for url in urls:
        response = page.goto(url)
        assert response.ok, f"{url} answered {response.status}"
        assert_accessible()


def switch_to_english(page):
    page.click("button[name=language][value=en]")
    page.wait_for_selector("html[lang=en]")


def test_public_pages_pass_axe_in_chinese_and_english(page, assert_accessible):
    scheme = ranked_scheme(entrants=3)
    leader = valid_leader()
    page.goto("/")
    urls = [
        "/",
        *hrefs(page, "#mainnav .navbar-nav > .nav-item > a.nav-link"),
        f"/standards/?q={leader.standard.standard_no}",
        f"/standards/{leader.standard.pk}/",
        f"/rankings/{scheme.scheme_code}/",
        f"/leaders/{leader.verification_code}/",
        *hrefs(page, "#mainnav a.btn"),  # sign in, register
    ]
    assert len(urls) >= 12
    visit_each(page, assert_accessible, urls)

    page.goto("/")
    switch_to_english(page)
    visit_each(page, assert_accessible, urls)
    assert page.locator("html").get_attribute("lang") == "en"


def test_each_roles_pages_pass_axe_in_chinese_and_english(page, login, assert_accessible):
    world = build_world()
    for role in ROLES:
        page.context.clear_cookies()
        login(world.users[role])
        assert "/accounts/login/" not in page.url, f"{role} could not sign in"
        page.goto("/")  # administrators land on Django's admin site, which has no portal menu
        # The role's menu, less Django's own admin site; plus the personal inbox.
        menu = hrefs(page, "#mainnav .dropdown-menu a")
        urls = [url for url in menu if not url.startswith("/admin/")]
        urls += hrefs(page, "#mainnav a.btn[href]")
        assert urls, f"{role} has no menu"
        visit_each(page, assert_accessible, urls)
        switch_to_english(page)
        visit_each(page, assert_accessible, urls)


def test_result_tables_stack_as_cards_on_a_phone(page, assert_accessible):
    scheme = ranked_scheme(entrants=3)
    leader = valid_leader()
    page.set_viewport_size({"width": 390, "height": 844})
    for url, label in (
        (f"/standards/?q={leader.standard.standard_no}", "标准编号"),
        (f"/rankings/{scheme.scheme_code}/", "名次"),
        (f"/leaders/?year={leader.year}", "类别"),
    ):
        page.goto(url)
        assert_accessible()
        # No sideways scrolling, each cell a full-width line labelled by its column.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, url
        cell = page.locator("tbody tr:first-child td").first
        assert cell.bounding_box()["width"] > 300, url
        before = cell.evaluate("td => getComputedStyle(td, '::before').content")
        assert label in before, (url, before)
        assert page.locator("thead").bounding_box()["height"] <= 1, url  # kept for readers


def test_the_favicon_is_served(page):
    page.goto("/")
    icon = page.locator("link[rel=icon]").get_attribute("href")
    response = page.request.get(icon)
    assert response.ok and "svg" in response.headers["content-type"]


def test_the_checks_catch_what_they_should(browser):
    """The harness itself: a low-contrast text, an unlabelled input and a script error."""
    context = browser.new_context()
    try:
        page = context.new_page()
        watch = PageWatch(page)
        watch.axe_on_load = False  # run once, below
        page.set_content(
            '<html lang="en"><head><title>t</title></head><body><main>'
            '<p style="color:#aaa;background:#fff">faint</p><input id="x">'
            "<script>undefined_function()</script></main></body></html>"
        )
        rules = " ".join(axe_problems(page))
        assert "color-contrast (serious)" in rules and "label (critical)" in rules
        assert any("undefined_function" in problem for problem in watch.problems)
    finally:
        context.close()
