"""A year of the leader programme in the browser: compile → candidate list → expert review →
public notice → an objection the expert finds well-founded, upheld by staff → publication →
staff revoke one title by hand, and the public page and certificate say so."""

import datetime

import pytest
from django.utils import timezone

from apps.leaders.models import Candidate, CandidateList, Leader
from apps.news.models import Article
from tests.factories.lifecycle import expert_pool, ranked_scheme

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_out(page):
    page.click("button:has-text('退出')")
    page.wait_for_load_state()


def give_opinion(page, login, expert_user, choice="同意", reason=""):
    login(expert_user)
    page.goto("/workspace/expert/")
    page.click("table >> a >> nth=0")
    page.get_by_label(choice, exact=True).check()
    if reason:
        page.fill("#id_comments", reason)
    page.click("button:has-text('提交意见')")
    page.wait_for_selector("text=评审意见已提交")
    sign_out(page)


def test_year_runs_from_compile_to_published_list(page, login, bureau_user):
    scheme = ranked_scheme(entrants=3, compile=False)
    expert = expert_pool(scheme.category, 1)[0]

    # Compile on the staff board; the job shows as done.
    login(bureau_user)
    page.goto(f"/staff/rankings/?year={scheme.year}")
    page.click(f"tr[data-scheme='{scheme.scheme_code}'] >> button:has-text('编制')")
    page.wait_for_selector(f"tr[data-scheme='{scheme.scheme_code}'] >> text=已完成")
    page.click(f"tr[data-scheme='{scheme.scheme_code}'] >> a")
    page.wait_for_selector("h1:has-text('企业标准排行榜')")
    assert page.locator("tbody >> text=领跑者候选").count() == 3

    # Candidate list from the ranking, sent to expert review.
    page.goto("/staff/candidate-lists/")
    page.select_option("#id_scheme", str(scheme.pk))
    page.click("button:has-text('生成候选名单')")
    page.wait_for_selector("text=候选名单已生成")
    candidate_list = CandidateList.objects.get()
    page.fill("#id_size", "1")
    page.click("button:has-text('抽取专家')")
    page.wait_for_selector("#list-status:has-text('专家评审中')")
    sign_out(page)
    give_opinion(page, login, expert.user)

    # Notice opens; the public page shows its dates.
    login(bureau_user)
    page.goto(f"/staff/candidate-lists/{candidate_list.pk}/")
    page.wait_for_selector("#list-status:has-text('专家评审通过')")
    page.click("button:has-text('开始公示')")
    page.wait_for_selector("#list-status:has-text('公示中')")
    sign_out(page)
    candidate_list.refresh_from_db()
    page.goto(f"/notices/{candidate_list.pk}/")
    period = page.inner_text("#notice-period")
    assert candidate_list.notice_starts_on.isoformat() in period
    assert candidate_list.notice_ends_on.isoformat() in period

    # Anyone objects against the last candidate, without logging in.
    target = Candidate.objects.filter(candidate_list=candidate_list).order_by("-position")[0]
    page.select_option("#id_candidate", str(target.pk))
    page.fill("#id_name", "北京某检测公司")
    page.fill("#id_contact", "objector@example.cn")
    page.fill("#id_grounds", "该标准声明的待机功率与我单位实测结果不符")
    page.check("#id_privacy_consent")
    page.click("button:has-text('提交异议')")
    page.wait_for_selector("text=异议已提交")

    # Staff assign it to an expert; the expert finds it well-founded; staff uphold it.
    login(bureau_user)
    page.goto(f"/staff/candidate-lists/{candidate_list.pk}/")
    assert page.locator("text=发布名单").count() == 1
    page.click("text=异议 >> xpath=following::table[1] >> tbody a")
    page.fill("#id_size", "1")
    page.click("button:has-text('抽取专家')")
    page.wait_for_selector("#objection-status:has-text('专家评审中')")
    objection_url = page.url
    sign_out(page)
    # The expert is asked the objection's question, not a scheme review's.
    login(expert.user)
    page.goto("/workspace/expert/")
    page.click("table >> a >> nth=0")
    assert page.locator("text=修改后再审").count() == 0
    sign_out(page)
    give_opinion(
        page, login, expert.user, choice="异议成立", reason="检测报告可信，待机功率声明值偏低"
    )
    login(bureau_user)
    page.goto(objection_url)
    # Staff read the opinion in the same words; the finding starts from it.
    assert "异议成立" in page.inner_text(".expert-opinion")
    assert "检测报告可信" in page.inner_text(".expert-opinion")
    assert page.is_checked("#id_upheld_0")
    page.fill("#id_finding", "经专家复核，待机功率声明值与检测报告不符，取消候选资格。")
    page.click("button:has-text('登记认定')")
    page.wait_for_selector("text=异议认定已登记")

    # Publication is refused while the notice runs.
    page.click("button:has-text('发布名单')")
    page.wait_for_selector("text=公示期内不能发布名单")

    # The public notice shows the removal and its reason, never the objector's contact.
    sign_out(page)
    page.goto(f"/notices/{candidate_list.pk}/")
    row = page.locator(f"tr[data-standard='{target.standard.standard_no}']")
    assert "取消候选资格" in row.inner_text()
    assert "objector@example.cn" not in page.content()

    # Time passes: the notice is over. Staff publish; the leader list shows two leaders.
    CandidateList.objects.filter(pk=candidate_list.pk).update(
        notice_starts_on=timezone.localdate() - datetime.timedelta(days=8),
        notice_ends_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    login(bureau_user)
    page.goto(f"/staff/candidate-lists/{candidate_list.pk}/")
    page.click("button:has-text('发布名单')")
    page.wait_for_selector("text=领跑者名单已发布")
    assert Leader.objects.count() == 2
    page.goto(f"/leaders/?year={scheme.year}")
    assert page.locator("tbody .badge-leader").count() == 2
    assert target.standard.standard_no not in page.inner_text("tbody")
    page.click("tbody tr >> nth=0 >> td >> nth=3 >> a")
    page.wait_for_selector(".leader-mark")
    response = page.request.get(page.url + "certificate.pdf")
    assert response.ok and response.body().startswith(b"%PDF")
    leader_url = page.url

    # Staff revoke that title by hand: the staff menu, the title, the reason, a confirmation.
    page.click("nav .dropdown-toggle")
    page.click("nav >> text=领跑者称号")
    page.wait_for_selector("h1:has-text('领跑者称号')")
    revoked = Leader.objects.get(verification_code=leader_url.rstrip("/").rsplit("/", 1)[1])
    page.click(f"tr[data-code='{revoked.verification_code}'] >> a")
    page.fill("#id_reason", "企业标准声明的能效值与监督检验结果不符")
    page.click("button:has-text('下一步：确认撤销')")
    page.wait_for_selector("#revocation-reason-preview")
    page.click("button:has-text('确认撤销')")
    page.wait_for_selector("text=请勾选确认后再撤销")
    page.check("#id_confirm")
    page.click("button:has-text('确认撤销')")
    page.wait_for_selector("text=领跑者称号已撤销")
    assert "已撤销" in page.inner_text("#leader-status")
    sign_out(page)

    # The public page answers revoked first, without the mark or the certificate.
    page.goto(leader_url)
    verdict = page.inner_text("#verification")
    today = timezone.localdate().isoformat()
    assert f"已于 {today} 撤销，原因：企业标准声明的能效值与监督检验结果不符" in verdict
    assert page.locator(".leader-mark").count() == 0
    assert page.locator("a:has-text('下载证书')").count() == 0
    # The news carries the announcement; the list shows the title as revoked.
    page.goto("/news/")
    page.click("text=关于撤销")
    page.wait_for_selector("text=企业标准声明的能效值与监督检验结果不符")
    page.goto(f"/leaders/?year={scheme.year}")
    assert page.locator("tbody .badge-leader").count() == 1
    assert page.locator("tbody >> text=已撤销").count() == 1
    assert Article.objects.filter(source_key__startswith="leader_revoked:").count() == 1
