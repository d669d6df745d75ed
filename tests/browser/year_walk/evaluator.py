"""The evaluator's year: accept the invitation from the mail, apply for the key area, write
and submit the scheme, score the entrants once the scheme is approved."""

from .people import Person, Walk, assert_human_words

LANDING = "/workspace/evaluator/"


def accepts_invitation(walk: Walk, who: Person):
    """The invitation mail's link → 设置密码 → sign in → the evaluator workspace."""
    page = walk.page
    walk.follow_mail_link(who.email, path_has="/accounts/invitation/")
    page.fill("#id_new_password1", who.password)
    page.fill("#id_new_password2", who.password)
    page.click("main button:has-text('设置密码')")
    page.wait_for_selector("text=密码已设置")
    page.fill("#id_username", who.email)
    page.fill("#id_password", who.password)
    page.click("main button[type=submit]")
    page.wait_for_url(f"**{LANDING}")
    assert_human_words(page)


def applies_for_key_area(walk: Walk):
    page = walk.page
    page.click("text=申请评估重点领域")
    page.get_by_label(walk.seen["key_area_label"]).check()
    page.fill("#id_qualifications", "承担过国家标准《房间空气调节器能效限定值》的起草。")
    page.click("main button:has-text('提交申请')")
    page.wait_for_url(f"**{LANDING}")
    assert "待审核" in page.inner_text("main")
    assert_human_words(page)


def writes_and_submits_scheme(walk: Walk, *, scheme_code):
    """起草评估方案 → the approved key area → header, each core criterion (the key area's
    indicators, as the form lists them) with weight and thresholds, the two qualitative ones
    → 保存草稿 → 提交评审."""
    page = walk.page
    assert "已批准" in page.inner_text("main")
    page.click("text=起草评估方案")
    page.click(f"text={walk.seen['key_area_label']}")
    page.fill("#id_scheme_code", scheme_code)
    page.fill("#id_name", f"{walk.seen['key_area_label']}企业标准领跑者评估方案")
    page.fill("#id_max_leaders", "3")
    page.fill("#id_min_participants", "2")
    page.fill("#id_notice_days", "5")
    criteria = walk.seen["criteria"]
    for row in range(len(criteria)):
        code = page.input_value(f"#id_criteria-{row}-criterion_code")
        weight, thresholds = criteria[code]
        page.fill(f"#id_criteria-{row}-weight", weight)
        for field, value in zip(("baseline", "advanced", "leading"), thresholds, strict=True):
            page.fill(f"#id_criteria-{row}-{field}", value)
    page.fill(f"#id_criteria-{len(criteria)}-weight", "15")
    page.fill(f"#id_criteria-{len(criteria) + 1}-weight", "15")
    page.click("main button:has-text('保存草稿')")
    page.wait_for_selector("text=方案草稿已保存")
    page.click("main button:has-text('提交评审')")
    page.wait_for_selector("text=方案已提交")
    assert_human_words(page)


def scores_entrants(walk: Walk, scheme_code: str, scores: dict, *, others=("60", "60")):
    """评估机构工作台 → 评分 of the approved scheme → each entrant's qualitative scores
    (`scores` by standard number, `others` for every other entrant), saved with Enter (htmx),
    until every row is done."""
    page = walk.page
    row = page.locator("main tr", has_text=scheme_code)
    assert "已批准" in row.inner_text()
    row.get_by_role("link", name="评分", exact=True).click()
    entrants = page.locator("main tbody tr")
    total = entrants.count()
    assert total >= len(scores)
    page.wait_for_selector(f"text=已完成 0 / {total}")
    for done in range(1, total + 1):
        entrant = entrants.nth(done - 1)
        text = entrant.inner_text()
        values = next((v for no, v in scores.items() if no in text), others)
        inputs = entrant.locator("input[type=number]")
        for index, value in enumerate(values):
            inputs.nth(index).fill(value)
        inputs.nth(len(values) - 1).press("Enter")
        page.wait_for_selector(f"text=已完成 {done} / {total}")
    for standard_no in scores:
        assert page.locator("main tbody tr", has_text=standard_no).count() == 1, standard_no
    assert_human_words(page)
