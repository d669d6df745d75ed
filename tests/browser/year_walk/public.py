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
