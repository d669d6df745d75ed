"""Evaluation schemes: saving and validating, the scheme workflow, expert review, comments,
new versions and publishing results."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from apps.catalog.models import Category
from apps.core import audit
from apps.core.workflow import SYSTEM, Workflow, forward_pairs, require
from apps.evaluators import selectors
from apps.evaluators.enums import CriterionKind, SchemeStatus
from apps.evaluators.models import Agency, Scheme, SchemeComment, SchemeCriterion, default_cutoff
from apps.evaluators.services import waiting
from apps.evaluators.validation import REASON_REQUIRED, CriterionData, Problem, scheme_problems
from apps.experts.enums import Decision, ReviewKind
from apps.experts.selectors import review_comments
from apps.experts.services.reviews import review_draw

SCHEME_FIELDS = [
    "name",
    "max_leaders",
    "min_participants",
    "notice_days",
    "cutoff_date",
]
CRITERION_FIELDS = ["kind", "name", "weight", "baseline", "advanced", "leading"]


class SchemeInvalid(ValidationError):
    """A scheme breaks validation rules; `problems` keeps where each one is."""

    def __init__(self, problems: list[Problem]):
        super().__init__([problem.message for problem in problems])
        self.problems = problems


def criteria_of(scheme: Scheme) -> list[CriterionData]:
    return [
        CriterionData(
            criterion_code=c.criterion_code,
            kind=c.kind,
            name=c.name,
            weight=c.weight,
            baseline=c.baseline,
            advanced=c.advanced,
            leading=c.leading,
        )
        for c in scheme.criteria.all()
    ]


def _validate(scheme: Scheme, criteria: list[CriterionData], indicators=None) -> None:
    problems = scheme_problems(
        category=scheme.category,
        criteria=criteria,
        indicators=indicators,
        numbers={
            "max_leaders": scheme.max_leaders,
            "min_participants": scheme.min_participants,
            "notice_days": scheme.notice_days,
        },
    )
    if problems:
        raise SchemeInvalid(problems)


def scheme_frozen(code: str, change: str = "") -> str:
    """The message for a change to an approved scheme, which is frozen: the service's and,
    naming what would change (`change`), the import's (CONTRACT.md §2)."""
    if not change:
        return _("方案 %(code)s 已批准并冻结，修改须创建新版本") % {"code": code}
    return _("方案 %(code)s 已批准并冻结，%(change)s，修改须创建新版本") % {
        "code": code,
        "change": change,
    }


