"""Spot-check plan in the browser: staff generate next year's plan with the random seed the
page offers, the public sees only its commitment until staff approve it, then the seed that
hashes to it; staff record a failed leader standard, and the public leader page shows the
revocation."""

import datetime
import hashlib

import pytest

from apps.leaders.models import Leader
from tests.factories.enterprises import EnterpriseFactory
from tests.factories.evaluators import StandardFactory
from tests.factories.experts import ExpertFactory
from tests.factories.leaders import LeaderFactory
from tests.factories.uscc import make_uscc

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_plan_generated_approved_and_a_failed_leader_loses_the_title(page, login, bureau_user):
    year = datetime.date.today().year + 1
    firm = EnterpriseFactory(
        uscc=make_uscc(4242, division="110108"), name="北京抽查示范电器有限公司"
    )
    leader = LeaderFactory(
        year=year - 1,
        standard=StandardFactory(enterprise=firm, standard_no="Q/CC 001-2026"),
        valid_until=datetime.date(year + 1, 1, 1),
    )
    for n in range(3):
        StandardFactory(enterprise=EnterpriseFactory(uscc=make_uscc(5000 + n, division="110105")))
    for n in range(3):
        ExpertFactory(email=f"inspector{n}@example.cn", user=None, roles=["inspector"])

    login(bureau_user)
    page.click("nav .dropdown-toggle")
    page.click("nav >> text=监督抽查")
    page.fill("#id_year", str(year))
    seed = page.input_value("#id_seed")  # offered by the page: 63 random bits
    assert int(seed) > 2**32
    page.fill("#id_rate", "0.5")
    page.click("button:has-text('生成草案')")
    page.wait_for_selector(f"text={seed}")
    commitment = page.inner_text("#commitment")
    assert commitment == hashlib.sha256(seed.encode()).hexdigest()

    page.click("button:has-text('退出')")
    page.goto("/spotchecks/")
    page.click(f"a[href='/spotchecks/{year}/']")
    assert page.inner_text("#commitment") == commitment
    assert seed not in page.content() and "Q/CC 001-2026" not in page.content()

    login(bureau_user)
    page.goto("/spotchecks/")
    page.click(f"a[href='/spotchecks/{year}/']")
    page.click("button:has-text('批准计划')")
    page.wait_for_selector(".badge:has-text('已批准')")

    row = page.locator("tr", has_text="Q/CC 001-2026")
    assert "领跑者标准" in row.inner_text()
    row.locator("select[name=passed]").select_option("0")
    row.locator("input[value=below_mandatory]").check()
    row.locator("button:has-text('登记')").click()
    page.wait_for_selector("text=已登记检查结果")

    leader.refresh_from_db()
    assert leader.status == "revoked"
    page.click("button:has-text('退出')")
    page.goto(f"/leaders/{leader.verification_code}/")
    assert "该领跑者称号已于" in page.locator(".alert-danger").inner_text()
    assert Leader.objects.get(pk=leader.pk).revocation_reason.startswith(
        f"{year} 年企业标准监督抽查不合格"
    )
