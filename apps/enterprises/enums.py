from django.db import models
from django.utils.translation import gettext_lazy as _


class District(models.TextChoices):
    """Beijing's 16 districts (administrative division codes 1101xx)."""

    DONGCHENG = "dongcheng", _("东城区")
    XICHENG = "xicheng", _("西城区")
    CHAOYANG = "chaoyang", _("朝阳区")
    FENGTAI = "fengtai", _("丰台区")
    SHIJINGSHAN = "shijingshan", _("石景山区")
    HAIDIAN = "haidian", _("海淀区")
    MENTOUGOU = "mentougou", _("门头沟区")
    FANGSHAN = "fangshan", _("房山区")
    TONGZHOU = "tongzhou", _("通州区")
    SHUNYI = "shunyi", _("顺义区")
    CHANGPING = "changping", _("昌平区")
    DAXING = "daxing", _("大兴区")
    HUAIROU = "huairou", _("怀柔区")
    PINGGU = "pinggu", _("平谷区")
    MIYUN = "miyun", _("密云区")
    YANQING = "yanqing", _("延庆区")

    @classmethod
    def lookup(cls, text: str) -> "District | None":
        """Accept the code (`haidian`) or the Chinese name (`海淀区`, `海淀`)."""
        text = (text or "").strip()
        for member in cls:
            if text in (member.value, str(member.label), str(member.label).removesuffix("区")):
                return member
        return None


class MembershipStatus(models.TextChoices):
    PENDING = "pending", _("待激活")
    ACTIVE = "active", _("有效")
    REFUSED = "refused", _("已拒绝")


class NameChangeStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("已拒绝")
