"""Demo incentives: one provider per kind of partner, a programme of every kind open this
year, a deciding account for every provider, and pilot tags on a few demo enterprises."""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.utils import timezone

from apps.incentives import services
from apps.incentives.enums import PilotTag
from apps.incentives.models import EnterprisePilot, Programme, Provider, ProviderMembership

DEMO_PARTNER_EMAIL = "partner@demo.leaders.cn"
# name, kind, the demo account that decides its programmes (created by seed_demo). The
# bureau's own department has none: any bureau staff member decides on the staff desk.
PROVIDERS = [
    ("中国工商银行北京市分行普惠金融事业部", "bank", DEMO_PARTNER_EMAIL),
    ("北京市政府采购中心", "procurement_centre", "procurement@demo.leaders.cn"),
    ("北京市质量奖评审办公室", "award_office", "award@demo.leaders.cn"),
    ("北京市市场监督管理局标准化处", "bureau", None),
    ("北京标准化创新发展基金", "fund", "funds@demo.leaders.cn"),
]
# code, name, kind, provider index, sectors, documents, description
PROGRAMMES = [
    (
        "leader-credit",
        "领跑者企业信用贷款",
        "credit",
        0,
        [],
        ["营业执照", "贷款申请书", "近两年财务报表"],
        "对持有有效“领跑者”称号的北京市企业给予授信额度和贷款利率优惠，审批开通绿色通道。",
    ),
    (
        "procurement-preference",
        "政府采购领跑者产品优先采购",
        "procurement",
        1,
        ["consumer_goods", "equipment"],
        ["产品清单"],
        "同等条件下优先采购领跑者标准对应的产品。",
    ),
    (
        "quality-award",
        "北京市人民政府质量管理奖采信领跑者结果",
        "quality_award",
        2,
        [],
        ["质量奖申报书"],
        "质量奖评审中采信企业标准领跑者评估结果，领跑者企业相应指标得分从优。",
    ),
    (
        "innovation-award",
        "标准创新贡献奖优先推荐",
        "innovation_award",
        3,
        [],
        ["推荐表"],
        "领跑者企业主导制定的标准优先推荐申报中国标准创新贡献奖。",
    ),
    (
        "pilot-recommendation",
        "标准化试点示范项目优先推荐",
        "pilot",
        3,
        ["services"],
        ["试点申报书"],
        "服务业领跑者企业优先推荐承担国家和市级标准化试点示范项目。",
    ),
    (
        "municipal-subsidy",
        "市级标准化资助优先支持",
        "subsidy",
        3,
        [],
        ["资助申请表", "标准文本"],
        "领跑者企业申请市级标准化资助项目的，同等条件下优先支持。",
    ),
    (
        "tech-centre",
        "企业技术中心认定优先推荐",
        "tech_centre",
        3,
        ["equipment", "emerging"],
        ["技术中心申报材料"],
        "装备制造和新兴产业领跑者企业优先推荐认定市级企业技术中心。",
    ),
    (
        "special-fund",
        "标准化创新发展专项基金",
        "special_fund",
        4,
        [],
        ["项目计划书", "营业执照"],
        "社会资本参与设立的专项基金，支持领跑者企业标准研制和推广应用。",
    ),
]
PILOTS = [
    (1, PilotTag.STANDARDISATION_PILOT, 2024),
    (2, PilotTag.BENCHMARKING, 2025),
    (3, PilotTag.HIGH_END_EQUIPMENT, 2023),
    (4, PilotTag.INNOVATION_BASE, 2024),
    (5, PilotTag.BENCHMARKING, 2025),
]


def load(firms: list) -> None:
    """Idempotent: providers and programmes are matched on name and code."""
    year = timezone.localdate().year
    providers = []
    users = get_user_model().objects
    for name, kind, email in PROVIDERS:
        provider, _ = Provider.objects.get_or_create(name=name, defaults={"kind": kind})
        providers.append(provider)
        decider = users.filter(email=email).first() if email else None
        if decider is not None:
            ProviderMembership.objects.get_or_create(user=decider, defaults={"provider": provider})
    for code, name, kind, provider_index, sectors, documents, description in PROGRAMMES:
        programme = Programme(
            code=code,
            name=name,
            kind=kind,
            provider=providers[provider_index],
            description=description,
            sectors=sectors,
            opens_on=date(year, 1, 1),
            closes_on=date(year + 1, 12, 31),
            required_documents=documents,
        )
        if not Programme.objects.filter(code=code).exists():
            programme.full_clean()
            programme.save()
    for index, tag, since in PILOTS:
        if index < len(firms):
            EnterprisePilot.objects.get_or_create(
                enterprise=firms[index], tag=tag, defaults={"since": since}
            )
    # Leader titles loaded by other demo modules enter the quality credit record.
    services.credit_records_sync()
