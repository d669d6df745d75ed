"""The partner's second path (the first, approving an application, is in
test_incentives_journey.py): a token for the active-leader feed, the feed read with it by
another system, the token revoked."""

import pytest

from tests.factories.incentives import partner_user, valid_leader

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_partner_issues_a_token_reads_the_feed_and_revokes_it(page, login, browser, live_server):
    leader = valid_leader()
    partner = partner_user()

    login(partner)
    page.goto("/partner/")
    page.wait_for_selector("h1:has-text('合作机构工作台')")
    page.fill("#id_name", "信贷审批系统")
    page.click("button:has-text('创建令牌')")
    key = page.inner_text("#new-token code")

    # Another system reads the feed with the key, without the browser's session.
    system = browser.new_context()  # no session cookie: only the key
    api = system.request
    assert api.get(f"{live_server.url}/api/v1/partner/leaders/").status == 401
    headers = {"Authorization": f"Token {key}"}
    feed = api.get(f"{live_server.url}/api/v1/partner/leaders/", headers=headers)
    assert feed.ok
    assert leader.verification_code in feed.text()

    # Revoked, the key no longer opens the feed.
    page.reload()
    assert page.locator("#new-token").count() == 0  # the key is shown once
    page.click("button:has-text('撤销')")
    page.wait_for_selector("text=令牌已撤销")
    feed = api.get(f"{live_server.url}/api/v1/partner/leaders/", headers=headers)
    assert feed.status == 401
    system.close()
