"""Browser journey (issue 17): the demo evaluator scores a scheme by file instead of row by
row: scoring page -> 上传评分文件 -> template -> upload -> preview -> 确认导入 -> the scores
on the scoring page."""

import csv
import io

import pytest
from django.core.management import call_command

from apps.evaluators.models import Assessment, Scheme
from apps.portal.management.commands.seed_demo import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EVALUATOR = "evaluator@demo.leaders.cn"


def test_demo_evaluator_uploads_a_score_file_previews_and_confirms(page):
    call_command("seed_demo", enterprises=6, stdout=io.StringIO())
    scheme = Scheme.objects.get(status="approved", category__code="C-AC")
    assert Assessment.objects.filter(scheme=scheme).exists()  # the demo scored every entrant

    page.goto("/accounts/login/")
    page.fill("#id_username", EVALUATOR)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("h1")
    row = page.locator("tr", has_text=scheme.scheme_code)
    row.get_by_role("link", name="评分", exact=True).click()
    page.wait_for_selector("text=已完成")
    page.get_by_role("link", name="上传评分文件").click()
    page.wait_for_selector("h1:has-text('上传评分文件')")

    with page.expect_download() as download:
        page.click("#score-template")
    text = download.value.path().read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [
        "方案编号",
        "统一社会信用代码",
        "标准编号",
        "评估人员邮箱",
        "评价项代码",
        "得分",
        "结论",
        "理由",
    ]
    assert len(rows) > 2 and all(r[3] == EVALUATOR and r[5] for r in rows[1:])
    # The evaluator changes their first two scores and leaves the rest as they are.
    first, second = rows[1], rows[2]
    first[5], second[5] = "55.5", "61"
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    page.set_input_files(
        "#id_file",
        {"name": "评分.csv", "mimeType": "text/csv", "buffer": buffer.getvalue().encode("utf-8")},
    )
    page.click("button:has-text('上传并预览')")

    page.wait_for_selector("#score-upload-status[data-status=validated]")
    unchanged = len(rows) - 3
    assert page.inner_text("#score-upload-summary") == (
        f"确认后将新增评分 0 条，修改 2 条，{unchanged} 条不变。"
    )
    changed = page.locator("table.score-upload-update tbody tr")
    assert changed.count() == 2
    assert changed.nth(0).locator("td.score").inner_text() == "55.5"
    assert not Assessment.objects.filter(scheme=scheme, score="55.5").exists()

    page.get_by_role("button", name="确认导入").click()
    page.wait_for_selector("text=评分已导入")
    assert page.url.endswith(f"/workspace/evaluator/schemes/{scheme.pk}/scoring/")
    standard = Assessment.objects.get(scheme=scheme, score="55.5").standard
    scores = page.locator(f"#row-{standard.pk} input[type=number]")
    assert scores.nth(0).input_value() == "55.5"  # the template's rows follow the table's
    assert "修改 2 条" in page.inner_text("main")