@transaction.atomic
def scheme_save(
    *,
    agency: Agency,
    year: int,
    category: Category,
    scheme_code: str,
    criteria: list[CriterionData],
    actor,
    scheme: Scheme | None = None,
    name: str = "",
    max_leaders: int = 5,
    min_participants: int = 3,
    notice_days: int = 7,
    cutoff_date: datetime.date | None = None,
    status: str = SchemeStatus.DRAFT,
    indicators=None,
) -> tuple[Scheme, bool]:
    """Create or replace a scheme and its criteria, after the one validation.

    From the evaluator's form `status` stays `draft` and the agency must be approved for the
    key area; staff imports may record a scheme approved elsewhere (`status=approved`)."""
    if scheme is None:
        scheme = Scheme.objects.select_for_update().filter(scheme_code=scheme_code).first()
    else:
        scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
    created = scheme is None
    scheme_agency_id, scheme_year, scheme_category_id = (
        (None, None, None) if created else (scheme.agency_id, scheme.year, scheme.category_id)
    )
    if actor is not None and status == SchemeStatus.DRAFT:  # an evaluator's draft
        if created:
            require(actor, "evaluators.act_for_agency", agency)
        else:
            require(actor, "evaluators.change_scheme", scheme)
            if scheme.status != SchemeStatus.DRAFT:
                raise ValidationError(_("只有草稿状态的方案可以修改"))
        if not selectors.is_approved_for(agency, year, category):
            raise ValidationError(
                _("评估机构未获准评估该重点领域（%(year)s年 %(category)s）")
                % {"year": year, "category": category.name}
            )
    else:  # staff recording a scheme (the import: actor None)
        require(actor, "evaluators.manage_schemes")
        if not created and scheme.status not in (SchemeStatus.DRAFT, SchemeStatus.APPROVED):
            raise ValidationError(
                _("方案 %(code)s 正在评审流程中（%(status)s），不能由导入修改")
                % {"code": scheme_code, "status": scheme.get_status_display()}
            )
    if indicators is None:
        indicators = {i.code: i for i in category.indicators.all()}
    for c in criteria:  # a core criterion is named after its indicator unless named
        if c.kind == CriterionKind.CORE and not c.name.strip() and c.criterion_code in indicators:
            c.name = indicators[c.criterion_code].name
    before = {} if created else audit.snapshot(scheme, [*SCHEME_FIELDS, "status"])
    old_criteria = [] if created else criteria_of(scheme)
    was_approved = not created and scheme.status == SchemeStatus.APPROVED
    scheme = scheme or Scheme(created_by=actor)
    scheme.scheme_code, scheme.year, scheme.category = scheme_code, year, category
    scheme.agency, scheme.name, scheme.max_leaders = agency, name, max_leaders
    scheme.min_participants, scheme.notice_days = min_participants, notice_days
    scheme.cutoff_date = cutoff_date or default_cutoff(year)
    if not created and (scheme.status, status) not in SCHEME_IMPORT_MOVES:
        raise ValidationError({"status": SCHEME.refusal(scheme.status, status)})
    scheme.status = status
    if status == SchemeStatus.APPROVED and scheme.approved_at is None:
        scheme.approved_at = timezone.now()
    _validate(scheme, criteria, indicators)
    if (
        status == SchemeStatus.APPROVED
        and Scheme.objects.filter(
            year=year, category=category, agency=agency, status=SchemeStatus.APPROVED
        )
        .exclude(pk=scheme.pk)
        .exists()
    ):
        raise ValidationError(
            _("本机构 %(year)s年 %(category)s 已有已批准的评估方案")
            % {"year": year, "category": category.name}
        )
    scheme.full_clean(exclude=["previous"])
    changes = audit.diff(before, audit.snapshot(scheme, [*SCHEME_FIELDS, "status"]))
    if not created and (scheme.agency_id, scheme.year, scheme.category_id) != (
        before_keys := (scheme_agency_id, scheme_year, scheme_category_id)
    ):
        changes["key_area"] = [list(map(str, before_keys)), [agency.uscc, year, category.code]]
    if old_criteria != criteria:
        changes["criteria"] = [
            [c.criterion_code for c in old_criteria],
            [c.criterion_code for c in criteria],
        ]
    if was_approved and (changes or status != SchemeStatus.APPROVED):
        # An approved scheme is frozen: re-importing it unchanged is fine, a change is not.
        raise ValidationError(scheme_frozen(scheme_code))
    if not (created or changes):
        return scheme, False
    try:
        with transaction.atomic():
            scheme.save()
    except IntegrityError as error:
        raise ValidationError(
            _("本机构 %(year)s年 %(category)s 已有已批准的评估方案")
            % {"year": year, "category": category.name}
        ) from error
    if "criteria" in changes:
        _replace_criteria(scheme, criteria, indicators)
    audit.record(
        actor=actor,
        action="scheme.create" if created else "scheme.update",
        target=scheme,
        changes=changes,
    )
    return scheme, created


def _replace_criteria(scheme: Scheme, criteria: list[CriterionData], indicators=None) -> None:
    if indicators is None:
        indicators = {i.code: i for i in scheme.category.indicators.all()}
    scheme.criteria.all().delete()
    SchemeCriterion.objects.bulk_create(
        SchemeCriterion(
            scheme=scheme,
            criterion_code=c.criterion_code,
            kind=c.kind,
            indicator=indicators[c.criterion_code] if c.kind == CriterionKind.CORE else None,
            name=c.name or indicators[c.criterion_code].name,
            weight=c.weight,
            baseline=c.baseline,
            advanced=c.advanced,
            leading=c.leading,
            position=position,
        )
        for position, c in enumerate(criteria)
    )


