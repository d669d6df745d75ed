"""Demo rankings and leader list (idempotent), called from `seed_demo` after the experts and
evaluators demos, whose approved schemes, expert pool and demo evaluator it uses.

To make sure each ranking has candidates whatever the random demo declarations are, five
designed standards (`Q/LP…`) join each approved scheme: at the leading values, at the advanced
values, a mix, at the baseline (tier 1) and one below the baseline of a non-mandatory
indicator. Every one is a complete declaration within the mandatory national values, and the
demo evaluator scores them. Then the real services run:

- 房间空气调节器 (C-AC): ranking compiled, candidate list reviewed by drawn experts, a 7-day
  notice in the past, one objection upheld (that candidate removed with a public reason), the
  leader list published: a newcomer sees a published list, certificates and the 领跑者 mark.
- 电饭锅 (C-RICE): ranking compiled, nothing more: staff walk candidates → review → notice →
  publication in the browser.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from apps.catalog.enums import Direction
from apps.declarations.demo import minimal_pdf
from apps.declarations.enums import StandardStatus, StandardType, VersionStatus
from apps.declarations.models import IndicatorValue, Standard, StandardVersion
from apps.declarations.validators import decimal_text
from apps.evaluators.enums import CriterionKind, SchemeStatus
from apps.evaluators.models import AgencyMembership, Scheme
from apps.evaluators.services.scoring import assessment_score
from apps.experts.enums import Decision
from apps.experts.services.reviews import opinion_give
from apps.leaders.models import CandidateList, Ranking
from apps.leaders.services.candidate_lists import (
    candidate_list_create,
    candidate_list_send_to_review,
    candidate_list_transition,
)
from apps.leaders.services.objections import (
    objection_decide,
    objection_file,
    objection_send_to_review,
)
from apps.leaders.services.rankings import ranking_compile

# (category code, run the whole lifecycle to publication?)
SCHEMES = [("C-AC", True), ("C-RICE", False)]
# Profile of each designed standard and its two qualitative scores.
PROFILES = [
    ("leading", (95, 92)),
    ("advanced", (86, 84)),
    ("mixed", (90, 88)),
    ("baseline", (72, 70)),
    ("below", (80, 80)),
]


def load(enterprises, *, staff=None) -> dict[str, str]:
    """Returns what was done, by category code."""
    staff = staff or get_user_model().objects.filter(role="bureau").order_by("pk").first()
    if staff is None or len(enterprises) < len(PROFILES):
        return {}
    year = timezone.localdate().year
    done = {}
    for code, publish in SCHEMES:
        scheme = (
            Scheme.objects.filter(scheme_code=f"{year}-{code}-01", status=SchemeStatus.APPROVED)
            .select_related("category", "agency")
            .first()
        )
        if scheme is None or Ranking.objects.filter(scheme=scheme).exists():
            continue
        _designed_entrants(scheme, enterprises)
        ranking_compile(scheme=scheme, actor=staff)
        done[code] = "compiled"
        if publish and not CandidateList.objects.filter(scheme=scheme).exists():
            _publish(scheme, staff)
            done[code] = "published"
    return done


def _quantize(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _value(criterion, profile: str, position: int, below_code: str | None) -> Decimal:
    if profile == "leading" or (profile == "mixed" and position % 2 == 0):
        return criterion.leading
    if profile == "baseline":
        return criterion.baseline
    if profile == "below" and criterion.criterion_code == below_code:
        worse = (
            Decimal("0.95")
            if criterion.indicator.direction == Direction.HIGHER
            else Decimal("1.05")
        )
        return _quantize(criterion.baseline * worse)
    return criterion.advanced


def _designed_entrants(scheme: Scheme, enterprises) -> None:
    core = list(
        scheme.criteria.filter(kind=CriterionKind.CORE)
        .select_related("indicator")
        .order_by("position", "criterion_code")
    )
    below_code = next((c.criterion_code for c in core if not c.indicator.national_mandatory), None)
    published_on = timezone.localdate() - datetime.timedelta(days=120)
    membership = AgencyMembership.objects.filter(agency=scheme.agency).select_related("user")
    evaluator = membership.first().user if membership.exists() else None
    qualitative = list(scheme.criteria.filter(kind=CriterionKind.QUALITATIVE).order_by("position"))
    indicators = list(scheme.category.indicators.order_by("code"))
    for index, (profile, scores) in enumerate(PROFILES):
        if profile == "below" and below_code is None:
            continue
        enterprise = enterprises[index]
        number = (
            f"Q/LP{index + 1:02d} {scheme.category.code[2:]}{index + 1:02d}-{published_on.year}"
        )
        by_code = {
            c.criterion_code: _value(c, profile, position, below_code)
            for position, c in enumerate(core)
        }
        values = {
            i.code: by_code.get(i.code, i.national_value if i.national_value is not None else 10)
            for i in indicators
        }
        standard, created = Standard.objects.get_or_create(
            enterprise=enterprise,
            standard_no=number,
            defaults={
                "name": f"{scheme.category.name}企业标准",
                "category": scheme.category,
                "standard_type": StandardType.ENTERPRISE,
                "products": f"{scheme.category.name} LP-{index + 1}系列",
                "status": StandardStatus.PUBLIC,
                "published_on": published_on,
            },
        )
        if not created:
            continue
        _declare(standard, indicators, values)
        if evaluator is not None:
            for criterion, score in zip(qualitative, scores, strict=False):
                assessment_score(
                    scheme=scheme,
                    standard=standard,
                    criterion=criterion,
                    score=Decimal(score),
                    evaluator=evaluator,
                    actor=None,
                )


def _declare(standard: Standard, indicators, values: dict) -> None:
    """The values and a published first version, as the declarations demo writes them."""
    IndicatorValue.objects.bulk_create(
        IndicatorValue(standard=standard, indicator=i, value=Decimal(values[i.code]))
        for i in indicators
    )
    version = StandardVersion(
        standard=standard,
        number=1,
        status=VersionStatus.PUBLISHED,
        name=standard.name,
        category=standard.category,
        standard_type=standard.standard_type,
        products=standard.products,
        values={code: decimal_text(Decimal(v)) for code, v in values.items()},
        text_filename=f"{standard.standard_no.replace('/', '_')}.pdf",
        commitment_accepted_at=timezone.now(),
        published_at=timezone.now() - datetime.timedelta(days=120),
    )
    version.text_file.save(
        "standard.pdf", ContentFile(minimal_pdf(standard.standard_no)), save=False
    )
    version.save()


def _publish(scheme: Scheme, staff) -> CandidateList:
    """The whole lifecycle on past dates: review, a notice that ended ten days ago, an
    objection upheld against the last candidate, publication the day after the notice."""
    today = timezone.localdate()
    start = today - datetime.timedelta(days=scheme.notice_days + 10)
    candidate_list = candidate_list_create(scheme=scheme, actor=staff)
    _everyone_approves(
        candidate_list_send_to_review(candidate_list=candidate_list, size=3, actor=staff)
    )
    candidate_list = candidate_list_transition(
        candidate_list=candidate_list, to="notice", actor=staff, today=start
    )
    target = candidate_list.candidates.order_by("-position").first()
    objection = objection_file(
        consented=True,
        candidate=target,
        name="北京某检测技术有限公司",
        contact="010-00000000",
        grounds="该标准声明的核心指标值与我单位检测的同型号产品结果不一致，附检测报告。",
        today=start + datetime.timedelta(days=2),
    )
    _everyone_decides(
        objection_send_to_review(objection=objection, size=3, actor=staff),
        Decision.UPHELD,
        "检测报告可信，声明的核心指标值与产品实测不符，异议成立。",
    )
    objection_decide(
        objection=objection,
        upheld=True,
        finding="经专家复核检测报告，该标准声明的核心指标值与产品实测不符，取消其候选资格。",
        actor=staff,
        today=start + datetime.timedelta(days=5),
    )
    return candidate_list_transition(
        candidate_list=candidate_list,
        to="published",
        actor=staff,
        today=candidate_list.notice_ends_on + datetime.timedelta(days=1),
    )


def _everyone_approves(review) -> None:
    _everyone_decides(review, Decision.APPROVE, "同意")


def _everyone_decides(review, decision: str, comments: str) -> None:
    """Demo opinions: experts without a portal account are recorded by the seeding script
    (actor None), the demo expert account gives its own."""
    for member in review.members.select_related("expert__user"):
        opinion_give(member=member, decision=decision, comments=comments, actor=member.expert.user)
