"""Accessibility (docs/accessibility.md): axe-core's WCAG 2.1 A/AA rules on the public pages,
on every page of each role's menu and the page it lands on (the three administrators and the
emergency superuser included), and on every admin page the administrators and bureau staff
can open, in Chinese and in English (switched with the header's button); the result and
ranking tables as stacked cards at 390 px; the favicon.

Every other journey is checked too, in both languages: the `page` fixture runs axe on each
page the journey loads and on the same address in the other language (conftest.PageWatch)."""

from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import PageWatch, axe_problems
from tests.factories.incentives import valid_leader
from tests.factories.lifecycle import ranked_scheme
from tests.factories.world import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROLES = ("ent_a", "eval_a", "expert", "bureau", "partner", "admin", "sysadm", "secadm", "audadm")


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
        landing = page.url  # administrators land on Django's admin site
        page.goto("/")
        # The role's menu (its admin pages: test_the_admin_pages_pass_axe_…), the inbox and
        # the page the role lands on.
        menu = hrefs(page, "#mainnav .dropdown-menu a")
        urls = [urlsplit(landing).path, *(url for url in menu if not url.startswith("/admin/"))]
        urls += hrefs(page, "#mainnav a.btn[href]")  # last: a page with the language button
        assert urls, f"{role} has no menu"
        visit_each(page, assert_accessible, urls)
        switch_to_english(page)
        visit_each(page, assert_accessible, urls)


def admin_pages(page):
    """The admin pages a signed-in user reaches from the admin's index: each model's list,
    the first object's page of each list and each add page."""
    page.goto("/admin/")
    links = hrefs(page, "#content-main table a[href^='/admin/']")
    lists = [url for url in links if not url.endswith("/add/")]
    urls = ["/admin/", *dict.fromkeys(links)]
    for url in lists:
        page.goto(url)
        urls += hrefs(page, "#result_list tbody tr:first-child a[href^='/admin/']")[:1]
    return list(dict.fromkeys(urls))


# Who opens the admin's pages in which language: the emergency superuser opens every one in
# Chinese and the system administrator, who opens nearly every one, in English (both at once
# would take ten minutes); the security and audit administrators and bureau staff open theirs
# in both.
ADMIN_VISITS = {
    "admin": ("zh-hans",),
    "sysadm": ("en",),
    "secadm": ("zh-hans", "en"),
    "audadm": ("zh-hans", "en"),
    "bureau": ("zh-hans", "en"),
}


@pytest.mark.parametrize("role", ADMIN_VISITS)
def test_the_admin_pages_pass_axe(page, login, assert_accessible, role):
    """Every page of the admin a role can open from its index: lists, one object each, add
    pages."""
    world = build_world()
    login(world.users[role])
    urls = admin_pages(page)
    assert len(urls) >= (30 if role in ("admin", "sysadm") else 2), urls
    for language in ADMIN_VISITS[role]:
        if language == "en":
            page.goto("/")
            switch_to_english(page)
        visit_each(page, assert_accessible, urls)
        assert page.locator("html").get_attribute("lang") == language


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
        labels = page.eval_on_selector_all(
            "tbody tr:first-child td",
            "cells => cells.map(td => getComputedStyle(td, '::before').content)",
        )
        assert all(text not in ("none", '""') for text in labels), (url, labels)
        assert page.locator("thead").bounding_box()["height"] <= 1, url  # kept for readers


def test_a_table_wider_than_a_phone_scrolls_from_the_keyboard(page, assert_accessible):
    """Tables that stay tables on a phone (a scheme's criteria) scroll sideways in a box that
    takes focus and has a name (axe scrollable-region-focusable); at desktop width the same
    box fits and stays out of the tab order."""
    scheme = ranked_scheme(entrants=3)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/schemes/{scheme.scheme_code}/")
    assert_accessible()
    box = page.locator(".table-responsive").first
    assert box.get_attribute("tabindex") == "0" and box.get_attribute("aria-label")
    box.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('.table-responsive').scrollLeft > 0")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.wait_for_function("() => !document.querySelector('.table-responsive[tabindex]')")


def test_the_favicon_is_served(page):
    page.goto("/")
    icon = page.locator("link[rel=icon]").get_attribute("href")
    response = page.request.get(icon)
    assert response.ok and "svg" in response.headers["content-type"]


def test_every_page_a_journey_loads_is_checked_in_both_languages(page, live_server):
    page.goto("/standards/")
    watch = page.watch  # any use of the journey's page first checks the page it loaded
    assert watch.loaded is None
    assert watch.other_language_checked == {f"{live_server.url}/standards/"}
    assert watch._helper.locator("html").get_attribute("lang") == "en"
    page.goto("/standards/")  # the same address again: axe in Chinese only
    page.title()
    assert watch.other_language_checked == {f"{live_server.url}/standards/"}


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
