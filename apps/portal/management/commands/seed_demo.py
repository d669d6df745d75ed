"""Load a plausible Beijing demo data set, one account per role and an account for every
demo expert (README lists them). Every demo account signs in with `DEMO_PASSWORD`."""

import random
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from apps.accounts.enums import ADMIN_ROLES, STAFF_ROLES, Role
from apps.catalog import services as catalog
from apps.catalog.models import Category
from apps.core.imports.services import import_file
from apps.core.uscc import ALPHABET, check_character
from apps.declarations import demo as declarations_demo
from apps.enterprises.enums import District, MembershipStatus
from apps.enterprises.models import Enterprise, EnterpriseMembership
from apps.evaluators import demo as evaluators_demo
from apps.experts import demo as experts_demo
from apps.experts.models import Expert
from apps.incentives import demo as incentives_demo
from apps.leaders import demo as leaders_demo
from apps.news import demo as news_demo

DEMO_DIR = Path(settings.BASE_DIR) / "data" / "demo"
DEMO_PASSWORD = "Demo-Leader-2026"
DEMO_ACCOUNTS = [
    # The system administrator, the first of the three administrators (三员分立,
    # docs/security.md); the other two follow the partners. None is a superuser.
    ("admin@demo.leaders.cn", "系统管理员", Role.ADMINISTRATOR),
    ("staff@demo.leaders.cn", "市局工作人员", Role.BUREAU),
    ("enterprise@demo.leaders.cn", "企业填报员", Role.ENTERPRISE),
    ("evaluator@demo.leaders.cn", "评估机构评估员", Role.EVALUATOR),
    ("expert@demo.leaders.cn", "专家委员", Role.EXPERT),
    ("partner@demo.leaders.cn", "合作银行客户经理", Role.PARTNER),
    # The deciders of the other partners' programmes (apps/incentives/demo.py).
    ("procurement@demo.leaders.cn", "政府采购中心审核员", Role.PARTNER),
    ("award@demo.leaders.cn", "质量奖办公室审核员", Role.PARTNER),
    ("funds@demo.leaders.cn", "专项基金审核员", Role.PARTNER),
    ("security@demo.leaders.cn", "安全管理员", Role.SECURITY_ADMIN),
    ("audit@demo.leaders.cn", "审计管理员", Role.AUDIT_ADMIN),
    # Every other expert of the demo pool: a draw picks any of them, and each must be able
    # to sign in and answer.
    *(
        (email, name, Role.EXPERT)
        for email, name, *_rest in experts_demo.POOL
        if email != experts_demo.DEMO_EXPERT_EMAIL
    ),
]
NAME_PARTS = {
    "prefix": [
        "京",
        "华",
        "中",
        "燕",
        "博",
        "正",
        "海",
        "朝",
        "瑞",
        "恒",
        "融",
        "远",
        "清",
        "智",
        "鼎",
    ],
    "middle": [
        "科",
        "创",
        "电",
        "信",
        "达",
        "新",
        "航",
        "源",
        "诚",
        "泰",
        "通",
        "宏",
        "安",
        "联",
        "盛",
    ],
    "trade": [
        "电器",
        "科技",
        "智能装备",
        "精密机械",
        "新能源",
        "服务",
        "物业管理",
        "物流",
        "电子商务",
        "健康养老",
    ],
}


def demo_uscc(serial: int) -> str:
    """A valid Beijing USCC (91 + 110108 Haidian + serial + check character)."""
    digits, value = [], serial
    for _ in range(9):
        digits.append(ALPHABET[value % 31])
        value //= 31
    first17 = "91110108" + "".join(reversed(digits))
    return first17 + check_character(first17)


