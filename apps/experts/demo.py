"""Demo expert committee: a pool large enough for draws and the spot-check plan (committee
members with the demo categories, inspectors with distinct organisations). Every expert of
the pool has a demo account (seed_demo creates them), so whoever a draw picks can sign in."""

from django.contrib.auth import get_user_model

from apps.accounts.enums import Role
from apps.catalog.models import Category
from apps.core.uscc import check_character
from apps.experts.enums import ExpertRole, ExpertStatus
from apps.experts.models import Expert
from apps.experts.services.profiles import expert_save

DEMO_EXPERT_EMAIL = "expert@demo.leaders.cn"
POOL = [
    # email, name, organisation, title, roles
    (DEMO_EXPERT_EMAIL, "专家委员", "中国标准化研究院", "研究员", ["committee", "inspector"]),
    (
        "liu.expert@demo.leaders.cn",
        "刘建国",
        "北京市产品质量监督检验研究院",
        "高级工程师",
        ["committee", "inspector"],
    ),
    ("chen.expert@demo.leaders.cn", "陈晓燕", "清华大学", "教授", ["committee"]),
    (
        "zhao.expert@demo.leaders.cn",
        "赵志强",
        "中国家用电器研究院",
        "教授级高级工程师",
        ["committee", "inspector"],
    ),
    ("sun.expert@demo.leaders.cn", "孙丽华", "北京工业大学", "副教授", ["committee"]),
    (
        "zhou.expert@demo.leaders.cn",
        "周文斌",
        "国家电动工具质量检验检测中心",
        "高级工程师",
        ["inspector"],
    ),
    (
        "wu.expert@demo.leaders.cn",
        "吴海涛",
        "北京市计量检测科学研究院",
        "研究员",
        ["committee", "inspector"],
    ),
]


def organisation_uscc(serial: int) -> str:
    """A valid USCC of an institution (12 = 事业单位) in Xicheng, distinct per expert."""
    first17 = f"12110102{serial:09d}"
    return first17 + check_character(first17)


def load() -> list[Expert]:
    """Idempotent: experts are found by email and updated in place."""
    specialties = list(Category.objects.all())
    experts = []
    for serial, (email, name, organisation, title, roles) in enumerate(POOL, start=1):
        expert, _created = expert_save(
            email=email,
            name=name,
            organisation=organisation,
            organisation_uscc=organisation_uscc(serial),
            title=title,
            specialties=specialties,
            roles=[ExpertRole(role) for role in roles],
            status=ExpertStatus.APPOINTED,
            recommendation="市场监督管理局推荐",
            actor=None,
        )
        experts.append(expert)
    # A demo account may have been created after its expert record: link it.
    linked = set(Expert.objects.filter(user__isnull=False).values_list("user_id", flat=True))
    accounts = (
        get_user_model()
        .objects.filter(email__in=[row[0] for row in POOL], role=Role.EXPERT)
        .exclude(pk__in=linked)
    )
    for user in accounts:
        Expert.objects.filter(email=user.email, user__isnull=True).update(user=user)
    return experts
