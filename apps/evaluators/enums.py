from django.db import models
from django.utils.translation import gettext_lazy as _


class AgencyKind(models.TextChoices):
    STANDARDIZATION_BODY = "standardization_body", _("标准化技术机构")
    ASSOCIATION = "association", _("行业协会")
    ALLIANCE = "alliance", _("产业联盟")
    PLATFORM = "platform", _("平台企业")
    OTHER = "other", _("其他")


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("未批准")


class SchemeStatus(models.TextChoices):
    """Internal states; `public_label` gives what the public page shows."""

    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    EXPERT_REVIEW = "expert_review", _("专家评审中")
    PUBLIC_COMMENT = "public_comment", _("公开征求意见")
    APPROVED = "approved", _("已批准")
    RETURNED = "returned", _("已退回修改")
    SUPERSEDED = "superseded", _("已被新版本替代")


PUBLIC_SCHEME_STATUSES = (SchemeStatus.PUBLIC_COMMENT, SchemeStatus.APPROVED)


class CriterionKind(models.TextChoices):
    CORE = "core", _("核心指标")
    QUALITATIVE = "qualitative", _("定性指标")


class AssessmentDecision(models.TextChoices):
    ACCEPT = "accept", _("评分")
    REJECT = "reject", _("退回（不予评价）")
