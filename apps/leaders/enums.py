from django.db import models
from django.utils.translation import gettext_lazy as _


class LeaderStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    REVOKED = "revoked", _("已撤销")
    EXPIRED = "expired", _("已到期")


class LeaderSource(models.TextChoices):
    RANKING = "ranking", _("本平台评估排行")
    IMPORT = "import", _("外部名单导入")


class ExclusionReason(models.TextChoices):
    """Why an entrant is not ranked, in the order the rule checks them (CONTRACT.md §3.2)."""

    REJECTED = "rejected", _("评估机构不予评价")
    MISSING_INDICATOR = "missing_indicator", _("缺少核心指标值")
    BELOW_BASELINE = "below_baseline", _("核心指标未达到基准值")
    NOT_ASSESSED = "not_assessed", _("定性指标尚未评分")
