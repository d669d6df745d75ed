"""Third-party evaluation agencies, their key-area applications, evaluation schemes and the
evaluators' assessments.

`Scheme`, `SchemeCriterion` and `Assessment` are plain relational tables with Decimal fields:
the ranking rule (CONTRACT.md section 3) reads them set-based.
"""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.catalog.models import Category, Indicator, KeyArea
from apps.core.crypto import EncryptedTextField
from apps.core.formatting import plain_number
from apps.core.models import TimeStampedModel
from apps.core.uscc import validate_uscc
from apps.declarations.models import Standard
from apps.enterprises.models import Enterprise
from apps.evaluators.enums import (
    PUBLIC_SCHEME_STATUSES,
    AgencyKind,
    ApplicationStatus,
    AssessmentDecision,
    CriterionKind,
    SchemeStatus,
)

USCC_REGEX = r"^[0-9A-HJ-NP-RTUW-Y]{18}$"


class Agency(TimeStampedModel):
    """A third-party evaluator. It never charges enterprises: there is no fee anywhere."""

    uscc = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[validate_uscc]
    )
    name = models.CharField(_("机构名称"), max_length=200)
    kind = models.CharField(_("机构类型"), max_length=24, choices=AgencyKind.choices)
    contact_email = models.EmailField(_("联系邮箱"), blank=True)
    qualifications = models.TextField(_("资质说明"), blank=True)

    class Meta:
        verbose_name = _("评估机构")
        verbose_name_plural = _("评估机构")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(uscc__regex=USCC_REGEX), name="agency_uscc_charset"
            )
        ]

    def __str__(self) -> str:
        return self.name


