"""The public visitor, never signed in: finds a declared standard, reads a ranking and the
leader list, verifies a leader certificate and files an objection during a public notice."""

import re

import pytest

from apps.accounts.enums import Role
from apps.leaders.models import Objection
from tests.factories.accounts import UserFactory
from tests.factories.incentives import valid_leader
from tests.factories.lifecycle import list_in_notice, ranked_scheme

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_visitor_searches_reads_verifies_and_objects(page):
    scheme = ranked_scheme(entrants=3)
    staff = UserFactory(role=Role.BUREAU, is_staff=True)
    candidate_list = list_in_notice(scheme, staff)
    leader = valid_leader()
    standard = leader.standard

    # Search the declared standards by number and open one.
    page.goto("/standards/")
    page.fill("#q", standard.standard_no)
    page.press("#q", "Enter")
    page.click(f"tbody a:has-text('{standard.standard_no}')")
    page.wait_for_selector(f"text={standard.name}")

    # The rankings: the compiled one lists its entrants.
    page.goto("/rankings/")
    page.click(f"a[href='/rankings/{scheme.scheme_code}/']")
    page.wait_for_selector("h1:has-text('企业标准排行榜')")
    assert page.locator("tbody tr").count() == 3

    # The leader list, a leader's page and its certificate.
    page.goto(f"/leaders/?year={leader.year}")
    page.click(f"tbody a:has-text('{standard.standard_no}')")
    page.wait_for_selector(".badge-leader")
    code = page.inner_text("dt:has-text('验证码') + dd code")
    assert code == leader.verification_code
    certificate = page.request.get(page.url + "certificate.pdf")
    assert certificate.ok and certificate.body().startswith(b"%PDF")

    # Verification: the address printed on the certificate shows the title as valid.
    page.goto(f"/leaders/{code}/")
    assert page.locator(".badge-leader").count() == 1
    assert page.request.get("/leaders/NOT-A-CODE/").status == 404

    # The public notice: an objection against a candidate, without an account.
    page.goto("/notices/")
    page.click(f"a[href='/notices/{candidate_list.pk}/']")
    page.wait_for_selector("#notice-period")
    candidate = candidate_list.candidates.order_by("position")[0]
    page.select_option("#id_candidate", str(candidate.pk))
    page.fill("#id_name", "北京某检测公司")
    page.fill("#id_contact", "objector@example.cn")
    page.fill("#id_grounds", "该标准声明的能效指标与我单位实测结果不符")
    page.check("#id_privacy_consent")
    page.click("button:has-text('提交异议')")
    page.wait_for_selector("text=异议已提交")
    objection = Objection.objects.get()
    assert objection.candidate_id == candidate.pk
    assert "objector@example.cn" not in page.content()
    assert re.search(r"/notices/\d+/", page.url)
