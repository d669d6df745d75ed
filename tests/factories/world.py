"""One small world with every role and every object state that a permission decision turns
on, for the permission matrix (tests/security/test_permission_matrix.py).

Users (`World.users`, keyed by role name):
    anon        no one signed in
    ent_a       enterprise A's active user          ent_b      enterprise B's active user
    eval_a      evaluator of agency 1 (the schemes' agency; conflicted with enterprise B)
    eval_b      evaluator of agency 2
    expert      an expert drawn for every review    expert_x   an appointed expert never drawn
    bureau      bureau staff (is_staff)             partner    a user of provider X
    admin       the emergency superuser (role `emergency`)
    sysadm      the system administrator         secadm     the security administrator
    audadm      the audit administrator (三员分立: docs/security.md "Three administrators")

Objects (`World.objects`, keyed by a short state name) are listed in `build_world`.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from apps.accounts.enums import Role
from apps.core.models import ImportRun
from apps.declarations.models import Synonym
from apps.enterprises.models import EnterpriseNameChange
from apps.evaluators.models import Assessment, EvaluatorConflict, SchemeComment, SchemeCriterion
from apps.evaluators.services.schemes import scheme_start_review
from apps.experts.models import Review
from apps.incentives import services as incentives
from apps.leaders.models import Candidate, Leader, Notification
from apps.leaders.services.candidate_lists import (
    candidate_list_create,
    candidate_list_send_to_review,
    candidate_list_transition,
)
from apps.leaders.services.jobs import ranking_jobs_queue
from apps.leaders.services.objections import objection_file, objection_send_to_review
from apps.leaders.services.rankings import ranking_compile
from apps.supervision import services as supervision
from tests.factories.accounts import UserFactory
from tests.factories.declarations import PDF_BYTES, StandardVersionFactory
from tests.factories.enterprises import EnterpriseFactory, MembershipFactory
from tests.factories.evaluators import (
    AgencyFactory,
    ApplicationFactory,
    EvaluatorMembershipFactory,
    KeyAreaFactory,
    StandardFactory,
    approved_scheme,
    indicator_values,
)
from tests.factories.experts import ExpertFactory
from tests.factories.incentives import (
    EnterprisePilotFactory,
    ProgrammeFactory,
    ProviderFactory,
    valid_leader,
)
from tests.factories.lifecycle import TOP, review
from tests.factories.news import ArticleFactory
from tests.factories.uscc import make_uscc

ROLES = (
    "anon",
    "ent_a",
    "ent_b",
    "eval_a",
    "eval_b",
    "expert",
    "expert_x",
    "bureau",
    "partner",
    "admin",
    "sysadm",
    "secadm",
    "audadm",
)


@dataclass
class World:
    users: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)


def _pdf(name="text.pdf"):
    return SimpleUploadedFile(name, PDF_BYTES, content_type="application/pdf")


def _standard(enterprise, category, *, status="public", version_status="published"):
    standard = StandardFactory(enterprise=enterprise, category=category, status=status)
    StandardVersionFactory(
        standard=standard,
        status=version_status,
        category=category,
        text_file=ContentFile(PDF_BYTES, name="standard.pdf"),
    )
    return standard


def _entrants(scheme, evaluator, enterprises):
    """One public standard per enterprise in the scheme's category, fully scored."""
    criteria = {c.criterion_code: c for c in SchemeCriterion.objects.filter(scheme=scheme)}
    standards = []
    for index, enterprise in enumerate(enterprises):
        standard = _standard(enterprise, scheme.category)
        indicator_values(standard, **TOP)
        for code in ("Q1", "Q2"):
            Assessment.objects.create(
                scheme=scheme,
                standard=standard,
                evaluator=evaluator,
                criterion=criteria[code],
                score=Decimal(90 - 5 * index),
            )
        standards.append(standard)
    return standards


