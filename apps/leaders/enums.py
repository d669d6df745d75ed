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


class CandidateListStatus(models.TextChoices):
    """The candidate list's workflow. Internal labels here; `PUBLIC_LABELS` says what the
    public notice page shows."""

    DRAFT = "draft", _("草稿")
    EXPERT_REVIEW = "expert_review", _("专家评审中")
    RETURNED = "returned", _("专家评审未通过")
    REVIEWED = "reviewed", _("专家评审通过")
    NOTICE = "notice", _("公示中")
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤回")


PUBLIC_LIST_LABELS = {
    CandidateListStatus.NOTICE: _("公示中"),
    CandidateListStatus.PUBLISHED: _("公示结束，名单已发布"),
}


class CandidateStatus(models.TextChoices):
    ACTIVE = "active", _("候选")
    REMOVED = "removed", _("已取消候选资格")


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("已受理")
    EXPERT_REVIEW = "expert_review", _("专家评审中")
    REVIEWED = "reviewed", _("专家评审完成，待认定")
    UPHELD = "upheld", _("异议成立")
    DISMISSED = "dismissed", _("异议不成立")


OPEN_OBJECTION_STATUSES = [
    ObjectionStatus.OPEN,
    ObjectionStatus.EXPERT_REVIEW,
    ObjectionStatus.REVIEWED,
]


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("编制中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class NotificationKind(models.TextChoices):
    RANKING_OUT = "ranking_out", _("排行榜发布")
    CANDIDATE = "candidate", _("列入领跑者候选")
    NOTICE_START = "notice_start", _("公示开始")
    NOTICE_END = "notice_end", _("公示结束")
    PUBLISHED = "published", _("入选领跑者名单")
    REVOKED = "revoked", _("领跑者称号撤销")
    REMOVED = "removed", _("取消候选资格")
    INCENTIVE = "incentive", _("激励申请处理结果")


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")
