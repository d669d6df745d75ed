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
    # The agency's application leaves the list (the demo's own applications may wait on).
    page.locator("tr", has_text=agency_name).first.wait_for(state="detached")
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


def compiles_ranking(walk: Walk, scheme_code: str):
    """排行榜编制 → 编制 on the scheme's row; the job (Celery, eager in tests) shows 已完成;
    the ranking's page lists the entrants as candidates."""
    page = walk.page
    walk.open_role_menu("排行榜编制")
    row = page.locator(f"tr[data-scheme='{scheme_code}']")
    row.locator("button:has-text('编制')").click()
    page.wait_for_selector(f"tr[data-scheme='{scheme_code}'] >> text=已完成")
    assert_human_words(page)
    page.locator(f"tr[data-scheme='{scheme_code}'] a").click()
    page.wait_for_selector("h1:has-text('企业标准排行榜')")
    assert_human_words(page)


def makes_candidate_list_and_draws(walk: Walk, scheme_code: str, *, size: int):
    """候选名单 → 从排行榜生成候选名单 (the scheme by its name) → the list's page →
    抽取专家."""
    page = walk.page
    walk.open_role_menu("候选名单")
    option = page.locator("#id_scheme option", has_text=scheme_code)
    page.select_option("#id_scheme", label=option.inner_text().strip())
    page.click("main button:has-text('生成候选名单')")
    page.wait_for_selector("text=候选名单已生成")
    page.fill("#id_size", str(size))
    page.click("main button:has-text('抽取专家')")
    page.wait_for_selector("#list-status:has-text('专家评审中')")
    assert_human_words(page)


def opens_list(walk: Walk, list_title: str):
    page = walk.page
    walk.open_role_menu("候选名单")
    page.locator("main tr", has_text=list_title).get_by_role("link").first.click()
    page.wait_for_selector("#list-status")
    assert_human_words(page)


def starts_notice(walk: Walk, list_title: str):
    page = walk.page
    opens_list(walk, list_title)
    assert "专家评审通过" in page.inner_text("#list-status")
    page.click("main button:has-text('开始公示')")
    page.wait_for_selector("#list-status:has-text('公示中')")
    assert_human_words(page)


def sends_objection_to_review(walk: Walk, list_title: str, standard_no: str, *, size: int):
    """The list's page → 异议 → the objection → 抽取专家."""
    page = walk.page
    opens_list(walk, list_title)
    page.locator("main tr", has_text=standard_no).get_by_role("link").first.click()
    page.fill("#id_size", str(size))
    page.click("main button:has-text('抽取专家')")
    page.wait_for_selector("#objection-status:has-text('专家评审中')")
    assert_human_words(page)


def records_finding(walk: Walk, list_title: str, standard_no: str, *, outcome: str, finding):
    """The objection's page shows the experts' opinions in their words; the finding form starts
    from their majority; staff write the finding → 登记认定."""
    page = walk.page
    opens_list(walk, list_title)
    page.locator("main tr", has_text=standard_no).get_by_role("link").first.click()
    assert outcome in page.inner_text(".expert-opinion >> nth=0")
    assert page.get_by_role("radio", name=outcome).is_checked()
    page.fill("#id_finding", finding)
    page.click("main button:has-text('登记认定')")
    page.wait_for_selector("text=异议认定已登记")
    assert_human_words(page)


def publishes(walk: Walk, list_title: str):
    page = walk.page
    opens_list(walk, list_title)
    page.click("main button:has-text('发布名单')")
    page.wait_for_selector("text=领跑者名单已发布")
    assert_human_words(page)


def plans_spot_check(walk: Walk, year: int, *, failed_standard: str, passed_standard: str):
    """监督抽查 → next year's draft with the offered seed → the plan → 批准计划 → one leader
    standard passes, the other fails (text inconsistent with the declaration)."""
    page = walk.page
    walk.open_role_menu("监督抽查")
    page.fill("#id_year", str(year))
    page.fill("#id_rate", "0.5")
    page.click("main button:has-text('生成草案')")
    page.wait_for_selector("#commitment")
    assert_human_words(page)
    page.click("main button:has-text('批准计划')")
    page.wait_for_selector(".badge:has-text('已批准')")
    for standard_no, passed in ((passed_standard, "1"), (failed_standard, "0")):
        row = page.locator("main tr", has_text=standard_no)
        assert "领跑者标准" in row.inner_text()
        row.locator("select[name=passed]").select_option(passed)
        if passed == "0":
            row.get_by_label("标准文本与声明内容不一致").check()
        row.locator("button:has-text('登记')").click()
        page.wait_for_selector("text=已登记检查结果")
    assert_human_words(page)


def revokes_by_hand(walk: Walk, standard_no: str, reason: str):
    """领跑者称号 → search by the standard number → the title → the reason → 下一步：确认撤销 →
    the confirmation → 确认撤销."""
    page = walk.page
    walk.open_role_menu("领跑者称号")
    page.fill("#id_q", standard_no)
    page.click("main button:has-text('查询')")
    page.get_by_role("link", name=standard_no).click()
    page.fill("#id_reason", reason)
    page.click("main button:has-text('下一步：确认撤销')")
    page.wait_for_selector("#revocation-reason-preview")
    page.check("#id_confirm")
    page.click("main button:has-text('确认撤销')")
    page.wait_for_selector("text=领跑者称号已撤销")
    assert "已撤销" in page.inner_text("#leader-status")
    assert_human_words(page)