def build_world() -> World:
    world = World()
    users, objects = world.users, world.objects
    today = timezone.localdate()

    # ---- people
    ent_a_membership = MembershipFactory()
    ent_b_membership = MembershipFactory()
    enterprise_a, enterprise_b = ent_a_membership.enterprise, ent_b_membership.enterprise
    agency_1, agency_2 = AgencyFactory(), AgencyFactory()
    eval_a = EvaluatorMembershipFactory(agency=agency_1).user
    eval_b = EvaluatorMembershipFactory(agency=agency_2).user
    bureau = UserFactory(role=Role.BUREAU, is_staff=True)
    admin = UserFactory(role=Role.EMERGENCY, is_staff=True, is_superuser=True)
    provider_x, provider_y = ProviderFactory(), ProviderFactory()
    partner = UserFactory(role=Role.PARTNER)
    provider_x.memberships.create(user=partner)
    users.update(
        anon=None,
        ent_a=ent_a_membership.user,
        ent_b=ent_b_membership.user,
        eval_a=eval_a,
        eval_b=eval_b,
        bureau=bureau,
        partner=partner,
        admin=admin,
        sysadm=UserFactory(role=Role.ADMINISTRATOR),
        secadm=UserFactory(role=Role.SECURITY_ADMIN),
        audadm=UserFactory(role=Role.AUDIT_ADMIN),
    )
    EvaluatorConflict.objects.create(evaluator=eval_a, enterprise=enterprise_b, reason="亲属任职")

    # ---- schemes of agency 1 in each state; agency 2's approved scheme
    scheme_ranked = approved_scheme(agency=agency_1, code="S-RANKED")  # list in notice
    scheme_review_list = approved_scheme(agency=agency_1, code="S-LISTREVIEW")
    scheme_published = approved_scheme(agency=agency_1, code="S-PUBLISHED")
    scheme_unranked = approved_scheme(agency=agency_1, code="S-UNRANKED")  # not compiled
    scheme_draft = approved_scheme(agency=agency_1, code="S-DRAFT", status="draft")
    scheme_submitted = approved_scheme(agency=agency_1, code="S-SUBMITTED", status="submitted")
    scheme_other = approved_scheme(agency=agency_2, code="S-OTHER")
    categories = [
        s.category
        for s in (
            scheme_ranked,
            scheme_review_list,
            scheme_published,
            scheme_unranked,
            scheme_draft,
            scheme_submitted,
            scheme_other,
        )
    ]

    # Experts: `expert` and two fillers cover every category, so every draw of three takes
    # them all; `expert_x` has no specialty and is never drawn.
    expert = ExpertFactory(specialties=categories)
    for _ in range(2):
        ExpertFactory(specialties=categories)
    expert_x = ExpertFactory()
    users.update(expert=expert.user, expert_x=expert_x.user)

    # ---- standards: A's and B's public standards are ranked in S-RANKED; drafts of both
    standard_a, standard_b = _entrants(scheme_ranked, eval_a, [enterprise_a, enterprise_b])
    _entrants(scheme_ranked, eval_a, [EnterpriseFactory(), EnterpriseFactory()])
    _entrants(scheme_unranked, eval_a, [enterprise_a, enterprise_b])
    for scheme in (scheme_review_list, scheme_published):
        _entrants(scheme, eval_a, [EnterpriseFactory() for _ in range(3)])
    draft_a = _standard(enterprise_a, categories[0], status="draft", version_status="draft")
    draft_b = _standard(enterprise_b, categories[0], status="draft", version_status="draft")
    abolished_b = _standard(enterprise_b, categories[1], status="abolished")

    # ---- rankings and candidate lists: in expert review, in notice, published
    for scheme in (scheme_ranked, scheme_review_list, scheme_published):
        ranking_compile(scheme=scheme)
    list_in_review = candidate_list_create(scheme=scheme_review_list, actor=bureau)
    list_review = candidate_list_send_to_review(candidate_list=list_in_review, size=3, actor=bureau)
    list_in_notice = candidate_list_create(scheme=scheme_ranked, actor=bureau)
    review(candidate_list_send_to_review(candidate_list=list_in_notice, size=3, actor=bureau))
    list_in_notice.refresh_from_db()
    list_in_notice = candidate_list_transition(
        candidate_list=list_in_notice, to="notice", actor=bureau, today=today
    )
    list_published = candidate_list_create(scheme=scheme_published, actor=bureau)
    review(candidate_list_send_to_review(candidate_list=list_published, size=3, actor=bureau))
    list_published.refresh_from_db()
    candidate_list_transition(candidate_list=list_published, to="notice", actor=bureau, today=today)
    list_published.refresh_from_db()
    list_published = candidate_list_transition(
        candidate_list=list_published,
        to="published",
        actor=bureau,
        today=today + datetime.timedelta(days=scheme_published.notice_days + 1),
    )
    candidate_b = Candidate.objects.get(candidate_list=list_in_notice, standard=standard_b)
    objection = objection_file(
        consented=True,
        candidate=candidate_b,
        name="张三",
        contact="13800000000",
        grounds="该企业标准的能效指标与实测不符",
        attachment=_pdf("证据.pdf"),
        ip_address="127.0.0.1",
    )
    objection_review = objection_send_to_review(objection=objection, size=3, actor=bureau)
    objection_plain = objection_file(
        consented=True,
        candidate=candidate_b,
        name="李四",
        contact="13900000000",
        grounds="没有附件的异议",
        ip_address="127.0.0.1",
    )

    # ---- a scheme in expert review (expert drawn) and its review
    scheme_in_review_review = scheme_start_review(scheme=scheme_submitted, size=3, actor=bureau)
    scheme_submitted.refresh_from_db()
    other_review = Review.objects.exclude(members__expert=expert).first()
    assert other_review is None, "every review draws `expert`"

    # ---- leaders, incentives: A (a leader) applied to programmes of provider X and Y
    leader_a = valid_leader(enterprise_a)
    leader_published = Leader.objects.filter(
        category=scheme_published.category, year=scheme_published.year
    ).first()
    programme_x = ProgrammeFactory(provider=provider_x, code="programme-x")
    programme_y = ProgrammeFactory(provider=provider_y, code="programme-y")
    programme_hidden = ProgrammeFactory(
        provider=provider_x, code="programme-hidden", published=False
    )
    applications = {}
    for key, programme in (("x", programme_x), ("y", programme_y)):
        applications[key] = incentives.application_submit(
            programme=programme,
            enterprise=enterprise_a,
            documents={name: _pdf() for name in programme.required_documents},
            actor=users["ent_a"],
        )
    token, _key = incentives.partner_token_issue(actor=partner, name="贷款审批系统")

    # ---- spot checks: a draft plan and an approved plan
    for n in range(5):
        ExpertFactory(
            email=f"inspector{n}@example.cn",
            user=None,
            roles=["inspector"],
            organisation_uscc=make_uscc(70000 + n, division="110105"),
        )
    plan_draft = supervision.plan_generate(year=2031, seed=1, rate=Decimal("1"))
    plan_approved = supervision.plan_generate(year=2030, seed=2, rate=Decimal("1"))
    supervision.plan_approve(plan=plan_approved, actor=bureau)

    # ---- registrations, agency applications, notifications, news
    pending_membership = MembershipFactory(status="pending")
    pending_application = ApplicationFactory(
        agency=agency_2,
        key_area=KeyAreaFactory(category=categories[0], year=2027),
        status="pending",
    )
    Notification.objects.create(
        enterprise=enterprise_a, kind="notice_start", subject="公示", body="公示开始"
    )
    article = ArticleFactory()
    article_future = ArticleFactory(
        published_at=timezone.now() + datetime.timedelta(days=3), title="未发布的新闻"
    )

    objects.update(
        enterprise_a=enterprise_a,
        enterprise_b=enterprise_b,
        agency_1=agency_1,
        agency_2=agency_2,
        standard_a=standard_a,
        standard_b=standard_b,
        draft_a=draft_a,
        draft_b=draft_b,
        abolished_b=abolished_b,
        scheme_approved=scheme_ranked,
        scheme_unranked=scheme_unranked,
        scheme_draft=scheme_draft,
        scheme_in_review=scheme_submitted,
        scheme_other=scheme_other,
        list_in_review=list_in_review,
        list_in_notice=list_in_notice,
        list_published=list_published,
        list_review=list_review,
        scheme_review=scheme_in_review_review,
        objection=objection,
        objection_plain=objection_plain,
        objection_review=objection_review,
        leader_a=leader_a,
        leader_published=leader_published,
        programme_x=programme_x,
        programme_y=programme_y,
        programme_hidden=programme_hidden,
        application_x=applications["x"],
        application_y=applications["y"],
        document_x=applications["x"].documents.first(),
        document_y=applications["y"].documents.first(),
        token=token,
        plan_draft=plan_draft,
        plan_approved=plan_approved,
        item_draft=plan_draft.items.first(),
        item_approved=plan_approved.items.first(),
        pending_membership=pending_membership,
        pending_application=pending_application,
        article=article,
        article_future=article_future,
        expert=expert,
        today=today,
    )
    for obj in (list_in_review, plan_approved):
        obj.refresh_from_db()
    # Objects the admin's own pages need: an import run and a two-factor device.
    objects["import_run"] = ImportRun.objects.create(
        kind="categories",
        source="admin",
        status="invalid",
        actor=bureau,
        file_name="categories.csv",
        sha256="0" * 64,
    )
    # An evaluator's score file for the approved scheme, checked and waiting for its confirm.
    objects["score_upload"] = ImportRun.objects.create(
        kind="assessments",
        source="workspace",
        workspace="evaluator_scores",
        scope={"scheme": scheme_ranked.pk},
        status="validated",
        dry_run=True,
        actor=eval_a,
        file_name="scores.csv",
        sha256="0" * 64,
    )
    objects["totp_device"] = TOTPDevice.objects.create(user=admin, name="手机", confirmed=False)
    # One row of every model the admin lists, so each change, history and delete page exists.
    Group.objects.create(name="审核组")
    access = {"user_agent": "matrix", "ip_address": "127.0.0.1", "username": "x@example.cn"}
    access.update(http_accept="text/html", path_info="/accounts/login/")
    AccessAttempt.objects.create(**access, get_data="", post_data="", failures_since_start=1)
    AccessFailureLog.objects.create(**access, locked_out=False)
    AccessLog.objects.create(**access)
    SchemeComment.objects.create(scheme=scheme_other, author_name="王五", text="意见")
    Synonym.objects.get_or_create(term="空调", canonical="空气调节器")
    expert_x.conflicts.create(
        uscc=enterprise_a.uscc, organisation=enterprise_a.name, reason="曾任职"
    )
    ranking_jobs_queue(schemes=[scheme_unranked], actor=bureau)
    incentives.credit_records_sync()
    objects["pilot_tag"] = EnterprisePilotFactory(enterprise=enterprise_a)
    EnterpriseNameChange.objects.create(
        enterprise=enterprise_a, old_name=enterprise_a.name, new_name="甲企业更名后有限公司"
    )
    return world
