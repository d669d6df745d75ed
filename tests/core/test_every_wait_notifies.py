"""Nobody waits silently: every step after which the programme waits on a person tells that
person, by mail (locmem backend) and, when they have an account, on their 我的消息 page,
with a link to the page where they act. `WAITS` is the list of those steps (the table in
docs/notifications.md); each row drives its step through the public services or pages and
names who must be told, in which words, linking where. A step that stops telling someone, or
tells someone else, fails its row; a workflow state that waits on a person and is neither in
the table nor explained in `NOBODY_WAITS` fails `test_every_waiting_state_is_in_the_table`.

The messages are written in each recipient's own language (`User.language`), whatever the
language of the person whose step caused them."""

import datetime
import importlib
import re
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.html import escape

from apps.accounts.enums import Role
from apps.core import inbox
from apps.core.management.commands.describe_workflows import MODULES
from apps.core.models import InboxMessage
from apps.core.workflow import REGISTRY, SYSTEM
from apps.enterprises.services import (
    enterprise_register,
    membership_decide,
    name_change_decide,
    name_change_request,
)
from apps.evaluators.models import Scheme
from apps.evaluators.services.agencies import application_decide, applications_submit
from apps.evaluators.services.schemes import scheme_start_review, scheme_transition
from apps.evaluators.services.waiting import schemes_comment_ended
from apps.experts.services.reviews import review_seat_redraw, reviews_remind_overdue
from apps.incentives import services as incentives
from apps.leaders.models import Objection
from apps.leaders.services.candidate_lists import (
    candidate_list_create,
    candidate_list_send_to_review,
    notices_close,
)
from apps.leaders.services.objections import objection_decide, objection_send_to_review
from apps.leaders.services.rankings import ranking_compile
from tests.factories.accounts import UserFactory
from tests.factories.enterprises import EnterpriseFactory, MembershipFactory
from tests.factories.evaluators import (
    AgencyFactory,
    KeyAreaFactory,
    StandardFactory,
    approved_scheme,
    evaluator_user,
)
from tests.factories.experts import ExpertFactory
from tests.factories.incentives import (
    PDF_BYTES,
    ProgrammeFactory,
    leader_enterprise_user,
    partner_user,
)
from tests.factories.lifecycle import expert_pool, list_in_notice, ranked_scheme, review
from tests.factories.uscc import make_uscc
from tests.pages import submit

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@dataclass
class Told:
    """Who must be told by a step: users (a message on their page and a mail) or bare
    addresses (a mail only), each reading every one of `words`, with a link to `path`."""

    people: list
    words: tuple[str, ...]
    path: str


@dataclass
class Wait:
    step: str  # what happened, after which the programme waits on someone
    waits: str | None  # "workflow.state" that now waits, if it is one
    drive: Callable  # drive(step, staff, client) -> list[Told]; runs the step in `with step()`


class Step:
    """`with step():` runs the step itself: the mails it sends (after its commit) and the
    messages it writes are the ones a row checks; the setup's are left out."""

    def __init__(self, capture):
        self.capture = capture
        self.after = 0

    @contextmanager
    def __call__(self):
        inbox.send_pending()  # the setup's own messages are out of the way
        mail.outbox.clear()
        self.after = InboxMessage.objects.aggregate(last=Max("pk"))["last"] or 0
        with self.capture(execute=True):
            yield

    def written(self):
        return InboxMessage.objects.filter(pk__gt=self.after)


# ---------------------------------------------------------------- the steps, driven


def register(step, staff, client):
    form = {
        "uscc": make_uscc(7001),
        "enterprise_name": "北京候审科技有限公司",
        "district": "haidian",
        "contact_name": "张三",
        "contact_phone": "010-12345678",
        "email": "applicant@example.cn",
        "password1": "Strong-pass-2026",
        "password2": "Strong-pass-2026",
        "privacy_consent": "on",
    }
    with step():
        submit(client, "/accounts/register/", form)
    return [
        Told([staff], ("企业账户待激活", "北京候审科技有限公司"), "/staff/registrations/"),
        Told(["applicant@example.cn"], ("注册申请已收到", "北京候审科技有限公司"), ""),
    ]


