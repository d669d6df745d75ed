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
    page.click("main button:has-text('提交异议')")
    page.wait_for_selector("text=异议已提交")
    assert contact not in page.content()
    assert_human_words(page)
