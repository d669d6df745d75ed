"""Issue 17's year walk: one key area from registration to published leaders, an objection, an
incentive decided by its provider, a spot check and a manual revocation, every role only
through the pages it sees (tests/browser/year_walk/, one module per role).

The world before the year is the demo itself (`seed_demo`, what `make run` loads) and the
people are the README's demo accounts, so this is docs/year-walk.md as a person does it by
hand: the demo already runs 房间空气调节器 and 电饭锅, the walk takes 家用洗衣机 (C-WASH,
with the demo's four declared washing-machine standards beside the two new ones). Everything
the year produces comes from the browser; only the calendar is moved on (a comment period, a
public notice) by the portal's clock."""

import datetime

import pytest
from django.core.management import call_command

from apps.experts import demo as experts_demo
from apps.portal.management.commands.seed_demo import DEMO_PASSWORD
from tests.factories.uscc import make_uscc

from .year_walk import administrator, enterprise, evaluator, expert, partner, public, staff
from .year_walk.people import Person, Walk

AGENCY = "北京市家用电器标准化研究中心"
AGENCY_USCC = make_uscc(90001, division="110105")
SCHEME_CODE = "BJ-WASH-2026"
CATEGORY, CATEGORY_CODE = "家用洗衣机", "C-WASH"
LIST_TITLE = f"{CATEGORY}领跑者候选名单"
LEADER_ENTERPRISE, RIVAL_ENTERPRISE = "北京领跑洗衣机有限公司", "北京华信洗涤电器有限公司"
REVOCATION_REASON = "企业标准声明的洗净比与市场监督检验结果不符"
LEADER_STANDARD, RIVAL_STANDARD = "Q/LPXY 001-2026", "Q/HXXD 002-2026"
# The scheme's core criteria for the four C-WASH indicators: weight and baseline / advanced /
# leading (洗净比 higher is better, the others lower); the two qualitative rows weigh 15 each.
CRITERIA = {
    "CLEAN": ("25", ("0.90", "0.95", "1.00")),
    "WATER": ("15", ("11", "10", "9")),
    "ENERGY": ("15", ("0.14", "0.12", "0.10")),
    "NOISE": ("15", ("58", "55", "50")),
}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Clock:
    """The portal's clock (django.utils.timezone.now), moved on by whole days."""

    def __init__(self, monkeypatch):
        from django.utils import timezone

        real_now = timezone.now
        self.offset = datetime.timedelta()
        monkeypatch.setattr(timezone, "now", lambda: real_now() + self.offset)

    def advance(self, delta):
        self.offset += delta


def demo(email: str, name: str = "") -> Person:
    return Person(email, DEMO_PASSWORD, name)


@pytest.fixture
def walk(page, monkeypatch):
    """The world before the year: the demo, and its accounts."""
    from django.utils import timezone

    call_command("seed_demo", verbosity=0)
    year = timezone.localdate().year
    people = {
        "staff": demo("staff@demo.leaders.cn"),
        "admin": demo("admin@demo.leaders.cn"),
        "audit": demo("audit@demo.leaders.cn"),
        "partner": demo("partner@demo.leaders.cn"),
        "leader": Person("lingpao@example.cn", "Walk-Leader-2026", "王领跑"),
        "rival": Person("huaxin@example.cn", "Walk-Rival-2026", "李华信"),
        "evaluator": Person("pinggu@example.cn", "Walk-Evaluator-2026", "赵评估"),
    }
    walk = Walk(page=page, clock=Clock(monkeypatch), year=year, people=people)
    walk.seen["category_label"] = f"{CATEGORY}（{CATEGORY_CODE}）"
    walk.seen["key_area_label"] = f"{year} {CATEGORY}"
    walk.seen["criteria"] = CRITERIA
    # Every expert of the demo pool may be drawn: each learns it from the mail.
    walk.seen["experts"] = [demo(email) for email, *_rest in experts_demo.POOL]
    return walk