class Command(BaseCommand):
    help = "Load the demo catalogue, demo enterprises and one account per role (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="do nothing when demo data is already loaded"
        )
        parser.add_argument("--enterprises", type=int, default=40)

    @transaction.atomic
    def handle(self, *args, once: bool, enterprises: int, **options):
        User = get_user_model()
        if once and User.objects.filter(email=DEMO_ACCOUNTS[0][0]).exists():
            # Loaded by an earlier version: still add the demo accounts it lacked (e.g. the
            # experts' accounts), so that every account the README lists signs in.
            added = self._accounts(Enterprise.objects.filter(uscc=demo_uscc(1)).first())
            self.stdout.write(
                f"demo data already loaded; {added} missing demo accounts added"
                if added
                else "demo data already loaded"
            )
            return
        self._catalogue()
        firms = self._enterprises(enterprises)
        self._accounts(firms[0])
        declarations_demo.load(firms, demo_user=User.objects.get(email=DEMO_ACCOUNTS[2][0]))
        experts_demo.load()
        evaluators_demo.load()
        incentives_demo.load(firms)
        news_demo.load()
        leaders_demo.load(firms, staff=User.objects.get(email=DEMO_ACCOUNTS[1][0]))
        self.stdout.write(
            self.style.SUCCESS(
                f"demo data loaded: {Category.objects.count()} categories, "
                f"{len(firms)} enterprises, {len(DEMO_ACCOUNTS)} accounts"
            )
        )

    def _catalogue(self) -> None:
        # The demo catalogue and the search's synonym list go through the same contract path
        # as bureau staff's files.
        for kind in ("categories", "indicators", "synonyms"):
            _run, result = import_file(kind=kind, path=DEMO_DIR / f"{kind}.csv")
            if not result.ok:
                raise CommandError("\n".join(result.error_lines()))
        categories = {category.code: category for category in Category.objects.all()}
        year = timezone.localdate().year
        for category in categories.values():
            catalog.key_area_ensure(year=year, category=category)

    def _enterprises(self, count: int) -> list[Enterprise]:
        rng = random.Random(2019)  # the year Beijing's work plan was issued
        districts = list(District)
        firms = []
        for serial in range(1, count + 1):
            name = (
                f"北京{rng.choice(NAME_PARTS['prefix'])}{rng.choice(NAME_PARTS['middle'])}"
                f"{rng.choice(NAME_PARTS['trade'])}有限公司"
            )
            enterprise, _ = Enterprise.objects.get_or_create(
                uscc=demo_uscc(serial),
                defaults={
                    "name": name if serial > 1 else "北京领跑示范电器有限公司",
                    "district": rng.choice(districts),
                    "address": f"北京市{rng.randint(1, 300)}号",
                    "contact_email": f"contact{serial}@demo.leaders.cn",
                },
            )
            firms.append(enterprise)
        return firms

    def _accounts(self, demo_enterprise: Enterprise | None) -> int:
        """Create the missing demo accounts (returns how many), give the demo password to a
        demo account that never had one, and link each demo expert to its account. Existing
        passwords are left alone."""
        User = get_user_model()
        added = 0
        for email, name, role in DEMO_ACCOUNTS:
            user, created = User.objects.get_or_create(
                email=email,
                defaults={
                    "name": name,
                    "role": role,
                    "is_staff": role in STAFF_ROLES,
                },
            )
            added += created
            if role in ADMIN_ROLES and user.is_superuser:
                # A database loaded before the three administrators: its demo administrator
                # was the superuser. It becomes the system administrator, without the flag.
                user.role, user.is_superuser, user.is_staff = role, False, True
                user.save(update_fields=["role", "is_superuser", "is_staff"])
            if created or not user.has_usable_password():
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            if role == Role.ENTERPRISE and demo_enterprise is not None:
                EnterpriseMembership.objects.get_or_create(
                    user=user,
                    defaults={"enterprise": demo_enterprise, "status": MembershipStatus.ACTIVE},
                )
            if role == Role.EXPERT and not Expert.objects.filter(user=user).exists():
                Expert.objects.filter(email=email, user__isnull=True).update(user=user)
        return added
