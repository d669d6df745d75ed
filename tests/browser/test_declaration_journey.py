import pytest

from apps.declarations.models import Standard
from tests.factories.declarations import PDF_BYTES, category_with_indicators

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_new_enterprise_registers_declares_publishes_and_finds_its_standard(
    page, register_enterprise
):
    """Issue 3's path end to end: register, be activated, declare with indicators and a PDF,
    publish, and find the standard through public search."""
    category_with_indicators(code="C-RICE", name="电饭锅")
    register_enterprise("lp@example.cn", "Browser-pass-2026", name="北京领跑电器有限公司")
    page.goto("/workspace/standards/")
    page.click("text=声明新标准")
    page.select_option("#id_standard_type", "enterprise")
    page.fill("#id_standard_no", "Q/BJLP 018-2025")
    page.fill("#id_name", "智能电饭煲领跑企业标准")
    page.select_option("#id_category", label="电饭锅（C-RICE）")
    page.fill("#id_products", "IH智能电饭煲 LP-40")
    page.click("button:has-text('保存草稿')")
    page.wait_for_selector("text=已创建草稿")

    page.fill("#id_value_EFF", "86.5")
    page.fill("#id_value_NOISE", "39")
    page.fill("#id_value_STANDBY", "0.6")
    page.set_input_files(
        "#id_text_file",
        {"name": "企业标准.pdf", "mimeType": "application/pdf", "buffer": PDF_BYTES},
    )
    page.click("button:has-text('保存指标值和文本')")
    page.wait_for_selector("text=指标值已保存")
    assert page.locator("#publish-card .alert-warning").count() == 0

    page.check("#id_commitment")
    page.click("#publish-button")
    page.wait_for_selector("text=标准已公开")
    page.wait_for_selector("#stricter-badge")
    standard = Standard.objects.get(standard_no="Q/BJLP 018-2025")
    assert standard.status == "public"

    page.click("button:has-text('退出')")
    page.goto("/")
    page.click("nav >> text=标准查询")
    page.fill("#q", "电饭煲领跑")
    page.click("button:has-text('查询')")
    page.wait_for_selector("#results >> text=Q/BJLP 018-2025")
    assert "共 1 条结果" in page.inner_text("#result-count")
    page.click("#results >> text=智能电饭煲领跑企业标准")
    page.wait_for_selector("h1:has-text('智能电饭煲领跑企业标准')")
    with page.expect_download() as download:
        page.click("#download-text")
    assert download.value.suggested_filename == "企业标准.pdf"
