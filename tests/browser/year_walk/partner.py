"""The partner's year: the bank's officer, told by mail of a leader's application, signs in,
lands on the partner desk, reads the application and its documents, and decides it."""

from .people import Person, Walk, assert_human_words

LANDING = "/partner/"


def decides_application(walk: Walk, who: Person, enterprise_name: str, reason: str):
    page = walk.page
    assert walk.mails_to(who.email, f"新的激励申请待审核：{enterprise_name}")
    walk.sign_in(who, LANDING)
    page.click(f"#partner-applications >> text={enterprise_name}")
    with page.expect_download() as download:
        page.click("main a:has-text('营业执照')")
    assert download.value.suggested_filename.endswith(".pdf")
    page.check("input[name=decision][value=approved]")
    page.fill("#id_reason", reason)
    page.click("main button:has-text('提交审核结果')")
    page.wait_for_selector("text=已处理该申请")
    assert_human_words(page)
    walk.sign_out()
