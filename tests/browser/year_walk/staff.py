"""Bureau staff's year, from the staff desk (待激活企业账户): activate the registrations,
register the agency and its evaluator, approve its key-area application, draw the scheme's
experts and approve it, compile the ranking, take the candidate list through review and public
notice, settle the objection, publish, plan the spot check and record its finding, revoke a
title by hand."""

from .people import Walk, assert_human_words

LANDING = "/staff/registrations/"


def activates_registrations(walk: Walk, *enterprise_names):
    page = walk.page
    for name in enterprise_names:
        row = page.locator("tr", has_text=name)
        row.locator("button:has-text('激活')").click()
        page.wait_for_selector("text=已处理")
        assert page.locator("tr", has_text=name).count() == 0
    page.wait_for_selector("text=没有待处理的注册申请")
    assert_human_words(page)


def registers_agency_and_evaluator(walk: Walk, *, uscc, name, evaluator):
    """评估机构 → 登记评估机构, which opens the agency's page → 添加评估人员 (the invitation
    goes out)."""
    page = walk.page
    walk.open_role_menu("评估机构")
    page.fill("#id_uscc", uscc)
    page.fill("#id_name", name)
    page.select_option("#id_kind", label="标准化技术机构")
    page.fill("#id_contact_email", "office@pinggu.example.cn")
    page.fill("#id_qualifications", "从事家用电器标准化工作二十年，具备能效与噪声检测能力。")
    page.click("main button:has-text('保存')")
    page.wait_for_selector(f"text=评估机构已保存：{name}")  # and its page is open
    page.fill("#id_email", evaluator.email)
    page.fill("#id_name", evaluator.name)
    page.click("main button:has-text('添加')")
    page.wait_for_selector(f"text=设置密码的邀请邮件已发送至 {evaluator.email}")
    assert_human_words(page)


def approves_key_area_application(walk: Walk, agency_name: str):
    page = walk.page
    walk.open_role_menu("重点领域申请")
    row = page.locator("tr", has_text=agency_name)
    row.get_by_role("button", name="批准", exact=True).click()
    page.wait_for_selector("text=没有待审核的申请")
    assert_human_words(page)


def sends_scheme_to_review(walk: Walk, scheme_code: str, *, size: int):
    """评估方案 → the submitted scheme → 抽取专家."""
    page = walk.page
    walk.open_role_menu("评估方案")
    row = page.locator("main tr", has_text=scheme_code)
    assert "已提交" in row.inner_text()
    row.get_by_role("link", name=scheme_code).click()
    page.fill("#id_size", str(size))
    page.click("main button:has-text('抽取专家')")
    page.wait_for_selector(f"text=已抽取 {size} 名专家")
    assert_human_words(page)


def approves_scheme(walk: Walk, scheme_code: str):
    """评估方案 → the scheme after its public comment period → 批准并冻结."""
    page = walk.page
    walk.open_role_menu("评估方案")
    page.locator("main tr", has_text=scheme_code).get_by_role("link", name=scheme_code).click()
    assert page.locator("main", has_text="建议").count() == 1  # the public's comment is shown
    page.click("main button:has-text('批准并冻结')")
    page.wait_for_selector("text=方案已批准并冻结")
    assert_human_words(page)
