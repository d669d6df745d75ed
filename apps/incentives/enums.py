from django.db import models
from django.utils.translation import gettext_lazy as _


class ProgrammeKind(models.TextChoices):
    """The incentives of the work plan (docs/domain.md tasks 4-7 and 保障(2))."""

    QUALITY_AWARD = "quality_award", _("政府质量奖采信")
    PROCUREMENT = "procurement", _("政府采购优先")
    CREDIT = "credit", _("金融信贷支持")
    INNOVATION_AWARD = "innovation_award", _("标准创新贡献奖优先推荐")
    PILOT = "pilot", _("标准化试点示范优先推荐")
    SUBSIDY = "subsidy", _("市级财政补助优先推荐")
    TECH_CENTRE = "tech_centre", _("企业技术中心优先推荐")
    SPECIAL_FUND = "special_fund", _("专项基金支持")


class ProviderKind(models.TextChoices):
    """Who decides a programme's applications: the users of a partner organisation on the
    partner desk, or, for a department of the bureau itself (`BUREAU`), bureau staff on the
    staff desk."""

    BUREAU = "bureau", _("市场监管局处室（由本局工作人员审核）")
    BANK = "bank", _("银行")
    PROCUREMENT_CENTRE = "procurement_centre", _("政府采购中心")
    AWARD_OFFICE = "award_office", _("质量奖办公室")
    GOVERNMENT = "government", _("其他政府部门")
    FUND = "fund", _("基金")
    OTHER = "other", _("其他")


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已提交，待审核")
    APPROVED = "approved", _("已通过")
    REFUSED = "refused", _("未通过")
    WITHDRAWN = "withdrawn", _("已撤回")


class PilotTag(models.TextChoices):
    """Programmes the leader system is tied to (docs/domain.md tasks 8-11)."""

    STANDARDISATION_PILOT = "standardisation_pilot", _("标准化试点示范")
    HIGH_END_EQUIPMENT = "high_end_equipment", _("高端装备试点")
    BENCHMARKING = "benchmarking", _("“百城千业万企对标达标”行动")
    INNOVATION_BASE = "innovation_base", _("技术标准创新基地")


class CreditStatus(models.TextChoices):
    ACTIVE = "active", _("有效")
    REVOKED = "revoked", _("已撤销")
    EXPIRED = "expired", _("已到期")
