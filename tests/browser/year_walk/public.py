"""The public's year, never signed in, always from the home page: comment on the scheme,
find the standards, read the ranking, object during the public notice, verify a leader, see a
revoked title."""

from .people import Walk, assert_human_words


def home(walk: Walk):
    walk.page.goto("/")
    assert_human_words(walk.page)


def comments_on_scheme(walk: Walk, scheme_code: str, *, author: str, text: str):
    page = walk.page
    home(walk)
    page.click("nav >> text=评估方案")
    page.click(f"main a:has-text('{scheme_code}')")
    page.fill("#id_author_name", author)
    page.fill("#id_text", text)
    assert "个人信息处理说明" in page.inner_text("#comment-form")
    page.check("#id_privacy_consent")
    page.click("main button:has-text('提交意见')")
    page.wait_for_selector("text=感谢您的意见")
    assert_human_words(page)


def objects_during_notice(walk: Walk, *, category: str, standard_no: str, name, contact, grounds):
    """公示 → the key area's notice → 异议对象 (the candidate by its enterprise and number) →
    提交异议."""
    page = walk.page
    home(walk)
    page.click("nav >> text=公示")
    page.click(f"main a:has-text('{category}')")
    page.wait_for_selector("#notice-period")
    option = page.locator("#id_candidate option", has_text=standard_no)
    page.select_option("#id_candidate", label=option.inner_text().strip())
    page.fill("#id_name", name)
    page.fill("#id_contact", contact)
    page.fill("#id_grounds", grounds)
    page.check("#id_privacy_consent")
    page.click("main button:has-text('提交异议')")
    page.wait_for_selector("text=异议已提交")
    assert contact not in page.content()
    assert_human_words(page)


def verifies_leader(walk: Walk, standard_no: str) -> str:
    """领跑者名单 → the standard → its page answers valid, with the mark; returns the
    verification code printed on it (and on the certificate)."""
    page = walk.page
    home(walk)
    page.click("nav >> text=领跑者名单")
    page.click(f"main tbody a:has-text('{standard_no}')")
    page.wait_for_selector(".leader-mark")
    assert "称号有效" in page.inner_text("#verification")
    assert_human_words(page)
    return page.inner_text("dt:has-text('验证码') + dd code")


def sees_revoked(walk: Walk, standard_no: str, reason_has: str):
    page = walk.page
    home(walk)
    page.click("nav >> text=领跑者名单")
    row = page.locator("main tbody tr", has_text=standard_no)
    assert "已撤销" in row.inner_text()
    row.locator(f"a:has-text('{standard_no}')").click()
    verdict = page.inner_text("#verification")
    assert "已撤销" in verdict and reason_has in verdict
    assert page.locator(".leader-mark").count() == 0
    assert_human_words(page)


def reads_revocation_announcement(walk: Walk, enterprise_name: str):
    page = walk.page
    home(walk)
    page.click("nav >> text=新闻公告")
    page.click(f"main a:has-text('关于撤销'):has-text('{enterprise_name}')")
    page.wait_for_selector("h1")
    assert_human_words(page)
