from django.db import models
from django.utils.translation import gettext_lazy as _


class ExpertRole(models.TextChoices):
    COMMITTEE = "committee", _("专家委员会委员")
    INSPECTOR = "inspector", _("监督抽查检查员")


class ExpertStatus(models.TextChoices):
    RECOMMENDED = "recommended", _("已推荐")
    APPOINTED = "appointed", _("已聘任")
    RETIRED = "retired", _("已解聘")


class ReviewKind(models.TextChoices):
    SCHEME = "scheme", _("评估方案评审")
    CANDIDATE_LIST = "candidate_list", _("候选名单评审")
    OBJECTION = "objection", _("异议评审")


class ReviewStatus(models.TextChoices):
    OPEN = "open", _("评审中")
    CLOSED = "closed", _("已结束")


class Decision(models.TextChoices):
    APPROVE = "approve", _("同意")
    REVISE = "revise", _("修改后再审")
    REJECT = "reject", _("不同意")
