"""The administrators' year end, in the admin site they land on (三员分立): the audit
administrator's audit log answers who revoked the titles (in words), and the system
administrator's user list shows the year's new accounts."""

from .people import Person, Walk

LANDING = "/admin/"
AUDIT_LANDING = "/admin/core/auditentry/"


def audit_reads_revocations(walk: Walk, who: Person, *, revoked: list[str]):
    page = walk.page
    walk.sign_in(who, AUDIT_LANDING)
    for standard_no in revoked:
        page.fill("#searchbar", standard_no)
        page.press("#searchbar", "Enter")
        rows = page.locator("#result_list tbody tr", has_text=standard_no)
        assert rows.filter(has_text="撤销").count() >= 1, standard_no
        assert "leader.revoke" not in page.inner_text("#result_list")  # the action in words
    sign_out_of_admin(walk)


def system_admin_finds_accounts(walk: Walk, who: Person, *, accounts: list[str]):
    page = walk.page
    walk.sign_in(who, LANDING)
    page.click("#content-main a:has-text('用户') >> nth=0")
    for email in accounts:
        page.fill("#searchbar", email)
        page.press("#searchbar", "Enter")
        page.wait_for_selector(f"#result_list a:has-text('{email}')")
    sign_out_of_admin(walk)


def sign_out_of_admin(walk: Walk):
    walk.page.click("#logout-form button")
    walk.page.wait_for_load_state()
