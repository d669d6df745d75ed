from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The roles of docs/domain.md. The public has no account."""

    ENTERPRISE = "enterprise", _("企业用户")
    EVALUATOR = "evaluator", _("评估机构人员")
    EXPERT = "expert", _("专家")
    BUREAU = "bureau", _("市场监管局工作人员")
    PARTNER = "partner", _("合作机构")
    ADMINISTRATOR = "administrator", _("系统管理员")