def activate(step, staff, client):
    membership = enterprise_register(
        email="new@example.cn",
        password="Strong-pass-2026",
        contact_name="李四",
        uscc=make_uscc(7002),
        enterprise_name="北京新注册有限公司",
        consented=True,
    )
    with step():
        membership_decide(membership=membership, approve=True, actor=staff)
    return [Told([membership.user], ("企业账户已激活", "北京新注册有限公司"), "/accounts/login/")]


def rename(step, staff, client):
    user = MembershipFactory(enterprise=EnterpriseFactory(name="北京旧名有限公司")).user
    with step():
        name_change_request(enterprise=user.membership.enterprise, new_name="北京新名", actor=user)
    return [
        Told(
            [staff], ("名称变更待审核", "北京旧名有限公司", "北京新名"), "/staff/enterprise-names/"
        )
    ]


def rename_decided(step, staff, client):
    user = MembershipFactory().user
    change = name_change_request(enterprise=user.membership.enterprise, new_name="甲", actor=user)
    with step():
        name_change_decide(change=change, approve=False, actor=staff, reason="证照不符")
    return [Told([user], ("名称变更未通过", "证照不符"), "/workspace/enterprise/")]


def apply_for_key_area(step, staff, client):
    agency = AgencyFactory(name="北京申请评估中心")
    area = KeyAreaFactory()
    with step():
        applications_submit(
            agency=agency,
            key_areas=[area],
            qualifications="十年家电评估经验",
            actor=evaluator_user(agency),
        )
    return [
        Told(
            [staff],
            ("重点领域申请待审核", "北京申请评估中心", area.category.name),
            "/staff/agency-applications/",
        )
    ]


def key_area_decided(approve):
    def drive(step, staff, client):
        agency = AgencyFactory()
        evaluators = [evaluator_user(agency), evaluator_user(agency)]
        area = KeyAreaFactory()
        [application] = applications_submit(
            agency=agency, key_areas=[area], qualifications="资质", actor=evaluators[0]
        )
        with step():
            application_decide(
                application=application, approve=approve, actor=staff, reason="资质不足"
            )
        words = ("已批准", "编制") if approve else ("未获批准", "资质不足")
        return [Told(evaluators, (*words, area.category.name), "/workspace/evaluator/")]

    return drive


def draft_scheme():
    scheme = approved_scheme(status="draft")
    return scheme, evaluator_user(scheme.agency)


def submit_scheme(step, staff, client):
    scheme, evaluator = draft_scheme()
    with step():
        scheme_transition(scheme=scheme, to="submitted", actor=evaluator)
    return [
        Told(
            [staff],
            ("评估方案待审核", scheme.scheme_code, scheme.agency.name),
            f"/staff/schemes/{scheme.pk}/",
        )
    ]


def scheme_in_review(staff):
    scheme, evaluator = draft_scheme()
    scheme_transition(scheme=scheme, to="submitted", actor=evaluator)
    experts = expert_pool(scheme.category)
    return scheme, evaluator, experts, scheme_start_review(scheme=scheme, size=3, actor=staff)


def draw_for_scheme(step, staff, client):
    scheme, evaluator = draft_scheme()
    scheme_transition(scheme=scheme, to="submitted", actor=evaluator)
    experts = expert_pool(scheme.category)
    with step():
        drawn = scheme_start_review(scheme=scheme, size=3, actor=staff)
    assert {m.expert for m in drawn.members.all()} == set(experts)
    return [drawn_experts(drawn, scheme.scheme_code, "评估方案评审")]