class AgencyMembership(TimeStampedModel):
    """An evaluator account belongs to one agency."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评估人员"),
        on_delete=models.CASCADE,
        related_name="agency_membership",
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("评估机构"), on_delete=models.CASCADE, related_name="memberships"
    )

    class Meta:
        verbose_name = _("评估机构人员")
        verbose_name_plural = _("评估机构人员")
        ordering = ["agency", "user__email"]

    def __str__(self) -> str:
        return f"{self.user} @ {self.agency}"


class KeyAreaApplication(TimeStampedModel):
    """An agency asks to evaluate one key area (a category of a year)."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("评估机构"), on_delete=models.CASCADE, related_name="applications"
    )
    key_area = models.ForeignKey(
        KeyArea, verbose_name=_("重点领域"), on_delete=models.PROTECT, related_name="applications"
    )
    qualifications = models.TextField(_("资质与能力说明"))
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.PENDING,
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    refusal_reason = models.CharField(_("不予批准理由"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("重点领域评估申请")
        verbose_name_plural = _("重点领域评估申请")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "key_area"], name="key_area_application_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="refused") | ~models.Q(refusal_reason=""),
                name="key_area_application_refusal_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.agency} · {self.key_area}"


def default_cutoff(year: int) -> datetime.date:
    return datetime.date(year, 12, 31)


class Scheme(TimeStampedModel):
    """An agency's evaluation rules for one key area and year. Frozen once approved: a change
    is a new version (`previous` points at the version it replaces)."""

    scheme_code = models.CharField(_("方案编号"), max_length=50, unique=True)
    year = models.PositiveSmallIntegerField(_("年度"))
    category = models.ForeignKey(
        Category, verbose_name=_("类别"), on_delete=models.PROTECT, related_name="schemes"
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("评估机构"), on_delete=models.PROTECT, related_name="schemes"
    )
    name = models.CharField(_("方案名称"), max_length=200, blank=True)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    previous = models.OneToOneField(
        "self",
        verbose_name=_("上一版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_version",
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=SchemeStatus.choices, default=SchemeStatus.DRAFT
    )
    max_leaders = models.PositiveSmallIntegerField(
        _("领跑者上限"), default=5, validators=[MinValueValidator(1)]
    )
    min_participants = models.PositiveSmallIntegerField(
        _("最少参评企业数"), default=3, validators=[MinValueValidator(1)]
    )
    notice_days = models.PositiveSmallIntegerField(
        _("公示天数"), default=7, validators=[MinValueValidator(1)]
    )
    cutoff_date = models.DateField(_("截止日期"))
    public_comment_ends_on = models.DateField(_("征求意见截止"), null=True, blank=True)
    returned_reason = models.TextField(_("退回理由"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    # Set when the ranking is compiled (the leaders app calls the service): from then on each
    # enterprise sees its own assessments.
    results_published_at = models.DateTimeField(_("结果公布时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("起草人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    review_template = "evaluators/partials/scheme_summary.html"

    class Meta:
        verbose_name = _("评估方案")
        verbose_name_plural = _("评估方案")
        ordering = ["-year", "category__code", "scheme_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "category", "agency"],
                condition=models.Q(status="approved"),
                name="scheme_one_approved_per_agency_key_area",
            ),
            models.CheckConstraint(
                condition=models.Q(max_leaders__gte=1)
                & models.Q(min_participants__gte=1)
                & models.Q(notice_days__gte=1),
                name="scheme_numbers_positive",
            ),
        ]
        indexes = [models.Index(fields=["status", "year"])]

    def __str__(self) -> str:
        return f"{self.scheme_code} {self.name or self.category.name}"

    def get_absolute_url(self) -> str:
        return reverse("evaluators:scheme_public", args=[self.scheme_code])

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_SCHEME_STATUSES

    @property
    def is_editable(self) -> bool:
        return self.status in (SchemeStatus.DRAFT, SchemeStatus.RETURNED)


class SchemeCriterion(models.Model):
    scheme = models.ForeignKey(
        Scheme, verbose_name=_("评估方案"), on_delete=models.CASCADE, related_name="criteria"
    )
    criterion_code = models.CharField(_("评价项代码"), max_length=32)
    kind = models.CharField(_("评价项类型"), max_length=12, choices=CriterionKind.choices)
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("核心指标"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="scheme_criteria",
    )
    name = models.CharField(_("名称"), max_length=100)
    weight = models.DecimalField(_("权重"), max_digits=6, decimal_places=2)
    baseline = models.DecimalField(
        _("基准值"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    advanced = models.DecimalField(
        _("先进值"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    leading = models.DecimalField(
        _("领跑值"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("评价项")
        verbose_name_plural = _("评价项")
        ordering = ["scheme", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "criterion_code"], name="scheme_criterion_code_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(weight__gt=0, weight__lte=100), name="criterion_weight_range"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    kind="core",
                    indicator__isnull=False,
                    baseline__isnull=False,
                    advanced__isnull=False,
                    leading__isnull=False,
                )
                | models.Q(
                    kind="qualitative",
                    indicator__isnull=True,
                    baseline__isnull=True,
                    advanced__isnull=True,
                    leading__isnull=True,
                ),
                name="criterion_kind_fields",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_code} {self.name}"


class SchemeComment(TimeStampedModel):
    """A comment from anyone during the scheme's public comment period. The commenter's
    contact is encrypted at rest and deleted COMMENTER_CONTACT_RETENTION_DAYS after the
    period ended (services.comments); the name and text stay with the scheme's record."""

    scheme = models.ForeignKey(
        Scheme, verbose_name=_("评估方案"), on_delete=models.CASCADE, related_name="comments"
    )
    author_name = models.CharField(_("姓名或单位"), max_length=100)
    contact = EncryptedTextField(_("联系方式"), max_length=100, blank=True)  # SM4 at rest
    text = models.TextField(_("意见"), max_length=5000)
    privacy_consent_at = models.DateTimeField(_("同意个人信息处理说明时间"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("方案意见")
        verbose_name_plural = _("方案意见")
        ordering = ["scheme", "created_at"]

    def __str__(self) -> str:
        return f"{self.scheme.scheme_code} · {self.author_name}"


class EvaluatorConflict(TimeStampedModel):
    """An enterprise an evaluator must not see or score."""

    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评估人员"),
        on_delete=models.CASCADE,
        related_name="evaluator_conflicts",
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("原因"), max_length=300)

    class Meta:
        verbose_name = _("评估人员利益冲突声明")
        verbose_name_plural = _("评估人员利益冲突声明")
        ordering = ["evaluator", "enterprise__uscc"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluator", "enterprise"], name="evaluator_conflict_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.evaluator} ↔ {self.enterprise}"


class Assessment(TimeStampedModel):
    """One evaluator's score of one qualitative criterion of one standard under a scheme, or
    the evaluator's rejection of the standard (criterion and score empty, reason given)."""

    scheme = models.ForeignKey(
        Scheme, verbose_name=_("评估方案"), on_delete=models.PROTECT, related_name="assessments"
    )
    standard = models.ForeignKey(
        Standard, verbose_name=_("标准"), on_delete=models.PROTECT, related_name="assessments"
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评估人员"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    criterion = models.ForeignKey(
        SchemeCriterion,
        verbose_name=_("评价项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    score = models.DecimalField(
        _("得分"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    decision = models.CharField(
        _("结论"),
        max_length=10,
        choices=AssessmentDecision.choices,
        default=AssessmentDecision.ACCEPT,
    )
    reason = models.TextField(_("理由"), blank=True)

    class Meta:
        verbose_name = _("评分")
        verbose_name_plural = _("评分")
        ordering = ["scheme_id", "standard_id", "evaluator_id", "criterion_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "standard", "evaluator", "criterion"],
                condition=models.Q(decision="accept"),
                name="assessment_score_unique",
            ),
            models.UniqueConstraint(
                fields=["scheme", "standard", "evaluator"],
                condition=models.Q(decision="reject"),
                name="assessment_reject_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    decision="accept",
                    criterion__isnull=False,
                    score__isnull=False,
                    score__gte=0,
                    score__lte=100,
                )
                | (
                    models.Q(decision="reject", criterion__isnull=True, score__isnull=True)
                    & ~models.Q(reason="")
                ),
                name="assessment_decision_fields",
            ),
        ]
        indexes = [models.Index(fields=["scheme", "standard"])]

    def __str__(self) -> str:
        if self.decision == AssessmentDecision.REJECT:
            outcome = self.get_decision_display()
        else:
            outcome = plain_number(self.score)
        return f"{self.scheme.scheme_code} {self.standard.standard_no} {outcome}"
