"""The enterprise's year: register, be activated (mail), declare and publish a standard with
its core indicators, read its results and candidacy, apply for an incentive, read the
revocation."""

from tests.factories.declarations import PDF_BYTES

from .people import Person, Walk, assert_human_words

LANDING = "/workspace/standards/"


def registers(walk: Walk, who: Person, *, uscc: str, name: str):
    """From the home page: 企业注册, the form, then the activation mail's link to sign in."""
    page = walk.page
    page.goto("/")
    page.click("nav >> text=企业注册")
    page.fill("#id_uscc", uscc)
    page.fill("#id_enterprise_name", name)
    page.select_option("#id_district", label="海淀区")
    page.fill("#id_contact_name", who.name)
    page.fill("#id_email", who.email)
    page.fill("#id_password1", who.password)
    page.fill("#id_password2", who.password)
    page.check("#id_privacy_consent")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=注册申请已提交")
    assert_human_words(page)


def signs_in_from_activation_mail(walk: Walk, who: Person):
    walk.follow_mail_link(who.email, path_has="/accounts/login")
    page = walk.page
    page.fill("#id_username", who.email)
    page.fill("#id_password", who.password)
    page.click("main button[type=submit]")
    page.wait_for_url(f"**{LANDING}")
    assert_human_words(page)


def declares_and_publishes(walk: Walk, *, standard_no, name, product, values):
    """我的标准 → 声明新标准 → the draft → indicator values and the PDF → the commitment →
    公开."""
    page = walk.page
    page.click("text=声明新标准")
    page.select_option("#id_standard_type", "enterprise")
    page.fill("#id_standard_no", standard_no)
    page.fill("#id_name", name)
    page.select_option("#id_category", label=walk.seen["category_label"])
    page.fill("#id_products", product)
    page.click("button:has-text('保存草稿')")
    page.wait_for_selector("text=已创建草稿")
    for code, value in values.items():
        page.fill(f"#id_value_{code}", value)
    page.set_input_files(
        "#id_text_file",
        {"name": f"{standard_no}.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES},
    )
    page.click("button:has-text('保存指标值和文本')")
    page.wait_for_selector("text=指标值已保存")
    page.check("#id_commitment")
    page.click("#publish-button")
    page.wait_for_selector("text=标准已公开")
    assert_human_words(page)
    walk.open_role_menu("我的标准")
    row = page.locator("#my-standards tr", has_text=standard_no)
    assert "公开" in row.inner_text()


def reads_leader_news(walk: Walk, standard_no: str):
    """我的消息 → 企业消息通知: the 恭喜 message of the publication."""
    page = walk.page
    page.click("nav >> text=我的消息")
    page.click("#enterprise-notices a")
    page.wait_for_selector("main >> text=恭喜")
    assert standard_no in page.inner_text("main")
    assert_human_words(page)


def applies_for_incentive(walk: Walk, programme: str, statement: str):
    """激励政策申请 → 申请 on the programme → the statement and the documents → 提交申请."""
    page = walk.page
    walk.open_role_menu("激励政策申请")
    page.locator("#open-programmes li", has_text=programme).get_by_role("link", name="申请").click()
    page.fill("#id_statement", statement)
    # One file for each document the programme asks for, named as the form labels it.
    uploads = page.locator("main input[type=file]")
    for index in range(uploads.count()):
        field = uploads.nth(index)
        name = page.inner_text(f"label[for='{field.get_attribute('id')}']").strip("：: *")
        field.set_input_files(
            {"name": f"{name}.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES}
        )
    page.click("main button:has-text('提交申请')")
    page.wait_for_selector("text=申请已提交")
    assert_human_words(page)


def reads_incentive_decision(walk: Walk, reason: str):
    page = walk.page
    walk.open_role_menu("激励政策申请")
    page.wait_for_selector("#applications >> text=已通过")
    assert reason in page.inner_text("#applications")