def scheme_review_closes(decision):
    def drive(step, staff, client):
        scheme, evaluator, _experts, drawn = scheme_in_review(staff)
        with step():
            review(drawn, decision)
        told = [
            Told(
                [staff],
                ("评估方案专家评审已结束", scheme.scheme_code, "公开征求意见")
                if decision == "approve"
                else ("评估方案专家评审已结束", scheme.scheme_code, "退回"),
                f"/staff/schemes/{scheme.pk}/",
            )
        ]
        if decision != "approve":
            told.append(
                Told(
                    [evaluator],
                    ("评估方案被退回修改", scheme.scheme_code, "候选依据不足"),
                    f"/workspace/evaluator/schemes/{scheme.pk}/",
                )
            )
        return told

    return drive


def return_scheme(step, staff, client):
    scheme, evaluator = draft_scheme()
    scheme_transition(scheme=scheme, to="submitted", actor=evaluator)
    with step():
        scheme_transition(scheme=scheme, to="returned", actor=staff, reason="权重说明不足")
    return [
        Told(
            [evaluator],
            ("评估方案被退回修改", "权重说明不足"),
            f"/workspace/evaluator/schemes/{scheme.pk}/",
        )
    ]


def comment_ends(step, staff, client):
    scheme, _evaluator, _experts, drawn = scheme_in_review(staff)
    review(drawn, "approve")
    ends = Scheme.objects.get(pk=scheme.pk).public_comment_ends_on
    with step():
        assert schemes_comment_ended(today=ends + datetime.timedelta(days=1)) == 1
    return [Told([staff], ("征求意见期已结束", scheme.scheme_code), f"/staff/schemes/{scheme.pk}/")]


def approve_scheme(step, staff, client):
    scheme, evaluator, _experts, drawn = scheme_in_review(staff)
    review(drawn, "approve")
    Scheme.objects.filter(pk=scheme.pk).update(
        public_comment_ends_on=TODAY() - datetime.timedelta(1)
    )
    with step():
        scheme_transition(scheme=scheme, to="approved", actor=staff)
    return [
        Told(
            [evaluator],
            ("评估方案已批准", scheme.scheme_code, "评分"),
            f"/workspace/evaluator/schemes/{scheme.pk}/scoring/",
        )
    ]


def compile_ranking(step, staff, client):
    scheme = ranked_scheme(entrants=3, compile=False)
    with step():
        ranking_compile(scheme=scheme)  # the daily job's compile
    return [Told([staff], ("待生成领跑者候选名单", scheme.scheme_code), "/staff/candidate-lists/")]


def drawn_experts(drawn, *words):
    members = drawn.members.select_related("expert__user")
    return Told(
        [m.expert.user for m in members],
        ("请参加专家评审", *words),
        f"/workspace/expert/reviews/{drawn.pk}/",
    )


def draw_for_list(step, staff, client):
    scheme = ranked_scheme(entrants=3)
    expert_pool(scheme.category)
    candidate_list = candidate_list_create(scheme=scheme, actor=staff)
    with step():
        drawn = candidate_list_send_to_review(candidate_list=candidate_list, size=3, actor=staff)
    return [drawn_experts(drawn, "候选名单评审")]


def list_review_closes(decision):
    def drive(step, staff, client):
        scheme = ranked_scheme(entrants=3)
        expert_pool(scheme.category)
        candidate_list = candidate_list_create(scheme=scheme, actor=staff)
        drawn = candidate_list_send_to_review(candidate_list=candidate_list, size=3, actor=staff)
        with step():
            review(drawn, decision)
        words = ("专家评审通过", "公示") if decision == "approve" else ("未通过", "候选依据不足")
        return [
            Told(
                [staff],
                (*words, scheme.category.name),
                f"/staff/candidate-lists/{candidate_list.pk}/",
            )
        ]

    return drive


def notice_ends(step, staff, client):
    scheme = ranked_scheme(entrants=3)
    candidate_list = list_in_notice(scheme, staff, today=TODAY() - datetime.timedelta(days=30))
    with step():
        assert notices_close() == 1  # the daily job
    return [
        Told(
            [staff],
            ("公示期已结束", scheme.category.name, "发布"),
            f"/staff/candidate-lists/{candidate_list.pk}/",
        )
    ]


