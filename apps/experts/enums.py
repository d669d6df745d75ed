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
    """An expert's opinion and a review's outcome. Which opinions an expert may give depends
    on what is reviewed (`DECISIONS_BY_KIND`): a scheme or a candidate list is approved,
    sent back for revision or rejected; an objection is found well-founded or not."""

    APPROVE = "approve", _("同意")
    REVISE = "revise", _("修改后再审")
    REJECT = "reject", _("不同意")
    UPHELD = "upheld", _("异议成立")
    DISMISSED = "dismissed", _("异议不成立")
    # Only a review's outcome: no opinion on an objection had more than half of the experts.
    SPLIT = "split", _("专家意见未过半数")


# The opinions an expert may give, by what is reviewed, in the order the form offers them.
DECISIONS_BY_KIND = {
    ReviewKind.SCHEME: (Decision.APPROVE, Decision.REVISE, Decision.REJECT),
    ReviewKind.CANDIDATE_LIST: (Decision.APPROVE, Decision.REVISE, Decision.REJECT),
    ReviewKind.OBJECTION: (Decision.UPHELD, Decision.DISMISSED),
}

# A review's outcome when no opinion has more than half of the experts.
NO_MAJORITY = {
    ReviewKind.SCHEME: Decision.REVISE,
    ReviewKind.CANDIDATE_LIST: Decision.REVISE,
    ReviewKind.OBJECTION: Decision.SPLIT,
}

# The opinions that need no written reason; every other opinion must give one.
DECISIONS_WITHOUT_COMMENTS = (Decision.APPROVE,)
