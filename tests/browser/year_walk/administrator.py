"""The administrator's year end, in the admin site they land on: the audit log answers who
revoked the titles (in words), and the user list shows the year's new accounts."""

from .people import Person, Walk

LANDING = "/admin/"


def reviews_the_year(walk: Walk, who: Person, *, revoked: list[str], accounts: list[str]):
    page = walk.page
    walk.sign_in(who, LANDING)
    page.click("#content-main a:has-text('审计记录')")
    for standard_no in revoked:
        page.fill("#searchbar", standard_no)
        page.press("#searchbar", "Enter")
        rows = page.locator("#result_list tbody tr", has_text=standard_no)
        assert rows.filter(has_text="撤销").count() >= 1, standard_no
        assert "leader.revoke" not in page.inner_text("#result_list")  # the action in words
    page.click(".breadcrumbs a >> nth=0")
    page.click("#content-main a:has-text('用户') >> nth=0")
    for email in accounts:
        page.fill("#searchbar", email)
        page.press("#searchbar", "Enter")
        page.wait_for_selector(f"#result_list a:has-text('{email}')")
    page.click("#logout-form button")
    page.wait_for_load_state()