def test_a_year_of_one_key_area(walk):
    p = walk.people
    leader_uscc, rival_uscc = make_uscc(81001), make_uscc(81002)

    # Two enterprises register themselves; staff activate both; each signs in from the mail.
    enterprise.registers(walk, p["leader"], uscc=leader_uscc, name=LEADER_ENTERPRISE)
    enterprise.registers(walk, p["rival"], uscc=rival_uscc, name=RIVAL_ENTERPRISE)
    walk.sign_in(p["staff"], staff.LANDING)
    staff.activates_registrations(walk, LEADER_ENTERPRISE, RIVAL_ENTERPRISE)
    walk.sign_out()

    # Each declares and publishes its standard with the core indicators.
    enterprise.signs_in_from_activation_mail(walk, p["leader"])
    enterprise.declares_and_publishes(
        walk,
        standard_no=LEADER_STANDARD,
        name="领跑节水滚筒洗衣机企业标准",
        product="变频滚筒洗衣机 LP-100",
        values={"CLEAN": "1.05", "WATER": "7.5", "ENERGY": "0.09", "NOISE": "46"},
    )
    walk.sign_out()
    enterprise.signs_in_from_activation_mail(walk, p["rival"])
    enterprise.declares_and_publishes(
        walk,
        standard_no=RIVAL_STANDARD,
        name="华信静音波轮洗衣机企业标准",
        product="静音波轮洗衣机 HX-80",
        values={"CLEAN": "1.01", "WATER": "8.2", "ENERGY": "0.10", "NOISE": "48"},
    )
    walk.sign_out()

    # Staff register the evaluation agency and its evaluator, who accepts the invitation and
    # applies for the key area; staff approve the application.
    walk.sign_in(p["staff"], staff.LANDING)
    staff.registers_agency_and_evaluator(
        walk, uscc=AGENCY_USCC, name=AGENCY, evaluator=p["evaluator"]
    )
    walk.sign_out()
    evaluator.accepts_invitation(walk, p["evaluator"])
    evaluator.applies_for_key_area(walk)
    walk.sign_out()
    walk.sign_in(p["staff"], staff.LANDING)
    staff.approves_key_area_application(walk, AGENCY)
    walk.sign_out()

    # The evaluator writes the scheme and submits it.
    walk.sign_in(p["evaluator"], evaluator.LANDING)
    evaluator.writes_and_submits_scheme(walk, scheme_code=SCHEME_CODE)
    walk.sign_out()

    # Staff draw three experts; each is told by mail, signs in and approves the scheme.
    walk.sign_in(p["staff"], staff.LANDING)
    staff.sends_scheme_to_review(walk, SCHEME_CODE, size=3)
    walk.sign_out()
    expert.drawn_experts_answer(
        walk, title_has=SCHEME_CODE, size=3, choice="同意", comments="指标设置合理"
    )

    # The public comments during the comment period; once it is over, staff approve.
    public.comments_on_scheme(walk, SCHEME_CODE, author="北京家电协会", text="建议提高洗净比领跑值")
    walk.days_pass(6)
    walk.sign_in(p["staff"], staff.LANDING)
    staff.approves_scheme(walk, SCHEME_CODE)
    walk.sign_out()

    # The evaluator scores both entrants; staff compile the ranking (the Celery job runs
    # eagerly in tests), make the candidate list and send it to three experts.
    walk.sign_in(p["evaluator"], evaluator.LANDING)
    evaluator.scores_entrants(
        walk, SCHEME_CODE, {LEADER_STANDARD: ("92", "90"), RIVAL_STANDARD: ("85", "88")}
    )
    walk.sign_out()
    walk.sign_in(p["staff"], staff.LANDING)
    staff.compiles_ranking(walk, SCHEME_CODE)
    staff.makes_candidate_list_and_draws(walk, SCHEME_CODE, size=3)
    walk.sign_out()
    expert.drawn_experts_answer(
        walk, title_has=LIST_TITLE, size=3, choice="同意", comments="候选依据充分"
    )

    # The public notice; a visitor objects against the second candidate; three experts find
    # the objection not well-founded and staff dismiss it.
    walk.sign_in(p["staff"], staff.LANDING)
    staff.starts_notice(walk, CATEGORY)
    walk.sign_out()
    public.objects_during_notice(
        walk,
        category=CATEGORY,
        standard_no=RIVAL_STANDARD,
        name="北京某检测公司",
        contact="objector@example.cn",
        grounds="该标准声明的噪声值与我单位实测结果不符",
    )
    walk.sign_in(p["staff"], staff.LANDING)
    staff.sends_objection_to_review(walk, CATEGORY, RIVAL_STANDARD, size=3)
    walk.sign_out()
    expert.drawn_experts_answer(
        walk,
        title_has=f"异议：{RIVAL_ENTERPRISE} {RIVAL_STANDARD}",
        size=3,
        choice="异议不成立",
        comments="检测条件与标准规定不一致，实测结果不能否定声明值",
    )
    walk.sign_in(p["staff"], staff.LANDING)
    staff.records_finding(
        walk,
        CATEGORY,
        RIVAL_STANDARD,
        outcome="异议不成立",
        finding="经专家复核，异议人的检测条件与标准不符，异议不成立，保留候选资格。",
    )
    walk.sign_out()

    # The notice ends; staff publish the leader list.
    walk.days_pass(6)
    walk.sign_in(p["staff"], staff.LANDING)
    staff.publishes(walk, CATEGORY)
    walk.sign_out()

    # The public verifies the leaders; the leader reads the news and applies for the bank's
    # credit support, which the bank's officer decides on the partner desk.
    public.verifies_leader(walk, LEADER_STANDARD)
    public.verifies_leader(walk, RIVAL_STANDARD)
    walk.sign_in(p["leader"], enterprise.LANDING)
    enterprise.reads_leader_news(walk, LEADER_STANDARD)
    enterprise.applies_for_incentive(walk, "领跑者企业信用贷款", "用于变频洗衣机生产线扩产")
    walk.sign_out()
    partner.decides_application(
        walk, p["partner"], LEADER_ENTERPRISE, "领跑者称号有效，给予授信额度优惠"
    )
    walk.sign_in(p["leader"], enterprise.LANDING)
    enterprise.reads_incentive_decision(walk, "给予授信额度优惠")
    walk.sign_out()

    # Next year's spot check: the rival's standard fails and loses its title; staff revoke
    # the other title by hand. The public sees both revoked, with the reasons.
    walk.sign_in(p["staff"], staff.LANDING)
    staff.plans_spot_check(
        walk, walk.year + 1, failed_standard=RIVAL_STANDARD, passed_standard=LEADER_STANDARD
    )
    staff.revokes_by_hand(walk, LEADER_STANDARD, REVOCATION_REASON)
    walk.sign_out()
    public.sees_revoked(walk, RIVAL_STANDARD, "监督抽查不合格")
    public.sees_revoked(walk, LEADER_STANDARD, REVOCATION_REASON)
    public.reads_revocation_announcement(walk, LEADER_ENTERPRISE)

    # The administrator: the audit log names who revoked each title, in words; the year's
    # new accounts are in the user list.
    administrator.audit_reads_revocations(
        walk, p["audit"], revoked=[LEADER_STANDARD, RIVAL_STANDARD]
    )
    administrator.system_admin_finds_accounts(
        walk, p["admin"], accounts=[p["leader"].email, p["rival"].email, p["evaluator"].email]
    )