def list_with_objection(staff, client, contact):
    candidate_list = list_in_notice(ranked_scheme(entrants=3), staff)
    candidate = candidate_list.candidates.select_related("standard__enterprise").first()
    fill = {
        "candidate": str(candidate.pk),
        "name": "北京某检测公司",
        "contact": contact,
        "grounds": "该标准声明的待机功率与实测结果不符",
        "privacy_consent": "on",
    }
    return candidate_list, candidate, fill


def file_objection(step, staff, client):
    candidate_list, candidate, fill = list_with_objection(staff, client, "objector@example.cn")
    with step():
        submit(client, f"/notices/{candidate_list.pk}/", fill)  # the public form
    objection = Objection.objects.get()
    return [
        Told(
            [staff],
            ("新的异议待处理", candidate.standard.standard_no, "北京某检测公司"),
            f"/staff/objections/{objection.pk}/",
        ),
        Told(["objector@example.cn"], ("异议已受理",), f"/notices/{candidate_list.pk}/"),
    ]


def objection_in_review(staff, client, contact="objector@example.cn"):
    candidate_list, _candidate, fill = list_with_objection(staff, client, contact)
    submit(client, f"/notices/{candidate_list.pk}/", fill)
    objection = Objection.objects.get()
    expert_pool(candidate_list.scheme.category)
    return objection, objection_send_to_review(objection=objection, size=3, actor=staff)


def draw_for_objection(step, staff, client):
    candidate_list, _candidate, fill = list_with_objection(staff, client, "13800000000")
    submit(client, f"/notices/{candidate_list.pk}/", fill)
    expert_pool(candidate_list.scheme.category)
    with step():
        drawn = objection_send_to_review(objection=Objection.objects.get(), size=3, actor=staff)
    return [drawn_experts(drawn, "异议评审")]


def objection_review_closes(step, staff, client):
    objection, drawn = objection_in_review(staff, client)
    with step():
        review(drawn, "dismissed")
    return [
        Told([staff], ("待认定", "异议不成立"), f"/staff/objections/{objection.pk}/"),
    ]


def objection_decided(with_account):
    def drive(step, staff, client):
        objector = UserFactory(email="objector@example.cn") if with_account else None
        objection, drawn = objection_in_review(staff, client)
        review(drawn, "upheld")
        with step():
            objection_decide(objection=objection, upheld=True, finding="实测不符", actor=staff)
        path = f"/notices/{objection.candidate.candidate_list_id}/"
        return [Told([objector or "objector@example.cn"], ("异议成立", "实测不符"), path)]

    return drive


def review_with_a_late_seat(staff):
    scheme, _evaluator, _experts, drawn = scheme_in_review(staff)
    ExpertFactory(specialties=[scheme.category])  # one more, for a re-draw
    return drawn, drawn.members.select_related("expert__user").first()


def remind_overdue(step, staff, client):
    drawn, _seat = review_with_a_late_seat(staff)
    with step():
        reviews_remind_overdue(today=TODAY() + datetime.timedelta(days=30))  # the daily job
    path = f"/workspace/expert/reviews/{drawn.pk}/"
    experts = [m.expert.user for m in drawn.members.select_related("expert__user")]
    return [
        Told(experts, ("评审意见已逾期",), path),
        Told([staff], ("专家评审逾期",), f"/staff/reviews/{drawn.pk}/"),
    ]


def redraw(step, staff, client):
    drawn, seat = review_with_a_late_seat(staff)
    seat.deadline = TODAY() - datetime.timedelta(days=1)
    seat.save(update_fields=["deadline"])
    with step():
        new_seat = review_seat_redraw(member=seat, actor=staff)
    return [
        Told([new_seat.expert.user], ("请参加专家评审",), f"/workspace/expert/reviews/{drawn.pk}/")
    ]


