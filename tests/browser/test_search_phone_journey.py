"""The public visitor on a 390 px phone searches in everyday words: 空调 finds the standards
that say 房间空气调节器, the page says what else it searched, and the results stay readable
(one labelled card per standard, nothing scrolls sideways)."""

import pytest

from tests.factories.declarations import CategoryFactory, StandardFactory, SynonymFactory
from tests.factories.enterprises import EnterpriseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_phone_visitor_searches_in_everyday_words(browser, live_server):
    # The synonym list and the standards come from outside (seed data, imports).
    SynonymFactory(term="空调", canonical="空气调节器")
    category = CategoryFactory(code="C-AC", name="房间空气调节器")
    firm = EnterpriseFactory(name="北京华创智能家居电器科技股份有限公司")
    standard = StandardFactory(
        enterprise=firm,
        category=category,
        standard_no="Q/HCZNJJ 0012-2025",
        name="房间空气调节器（变频、一级能效、带新风功能）企业标准",
        products="KFR-35GW/BpXA1 KFR-50LW/BpXA1 KFR-72LW/BpXA1",
    )
    StandardFactory(name="电饭锅企业标准")

    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 390, "height": 844}
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto("/standards/")
        page.fill("#q", "空调")
        page.press("#q", "Enter")
        page.wait_for_selector("#expanded-terms")
        assert page.inner_text("#expanded-terms") == "也搜索了：空气调节器"
        rows = page.locator("#results tbody tr")
        assert rows.count() == 1
        assert standard.standard_no in rows.first.inner_text()
        # Readable at 390 px: neither the page nor the results table scrolls sideways, and
        # each cell is shown under its column's label (the header row is hidden).
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        table = page.locator(".table-responsive")
        assert table.evaluate("box => box.scrollWidth <= box.clientWidth")
        label = page.evaluate(
            "getComputedStyle(document.querySelector('#results td'), '::before').content"
        )
        assert label == '"标准编号"'
        page.click(f"#results a:has-text('{standard.standard_no}')")
        page.wait_for_selector(f"text={standard.name}")
    finally:
        context.close()