# The scheme workflow, as data: (from, to) -> who may make the move.
#   agency: an evaluator of the scheme's agency; staff: bureau staff;
#   review: the outcome of the expert review; system: another service (new version approved).
AGENCY = "evaluators.act_for_agency"  # an evaluator of the scheme's agency
STAFF = "evaluators.manage_schemes"  # bureau staff
SCHEME = Workflow(
    "scheme",
    SchemeStatus,
    noun=pgettext_lazy("workflow", "方案"),
    transitions={
        (SchemeStatus.DRAFT, SchemeStatus.SUBMITTED): AGENCY,
        (SchemeStatus.SUBMITTED, SchemeStatus.EXPERT_REVIEW): STAFF,
        (SchemeStatus.SUBMITTED, SchemeStatus.RETURNED): STAFF,
        # The outcome of the expert review (`scheme_review_closed`).
        (SchemeStatus.EXPERT_REVIEW, SchemeStatus.PUBLIC_COMMENT): SYSTEM,
        (SchemeStatus.EXPERT_REVIEW, SchemeStatus.RETURNED): SYSTEM,
        (SchemeStatus.PUBLIC_COMMENT, SchemeStatus.APPROVED): STAFF,
        (SchemeStatus.PUBLIC_COMMENT, SchemeStatus.RETURNED): STAFF,
        (SchemeStatus.RETURNED, SchemeStatus.DRAFT): AGENCY,
        # A new version approved supersedes the old one (`scheme_transition`).
        (SchemeStatus.APPROVED, SchemeStatus.SUPERSEDED): SYSTEM,
    },
)
# Moves back along it: a returned scheme goes back to a draft for rework. An import never
# moves a status back (CONTRACT.md §2): it may take a draft to approved, nothing back to draft.
SCHEME_MOVES_BACK = {(SchemeStatus.RETURNED, SchemeStatus.DRAFT)}
# What a staff import may set on a stored scheme: its status or one it reaches, never back.
SCHEME_IMPORT_MOVES = forward_pairs(SCHEME, back=SCHEME_MOVES_BACK)


def scheme_transition_refused(current: str, target: str) -> str:
    """The message for a move the workflow does not allow: the page's and the import's."""
    return SCHEME.refusal(current, target)


@transaction.atomic
def scheme_transition(*, scheme: Scheme, to: str, actor, reason: str = "") -> Scheme:
    """The scheme's one status-changing service."""
    scheme = Scheme.objects.select_for_update().select_related("category").get(pk=scheme.pk)
    SCHEME.check(scheme, to, actor)
    old = scheme.status
    fields = ["status", "updated_at"]
    today = timezone.localdate()
    if to == SchemeStatus.SUBMITTED:
        _validate(scheme, criteria_of(scheme))
        scheme.submitted_at, scheme.returned_reason = timezone.now(), ""
        fields += ["submitted_at", "returned_reason"]
    elif to == SchemeStatus.RETURNED:
        if not reason.strip():
            raise ValidationError({"reason": REASON_REQUIRED})
        scheme.returned_reason = reason.strip()
        fields.append("returned_reason")
    elif to == SchemeStatus.PUBLIC_COMMENT:
        scheme.public_comment_ends_on = today + datetime.timedelta(days=scheme.notice_days)
        fields.append("public_comment_ends_on")
    elif to == SchemeStatus.APPROVED:
        if scheme.public_comment_ends_on and today <= scheme.public_comment_ends_on:
            raise ValidationError(
                _("征求意见期至 %(date)s 结束，结束后方可批准")
                % {"date": scheme.public_comment_ends_on}
            )
        if scheme.previous_id:
            scheme_transition(scheme=scheme.previous, to=SchemeStatus.SUPERSEDED, actor=actor)
        scheme.approved_at = timezone.now()
        fields.append("approved_at")
    scheme.status = to
    try:
        with transaction.atomic():
            scheme.save(update_fields=fields)
    except IntegrityError as error:
        raise ValidationError(
            _("本机构 %(year)s年 %(category)s 已有已批准的评估方案")
            % {"year": scheme.year, "category": scheme.category.name}
        ) from error
    audit.record(
        actor=actor,
        action=f"scheme.{to}",
        target=scheme,
        changes={"status": [old, to], **({"reason": [None, reason]} if reason else {})},
    )
    waiting.scheme_moved(scheme, to=to)
    return scheme


@transaction.atomic
def scheme_start_review(*, scheme: Scheme, size: int, actor, seed: int | None = None):
    """Draw the experts for a submitted scheme and move it to expert review. Experts from the
    agency's own organisation or who declared a conflict with it are never drawn."""
    require(actor, "evaluators.manage_schemes")
    scheme = Scheme.objects.select_related("agency", "category").get(pk=scheme.pk)
    if scheme.status != SchemeStatus.SUBMITTED:
        raise ValidationError(_("只有已提交的方案可以送专家评审"))
    review = review_draw(
        target=scheme,
        kind=ReviewKind.SCHEME,
        title=str(scheme),
        category=scheme.category,
        size=size,
        excluded_usccs=[scheme.agency.uscc],
        actor=actor,
        seed=seed,
    )
    scheme_transition(scheme=scheme, to=SchemeStatus.EXPERT_REVIEW, actor=actor)
    return review


