from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("草案")
    APPROVED = "approved", _("已批准")


class ItemReason(models.TextChoices):
    LEADER = "leader", _("领跑者标准")
    RANDOM = "random", _("随机抽取")


class ItemResult(models.TextChoices):
    PENDING = "pending", _("待检查")
    PASSED = "passed", _("合格")
    FAILED = "failed", _("不合格")


class Finding(models.TextChoices):
    BELOW_MANDATORY = "below_mandatory", _("低于强制性标准要求")
    NUMBERING = "numbering", _("标准编号不符合规则")
    NOT_DISCLOSED = "not_disclosed", _("未公开核心指标")
    INCONSISTENT = "inconsistent", _("标准文本与声明内容不一致")
