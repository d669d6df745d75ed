"""Demo data for rankings and leader lists (idempotent), called from `seed_demo`.

The evaluation side has no demo module yet, so this one creates what it needs: a demo agency
with the demo evaluator, three appointed experts (the demo expert account and two without
accounts), two approved schemes of this year with their assessments, and a few standards with
designed indicator values. Then it runs the real services:

- 房间空气调节器 (C-AC): ranking compiled, candidate list reviewed, noticed, one objection upheld
  (that candidate removed with a public reason), leader list published: the newcomer sees a
  published list, certificates and the 领跑者 mark.
- 洗衣机 (C-WASH): ranking compiled, nothing more: staff can walk candidates → review →
  notice → publication in the browser (the demo expert is the only one drawn).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from apps.catalog.models import Category, Indicator
from apps.declarations.demo import minimal_pdf
from apps.declarations.enums import StandardStatus, StandardType, VersionStatus
from apps.declarations.models import IndicatorValue, Standard, StandardVersion
from apps.declarations.validators import decimal_text
from apps.evaluators.enums import SchemeStatus
from apps.evaluators.models import (
    Agency,
    AgencyMembership,
    Assessment,
    KeyAreaApplication,
    Scheme,
    SchemeCriterion,
)
from apps.experts import services as experts
from apps.experts.enums import Decision, ExpertStatus
from apps.experts.models import Expert
from apps.leaders import services
from apps.leaders.models import CandidateList

EXPERTS = [
    ("expert@demo.leaders.cn", "王立新", "北京市标准化研究院"),
    ("expert-b@demo.leaders.cn", "陈思远", "中国家用电器研究院"),
    ("expert-c@demo.leaders.cn", "刘海燕", "北京工业大学"),
]
# (criterion, thresholds baseline/advanced/leading, weight); Q1, Q2 qualitative 15 each.
SCHEMES = {
    "C-AC": {
        "core": [
            ("APF", ("4.20", "4.50", "5.00"), 25),
            ("NOISE", ("42", "38", "35"), 25),
            ("STANDBY", ("1.0", "0.8", "0.5"), 20),
        ],
        # Every indicator of the category is declared (a complete declaration), none worse
        # than a mandatory national value; the fifth is below the scheme's stricter baseline.
        "values": [
            {"APF": "5.20", "NOISE": "34", "STANDBY": "0.45"},
            {"APF": "4.80", "NOISE": "37", "STANDBY": "0.60"},
            {"APF": "5.10", "NOISE": "36", "STANDBY": "0.70"},
            {"APF": "4.60", "NOISE": "39", "STANDBY": "0.50"},
            {"APF": "4.10", "NOISE": "40", "STANDBY": "0.90"},
            {"APF": "4.70", "NOISE": "37", "STANDBY": "0.55"},
        ],
        "cutoff_days_ago": 60,
        "publish": True,
    },
    "C-WASH": {
        "core": [
            ("CLEAN", ("0.85", "0.90", "1.00"), 25),
            ("WATER", ("12", "10", "8"), 25),
            ("ENERGY", ("0.15", "0.13", "0.11"), 20),
        ],
        "values": [
            {"CLEAN": "1.02", "WATER": "7.5", "ENERGY": "0.10", "NOISE": "52"},
            {"CLEAN": "0.93", "WATER": "9.5", "ENERGY": "0.12", "NOISE": "55"},
            {"CLEAN": "0.95", "WATER": "8.0", "ENERGY": "0.125", "NOISE": "54"},
            {"CLEAN": "0.86", "WATER": "11", "ENERGY": "0.14", "NOISE": "58"},
            {"CLEAN": "0.82", "WATER": "11.5", "ENERGY": "0.145", "NOISE": "60"},
            {"CLEAN": "0.92", "WATER": "9.0", "ENERGY": "0.12", "NOISE": "56"},
        ],
        "cutoff_days_ago": 1,
        "publish": False,
    },
}
QUALITY = [(92, 88), (84, 80), (90, 86), (75, 72), (70, 70), (None, None)]


def _agency_uscc() -> str:
    from apps.core.uscc import check_character

    first17 = "12110000MB0000001"
    return first17 + check_character(first17)


def load(enterprises, *, staff=None) -> dict:
    """Create the demo rankings and leader list. Returns what was created, by scheme."""
    User = get_user_model()
    staff = staff or User.objects.filter(role="bureau").order_by("pk").first()
    if staff is None or len(enterprises) < 4:
        return {}
    agency = _agency()
    result = {}
    for code, design in SCHEMES.items():
        category = Category.objects.filter(code=code).first()
        if category is None:
            continue
        scheme_code = f"DEMO-{code}-{timezone.localdate().year}"
        if Scheme.objects.filter(scheme_code=scheme_code).exists():
            continue
        _experts(category, only_demo_account=not design["publish"])
        scheme = _scheme(scheme_code, category, agency, design)
        _standards_and_scores(scheme, enterprises, design)
        services.ranking_compile(scheme=scheme, actor=staff)
        result[code] = "compiled"
        if design["publish"]:
            _publish(scheme, staff)
            result[code] = "published"
    return result


def _agency() -> Agency:
    agency, _ = Agency.objects.get_or_create(
        uscc=_agency_uscc(),
        defaults={"name": "北京市标准化评估中心（演示）", "kind": "standardization_body"},
    )
    evaluator = get_user_model().objects.filter(role="evaluator").order_by("pk").first()
    if evaluator is not None and not AgencyMembership.objects.filter(user=evaluator).exists():
        AgencyMembership.objects.create(user=evaluator, agency=agency)
    return agency


def _experts(category: Category, *, only_demo_account: bool) -> None:
    User = get_user_model()
    for index, (email, name, organisation) in enumerate(EXPERTS):
        if only_demo_account and index > 0:
            continue
        expert, _ = Expert.objects.get_or_create(
            email=email,
            defaults={
                "name": name,
                "organisation": organisation,
                "roles": ["committee"],
                "status": ExpertStatus.APPOINTED,
                "appointed_on": timezone.localdate() - datetime.timedelta(days=400),
                "user": User.objects.filter(email=email, role="expert").first(),
            },
        )
        expert.specialties.add(category)


def _scheme(scheme_code: str, category: Category, agency: Agency, design: dict) -> Scheme:
    from apps.catalog import services as catalog

    today = timezone.localdate()
    key_area = catalog.key_area_ensure(year=today.year, category=category)
    KeyAreaApplication.objects.get_or_create(
        agency=agency,
        key_area=key_area,
        defaults={"qualifications": "标准化技术机构，具备评估能力", "status": "approved"},
    )
    scheme = Scheme.objects.create(
        scheme_code=scheme_code,
        year=today.year,
        category=category,
        agency=agency,
        name=f"{today.year}年度{category.name}企业标准排行评估方案",
        status=SchemeStatus.APPROVED,
        max_leaders=3,
        min_participants=3,
        notice_days=7,
        cutoff_date=today - datetime.timedelta(days=design["cutoff_days_ago"]),
        approved_at=timezone.now() - datetime.timedelta(days=120),
    )
    indicators = {i.code: i for i in Indicator.objects.filter(category=category)}
    rows = [(code, "core", weight, t) for code, t, weight in design["core"]]
    rows += [("Q1", "qualitative", 15, None), ("Q2", "qualitative", 15, None)]
    for position, (code, kind, weight, thresholds) in enumerate(rows):
        SchemeCriterion.objects.create(
            scheme=scheme,
            criterion_code=code,
            kind=kind,
            indicator=indicators[code] if kind == "core" else None,
            name=indicators[code].name
            if kind == "core"
            else {"Q1": "指标全面性", "Q2": "标准编写规范性"}[code],
            weight=Decimal(weight),
            baseline=Decimal(thresholds[0]) if thresholds else None,
            advanced=Decimal(thresholds[1]) if thresholds else None,
            leading=Decimal(thresholds[2]) if thresholds else None,
            position=position,
        )
    return scheme


def _standards_and_scores(scheme: Scheme, enterprises, design: dict) -> None:
    """One designed standard per demo enterprise, plus scores for every entrant of the
    category (the sixth designed one is left unscored: `not_assessed`)."""
    indicators = {i.code: i for i in Indicator.objects.filter(category=scheme.category)}
    published_on = scheme.cutoff_date - datetime.timedelta(days=90)
    quality = {}
    for index, (enterprise, values) in enumerate(zip(enterprises, design["values"], strict=False)):
        standard, created = Standard.objects.get_or_create(
            enterprise=enterprise,
            standard_no=f"Q/LP{index + 1:02d} {scheme.category.code[2:]}{index + 1:02d}"
            f"-{published_on.year}",
            defaults={
                "category": scheme.category,
                "name": f"{scheme.category.name}企业标准（领跑者评估）",
                "standard_type": StandardType.ENTERPRISE,
                "products": f"{scheme.category.name} LP-{index + 1}系列",
                "status": StandardStatus.PUBLIC,
                "published_on": published_on,
            },
        )
        if created:
            IndicatorValue.objects.bulk_create(
                IndicatorValue(standard=standard, indicator=indicators[code], value=Decimal(v))
                for code, v in values.items()
            )
            version = StandardVersion(
                standard=standard,
                number=1,
                status=VersionStatus.PUBLISHED,
                name=standard.name,
                category=scheme.category,
                standard_type=standard.standard_type,
                products=standard.products,
                values={code: decimal_text(Decimal(v)) for code, v in values.items()},
                text_filename=f"{standard.standard_no.replace('/', '_')}.pdf",
                commitment_accepted_at=timezone.now(),
                published_at=timezone.now() - datetime.timedelta(days=90),
            )
            version.text_file.save(
                "standard.pdf", ContentFile(minimal_pdf(standard.standard_no)), save=False
            )
            version.save()
        quality[standard.pk] = QUALITY[index]
    evaluator = AgencyMembership.objects.filter(agency=scheme.agency).select_related("user").first()
    if evaluator is None:
        return
    criteria = {c.criterion_code: c for c in scheme.criteria.filter(kind="qualitative")}
    entrants = Standard.objects.filter(
        category=scheme.category,
        status=StandardStatus.PUBLIC,
        published_on__lte=scheme.cutoff_date,
    ).order_by("enterprise__uscc", "standard_no")
    rows = []
    for position, standard in enumerate(entrants):
        q1, q2 = quality.get(standard.pk, (65, 60 + position % 20))
        if q1 is None:
            continue
        for code, score in (("Q1", q1), ("Q2", q2)):
            rows.append(
                Assessment(
                    scheme=scheme,
                    standard=standard,
                    evaluator=evaluator.user,
                    criterion=criteria[code],
                    score=Decimal(min(score, 100)),
                )
            )
    Assessment.objects.bulk_create(rows)


def _publish(scheme: Scheme, staff) -> CandidateList:
    """Run the whole lifecycle on past dates: review, a 7-day notice ending 10 days ago, an
    objection upheld against the last candidate, publication the day after the notice."""
    today = timezone.localdate()
    start = today - datetime.timedelta(days=scheme.notice_days + 10)
    candidate_list = services.candidate_list_create(scheme=scheme, actor=staff)
    _everyone_approves(
        services.candidate_list_send_to_review(candidate_list=candidate_list, size=3, actor=staff)
    )
    candidate_list = services.candidate_list_transition(
        candidate_list=candidate_list, to="notice", actor=staff, today=start
    )
    target = candidate_list.candidates.order_by("-position").first()
    objection = services.objection_file(
        candidate=target,
        name="北京某检测技术有限公司",
        contact="010-00000000",
        grounds="该标准声明的核心指标值与我单位检测的同型号产品结果不一致，附检测报告。",
        today=start + datetime.timedelta(days=2),
    )
    _everyone_approves(services.objection_send_to_review(objection=objection, size=3, actor=staff))
    services.objection_decide(
        objection=objection,
        upheld=True,
        finding="经专家复核检测报告，该标准声明的待机功率与产品实测不符，取消其候选资格。",
        actor=staff,
        today=start + datetime.timedelta(days=5),
    )
    return services.candidate_list_transition(
        candidate_list=candidate_list,
        to="published",
        actor=staff,
        today=candidate_list.notice_ends_on + datetime.timedelta(days=1),
    )


def _everyone_approves(review) -> None:
    for member in review.members.select_related("expert__user"):
        experts.opinion_give(
            member=member, decision=Decision.APPROVE, comments="同意", actor=member.expert.user
        )