def scheme_review_closed(*, review, actor) -> None:
    """The expert review's majority decides: approve opens the public comment, anything else
    returns the scheme with the experts' comments as the reasons."""
    scheme = Scheme.objects.get(pk=review.object_id)
    if review.outcome == Decision.APPROVE:
        scheme = scheme_transition(scheme=scheme, to=SchemeStatus.PUBLIC_COMMENT, actor=actor)
    else:
        scheme = scheme_transition(
            scheme=scheme,
            to=SchemeStatus.RETURNED,
            actor=actor,
            reason=review_comments(review) or _("专家评审未通过"),
        )
    waiting.scheme_review_closed(scheme, outcome=review.outcome)


@transaction.atomic
def scheme_comment_add(
    *, scheme: Scheme, author_name: str, text: str, consented: bool, contact: str = "", user=None
) -> SchemeComment:
    """Anyone may comment while the scheme is in its public comment period, having agreed to
    the form's privacy notice (`consented`; the time is kept on the comment)."""
    if not consented:
        raise ValidationError({"privacy_consent": _("请阅读并同意个人信息处理说明后再提交")})
    scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
    if scheme.status != SchemeStatus.PUBLIC_COMMENT or (
        scheme.public_comment_ends_on and timezone.localdate() > scheme.public_comment_ends_on
    ):
        raise ValidationError(_("该方案不在公开征求意见期内"))
    comment = SchemeComment(
        scheme=scheme,
        author_name=author_name.strip(),
        contact=contact.strip(),
        text=text.strip(),
        privacy_consent_at=timezone.now(),
        user=user if user is not None and user.is_authenticated else None,
    )
    comment.full_clean()
    comment.save()
    audit.record(
        actor=user, action="scheme.comment", target=scheme, changes={"comment": [None, comment.pk]}
    )
    return comment


@transaction.atomic
def scheme_new_version(*, scheme: Scheme, scheme_code: str, actor) -> Scheme:
    """An approved scheme is frozen; a change starts a new draft version that replaces it
    once approved."""
    scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
    require(actor, "evaluators.act_for_agency", scheme)
    if scheme.status != SchemeStatus.APPROVED:
        raise ValidationError(_("只有已批准的方案可以创建新版本"))
    if Scheme.objects.filter(previous=scheme).exists():
        raise ValidationError(_("该方案已有新版本"))
    if Scheme.objects.filter(scheme_code=scheme_code).exists():
        raise ValidationError(
            {"scheme_code": _("方案编号 %(code)s 已存在") % {"code": scheme_code}}
        )
    criteria = list(scheme.criteria.all())
    new = Scheme.objects.create(
        scheme_code=scheme_code,
        year=scheme.year,
        category=scheme.category,
        agency=scheme.agency,
        name=scheme.name,
        version=scheme.version + 1,
        previous=scheme,
        max_leaders=scheme.max_leaders,
        min_participants=scheme.min_participants,
        notice_days=scheme.notice_days,
        cutoff_date=scheme.cutoff_date,
        created_by=actor,
    )
    for criterion in criteria:
        criterion.pk, criterion.scheme = None, new
    SchemeCriterion.objects.bulk_create(criteria)
    audit.record(
        actor=actor,
        action="scheme.new_version",
        target=new,
        changes={"previous": [None, scheme.scheme_code]},
    )
    return new


@transaction.atomic
def scheme_results_publish(*, scheme: Scheme, actor) -> Scheme:
    """From now on each enterprise sees its own assessments under this scheme. Called when the
    ranking is compiled."""
    require(actor, "evaluators.manage_schemes")
    scheme = Scheme.objects.select_for_update().get(pk=scheme.pk)
    if scheme.status != SchemeStatus.APPROVED:
        raise ValidationError(_("只有已批准的方案可以公布评估结果"))
    if scheme.results_published_at is None:
        scheme.results_published_at = timezone.now()
        scheme.save(update_fields=["results_published_at", "updated_at"])
        audit.record(actor=actor, action="scheme.results_publish", target=scheme)
    return scheme