def apply_for_incentive(step, staff, client):
    programme = ProgrammeFactory(name="领跑者信用贷款", required_documents=["营业执照"])
    deciders = [partner_user(programme.provider), partner_user(programme.provider)]
    applicant = leader_enterprise_user()
    enterprise = applicant.membership.enterprise
    with step():
        application = incentives.application_submit(
            programme=programme,
            enterprise=enterprise,
            documents={"营业执照": pdf("营业执照.pdf")},
            actor=applicant,
        )
    return [
        Told(
            deciders,
            ("新的激励申请待审核", enterprise.name, "领跑者信用贷款"),
            f"/incentives/applications/{application.pk}/",
        )
    ]


def generate_plan(step, staff, client):
    for serial in range(1, 6):
        StandardFactory(enterprise=EnterpriseFactory(uscc=make_uscc(serial)))
    for n in range(3):
        ExpertFactory(email=f"inspector{n}@example.cn", user=None, roles=["inspector"])
    with step():
        call_command("generate_spotcheck_plan", year=2027, seed=5, rate=Decimal("0.4"))
    return [Told([staff], ("2027 年监督抽查计划草案待批准",), "/spotchecks/2027/")]


def pdf(name):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


# ---------------------------------------------------------------- the table

WAITS = [
    # what happened                                   the state that now waits (workflow.state)
    Wait("an enterprise registers",                     "membership.pending", register),
    Wait("staff activate a registration",               None, activate),
    Wait("an enterprise asks for a new name",           "name_change.pending", rename),
    Wait("staff decide a name change",                  None, rename_decided),
    Wait("an agency applies for a key area",            "key_area_application.pending",
         apply_for_key_area),
    Wait("staff approve a key-area application",        None, key_area_decided(True)),
    Wait("staff refuse a key-area application",         None, key_area_decided(False)),
    Wait("an agency submits a scheme",                  "scheme.submitted", submit_scheme),
    Wait("staff send a scheme to expert review",        "scheme.expert_review", draw_for_scheme),
    Wait("a scheme's review closes: approved",          "scheme.public_comment",
         scheme_review_closes("approve")),
    Wait("a scheme's review closes: revise",            "scheme.returned",
         scheme_review_closes("revise")),
    Wait("staff return a submitted scheme",             "scheme.returned", return_scheme),
    Wait("a scheme's public comment ends",              "scheme.public_comment", comment_ends),
    Wait("staff approve a scheme",                      None, approve_scheme),
    Wait("a ranking is compiled with candidates",       None, compile_ranking),
    Wait("staff send a candidate list to review",       "candidate_list.expert_review",
         draw_for_list),
    Wait("a candidate list's review closes: approved",  "candidate_list.reviewed",
         list_review_closes("approve")),
    Wait("a candidate list's review closes: revise",    "candidate_list.returned",
         list_review_closes("revise")),
    Wait("a candidate list's notice ends",              "candidate_list.notice", notice_ends),
    Wait("someone files an objection",                  "objection.open", file_objection),
    Wait("staff send an objection to review",           "objection.expert_review",
         draw_for_objection),
    Wait("an objection's review closes",                "objection.reviewed",
         objection_review_closes),
    Wait("staff decide an objection (no account)",      None, objection_decided(False)),
    Wait("staff decide an objection (an account)",      None, objection_decided(True)),
    Wait("a drawn expert's deadline passes",            None, remind_overdue),
    Wait("staff re-draw a late seat",                   None, redraw),
    Wait("a leader enterprise applies for an incentive", "incentive_application.submitted",
         apply_for_incentive),
    Wait("a spot-check plan is drawn",                  "spotcheck_plan.draft", generate_plan),
]  # fmt: skip

# States from which a person moves a workflow on, but which wait on nobody to be told.
NOBODY_WAITS = {
    "candidate_list.draft": "staff make the list on the page where they send it to review",
    "expert.recommended": "staff recommend and appoint on the same expert page",
    "expert.appointed": "retiring an expert is staff's choice; nothing waits",
    "expert.retired": "re-appointing is staff's choice; nothing waits",
    "leader.active": "a revocation is staff's choice (or a failed spot check)",
    "leader.expired": "a revocation is staff's choice",
    "scheme.draft": "the agency's own draft; a returned scheme's agency is told",
    "standard.draft": "the enterprise's own standard",
    "standard.public": "the enterprise's own standard",
}


