"""The expert committee: the pool, declared conflicts, and review draws with opinions.

A `Review` points at whatever is reviewed (a scheme, later a candidate list or an objection)
through a generic relation, so this app never imports the apps above it.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.catalog.models import Category
from apps.core.crypto import EncryptedTextField
from apps.core.models import TimeStampedModel
from apps.core.uscc import validate_uscc
from apps.experts.enums import Decision, ExpertRole, ExpertStatus, ReviewKind, ReviewStatus


class Expert(TimeStampedModel):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="expert",
    )
    email = models.EmailField(_("邮箱"), unique=True)
    name = models.CharField(_("姓名"), max_length=100)
    organisation = models.CharField(_("单位"), max_length=200)
    organisation_uscc = models.CharField(
        _("单位统一社会信用代码"), max_length=18, blank=True, validators=[validate_uscc]
    )
    title = models.CharField(_("职称"), max_length=100, blank=True)
    phone = EncryptedTextField(_("联系电话"), max_length=30, blank=True)  # SM4 at rest
    specialties = models.ManyToManyField(
        Category, verbose_name=_("专业领域"), blank=True, related_name="experts"
    )
    roles = ArrayField(
        models.CharField(max_length=12, choices=ExpertRole.choices),
        verbose_name=_("角色"),
        default=list,
        blank=True,
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=ExpertStatus.choices, default=ExpertStatus.RECOMMENDED
    )
    recommended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("推荐人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recommendation = models.TextField(_("推荐理由"), blank=True)
    appointed_on = models.DateField(_("聘任日期"), null=True, blank=True)
    term_ends_on = models.DateField(_("任期截止"), null=True, blank=True)
    retired_on = models.DateField(_("解聘日期"), null=True, blank=True)
    # When the expert agreed, on their workspace, to the privacy notice of the roster.
    privacy_consent_at = models.DateTimeField(_("同意个人信息处理说明时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("专家")
        verbose_name_plural = _("专家")
        ordering = ["email"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(organisation_uscc="")
                | models.Q(organisation_uscc__regex=r"^[0-9A-HJ-NP-RTUW-Y]{18}$"),
                name="expert_organisation_uscc_charset",
            ),
            models.CheckConstraint(
                condition=models.Q(term_ends_on__isnull=True)
                | models.Q(appointed_on__isnull=True)
                | models.Q(term_ends_on__gte=models.F("appointed_on")),
                name="expert_term_after_appointment",
            ),
        ]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return f"{self.name}（{self.organisation}）"

    def get_roles_display(self) -> str:
        labels = dict(ExpertRole.choices)
        return "、".join(str(labels.get(role, role)) for role in self.roles)


class ExpertConflict(TimeStampedModel):
    """An organisation (by USCC) an expert declares a conflict of interest with."""

    expert = models.ForeignKey(
        Expert, verbose_name=_("专家"), on_delete=models.CASCADE, related_name="conflicts"
    )
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, validators=[validate_uscc])
    organisation = models.CharField(_("单位名称"), max_length=200)
    reason = models.CharField(_("原因"), max_length=300)

    class Meta:
        verbose_name = _("专家利益冲突声明")
        verbose_name_plural = _("专家利益冲突声明")
        ordering = ["expert", "uscc"]
        constraints = [
            models.UniqueConstraint(fields=["expert", "uscc"], name="expert_conflict_unique")
        ]

    def __str__(self) -> str:
        return f"{self.expert.name} ↔ {self.organisation}"


class Review(TimeStampedModel):
    """One expert review of one object: the draw (seed, pool, exclusions) and its outcome."""

    kind = models.CharField(_("评审类型"), max_length=20, choices=ReviewKind.choices)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("对象类型"), on_delete=models.PROTECT
    )
    object_id = models.PositiveBigIntegerField(_("对象编号"))
    target = GenericForeignKey("content_type", "object_id")
    round = models.PositiveSmallIntegerField(_("轮次"), default=1)
    title = models.CharField(_("评审对象"), max_length=300)
    category = models.ForeignKey(
        Category, verbose_name=_("专业领域"), on_delete=models.PROTECT, related_name="+"
    )
    size = models.PositiveSmallIntegerField(_("抽取人数"))
    seed = models.BigIntegerField(_("随机种子"))
    # Every eligible expert id, in the order the draw sampled from (by email).
    pool = models.JSONField(_("候选专家"), default=list)
    # {expert id: reason} for experts with the specialty left out because of a conflict.
    excluded = models.JSONField(_("回避专家"), default=dict, blank=True)
    excluded_usccs = ArrayField(
        models.CharField(max_length=18), verbose_name=_("回避单位"), default=list, blank=True
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.OPEN
    )
    outcome = models.CharField(_("结论"), max_length=10, choices=Decision.choices, blank=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("抽取人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("专家评审")
        verbose_name_plural = _("专家评审")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "round"], name="review_target_round_unique"
            ),
            models.CheckConstraint(condition=models.Q(size__gte=1), name="review_size_positive"),
            models.CheckConstraint(
                condition=models.Q(status="open", outcome="")
                | models.Q(status="closed") & ~models.Q(outcome=""),
                name="review_closed_has_outcome",
            ),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return gettext("%(kind)s：%(title)s（第 %(round)s 轮）") % {
            "kind": self.get_kind_display(),
            "title": self.title,
            "round": self.round,
        }


class ReviewMember(TimeStampedModel):
    """A drawn expert and, once given, the expert's opinion."""

    review = models.ForeignKey(
        Review, verbose_name=_("评审"), on_delete=models.CASCADE, related_name="members"
    )
    expert = models.ForeignKey(
        Expert, verbose_name=_("专家"), on_delete=models.PROTECT, related_name="review_seats"
    )
    position = models.PositiveSmallIntegerField(_("抽取顺序"))
    decision = models.CharField(_("意见"), max_length=10, choices=Decision.choices, blank=True)
    comments = models.TextField(_("评审意见"), blank=True)
    decided_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    # The date the opinion is due; past it, a daily reminder, and staff may re-draw the seat.
    deadline = models.DateField(_("答复期限"), null=True, blank=True)
    # A seat re-drawn after its deadline: the expert no longer answers, a new seat replaces it.
    replaced_at = models.DateTimeField(_("改抽时间"), null=True, blank=True)
    # The seed of a re-draw (the review's own seed drew the first seats).
    seed = models.BigIntegerField(_("改抽随机种子"), null=True, blank=True)

    class Meta:
        verbose_name = _("评审专家")
        verbose_name_plural = _("评审专家")
        ordering = ["review", "position"]
        constraints = [
            models.UniqueConstraint(fields=["review", "expert"], name="review_member_unique"),
            models.CheckConstraint(
                condition=models.Q(decision__in=["", "approve"]) | ~models.Q(comments=""),
                name="review_member_opinion_has_comments",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.review} · {self.expert.name}"
