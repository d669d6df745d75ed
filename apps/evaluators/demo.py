"""Demo evaluation: an agency with the demo evaluator account, approved key areas, approved
schemes for two demo categories (thresholds derived from the national values), a submitted
scheme ready for an expert draw, and, when demo standards exist, the demo evaluator's scores
of every entrant of the approved schemes."""

import random
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from apps.catalog.enums import Direction
from apps.catalog.models import Category, KeyArea
from apps.core.uscc import check_character
from apps.evaluators import selectors
from apps.evaluators.enums import AgencyKind, ApplicationStatus, CriterionKind, SchemeStatus
from apps.evaluators.models import Agency, AgencyMembership, KeyAreaApplication, Scheme
from apps.evaluators.services.agencies import agency_save
from apps.evaluators.services.schemes import scheme_save, scheme_transition
from apps.evaluators.services.scoring import assessment_score
from apps.evaluators.validation import CriterionData

DEMO_EVALUATOR_EMAIL = "evaluator@demo.leaders.cn"
APPROVED = ["C-AC", "C-RICE"]
SUBMITTED = ["C-WASH"]
PENDING = ["C-HOOD"]
QUALITATIVE = [("COMPLETENESS", "指标全面性"), ("CONFORMITY", "编写规范性")]


def agency_uscc() -> str:
    """A valid USCC of a social organisation (51 = 社会团体) in Xicheng."""
    first17 = "51110102MJ0000001"
    return first17 + check_character(first17)


def _round(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def criteria_for(category: Category) -> list[CriterionData]:
    """Core criteria for every indicator: baseline at the national value (or 10), advanced and
    leading 10 % and 20 % better; core weights share 60, the two qualitative ones 20 each."""
    indicators = list(category.indicators.order_by("code"))
    share = Decimal(60) / len(indicators)
    weights = [_round(share) for _ in indicators]
    weights[-1] = Decimal(60) - sum(weights[:-1])
    criteria = []
    for indicator, weight in zip(indicators, weights, strict=True):
        base = indicator.national_value if indicator.national_value is not None else Decimal(10)
        sign = 1 if indicator.direction == Direction.HIGHER else -1
        criteria.append(
            CriterionData(
                criterion_code=indicator.code,
                kind=CriterionKind.CORE,
                weight=weight,
                baseline=_round(base),
                advanced=_round(base * (1 + sign * Decimal("0.1"))),
                leading=_round(base * (1 + sign * Decimal("0.2"))),
            )
        )
    criteria += [
        CriterionData(code, CriterionKind.QUALITATIVE, name, Decimal(20))
        for code, name in QUALITATIVE
    ]
    return criteria


def load() -> Agency:
    """Idempotent: existing demo rows are kept as they are."""
    year = timezone.localdate().year
    agency, _created = agency_save(
        uscc=agency_uscc(),
        name="北京市标准化协会",
        kind=AgencyKind.ASSOCIATION,
        contact_email="eval@demo.leaders.cn",
        qualifications="承担多项团体标准制修订和企业标准“领跑者”评估工作；评估不向企业收费。",
        actor=None,
    )
    evaluator = get_user_model().objects.filter(email=DEMO_EVALUATOR_EMAIL).first()
    if evaluator is not None:
        AgencyMembership.objects.get_or_create(user=evaluator, defaults={"agency": agency})
    categories = Category.objects.in_bulk([*APPROVED, *SUBMITTED, *PENDING], field_name="code")
    for code, category in categories.items():
        key_area, _ = KeyArea.objects.get_or_create(year=year, category=category)
        KeyAreaApplication.objects.get_or_create(
            agency=agency,
            key_area=key_area,
            defaults={
                "qualifications": "具备该领域标准化技术人员和检测资源",
                "status": ApplicationStatus.PENDING
                if code in PENDING
                else ApplicationStatus.APPROVED,
            },
        )
    for code in [*APPROVED, *SUBMITTED]:
        category = categories.get(code)
        scheme_code = f"{year}-{code}-01"
        if category is None or Scheme.objects.filter(scheme_code=scheme_code).exists():
            continue
        scheme, _ = scheme_save(
            agency=agency,
            year=year,
            category=category,
            scheme_code=scheme_code,
            name=f"{year}年{category.name}企业标准“领跑者”评估方案",
            criteria=criteria_for(category),
            status=SchemeStatus.APPROVED if code in APPROVED else SchemeStatus.DRAFT,
            actor=None,
        )
        if code in SUBMITTED:
            scheme_transition(scheme=scheme, to=SchemeStatus.SUBMITTED, actor=None)
        elif evaluator is not None:
            _score(scheme, evaluator)
    return agency


def _score(scheme: Scheme, evaluator) -> None:
    """The demo evaluator scores every entrant (if the demo standards exist)."""
    rng = random.Random(scheme.scheme_code)
    criteria = selectors.qualitative_criteria(scheme)
    for standard in selectors.entrants_for_evaluator(scheme, evaluator):
        for criterion in criteria:
            assessment_score(
                scheme=scheme,
                standard=standard,
                criterion=criterion,
                score=Decimal(rng.randint(60, 98)),
                evaluator=evaluator,
                actor=None,
            )