@pytest.fixture
def step(django_capture_on_commit_callbacks, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media")},
        },
    }
    return Step(django_capture_on_commit_callbacks)


def address(person) -> str:
    return person if isinstance(person, str) else person.email


@pytest.mark.parametrize("wait", WAITS, ids=[wait.step for wait in WAITS])
def test_the_people_it_waits_on_are_told(wait, step, bureau_user, client):
    told = wait.drive(step, bureau_user, client)
    written = list(step.written())
    # The right people, and no one else.
    assert sorted(m.email for m in written) == sorted(address(p) for t in told for p in t.people)
    for expected in told:
        for person in expected.people:
            mails = [m for m in mail.outbox if m.to == [address(person)]]
            assert len(mails) == 1, (address(person), [m.subject for m in mail.outbox])
            text = mails[0].subject + "\n" + mails[0].body
            for word in expected.words:
                assert word in text, (word, text)
            if expected.path:
                assert re.search(rf"https?://\S+{re.escape(expected.path)}(\s|$)", text), text
            if isinstance(person, str):
                continue
            [message] = [m for m in written if m.recipient_id == person.pk]
            client.force_login(person)
            page = client.get("/notifications/").content.decode()
            assert escape(message.subject) in page
            if expected.path:
                assert message.url.endswith(expected.path)
                assert f'href="{message.url}"' in page


def test_every_waiting_state_is_in_the_table():
    for module in MODULES:
        importlib.import_module(module)
    listed = {wait.waits for wait in WAITS if wait.waits}
    waiting = {
        f"{name}.{source}"
        for name, workflow in REGISTRY.items()
        for (source, _target), who in workflow.transitions.items()
        if who != SYSTEM
    }
    missing = waiting - listed - set(NOBODY_WAITS)
    assert not missing, f"waits on a person, and the table tells no one: {sorted(missing)}"
    assert not set(NOBODY_WAITS) & listed
    for key in listed | set(NOBODY_WAITS):
        name, state = key.split(".")
        assert state in REGISTRY[name].states.values, key


# ---------------------------------------------------------------- in the recipient's language


def test_each_recipient_reads_the_message_in_their_own_language(
    bureau_user, django_capture_on_commit_callbacks
):
    english = UserFactory(role=Role.BUREAU, is_staff=True, language="en")
    agency = AgencyFactory(name="北京申请评估中心")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        applications_submit(
            agency=agency,
            key_areas=[KeyAreaFactory()],
            qualifications="资质",
            actor=evaluator_user(agency),
        )
    chinese_mail = next(m for m in mail.outbox if m.to == [bureau_user.email])
    english_mail = next(m for m in mail.outbox if m.to == [english.email])
    assert chinese_mail.subject == "重点领域申请待审核：北京申请评估中心"
    assert "请勿回复" in chinese_mail.body
    assert english_mail.subject.startswith("Key area application")
    assert "北京申请评估中心" in english_mail.subject
    assert "do not reply" in english_mail.body
    assert InboxMessage.objects.get(recipient=english).language == "en"


def test_the_sign_in_and_the_language_switch_set_the_message_language(
    client, enterprise_user, password
):
    assert enterprise_user.language == "zh-hans"
    submit(client, "/", {}, button=("language", "en"))  # switched before signing in
    submit(client, "/accounts/login/", {"username": enterprise_user.email, "password": password})
    enterprise_user.refresh_from_db()
    assert enterprise_user.language == "en"
    submit(client, "/notifications/", {}, button=("language", "zh-hans"))
    enterprise_user.refresh_from_db()
    assert enterprise_user.language == "zh-hans"


def test_notify_people_wants_text_it_can_translate(bureau_user):
    with pytest.raises(TypeError):
        inbox.notify_people(people=[bureau_user], subject="已翻译", body="已翻译")
