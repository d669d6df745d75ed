import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.catalog.models import Category
from apps.core.crypto import EncryptedTextField
from apps.core.models import TimeStampedModel
from apps.declarations.models import Standard
from apps.enterprises.models import Enterprise
from apps.leaders.enums import (
    PUBLIC_LIST_LABELS,
    CandidateListStatus,
    CandidateStatus,
    ExclusionReason,
    JobStatus,
    LeaderSource,
    LeaderStatus,
    NotificationKind,
    NotificationStatus,
    ObjectionStatus,
)

VERIFICATION_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I look-alikes


def new_verification_code() -> str:
    return "".join(secrets.choice(VERIFICATION_ALPHABET) for _ in range(12))


class LeaderQuerySet(models.QuerySet):
    def active_on(self, day):
        """Titles in force on `day`: published by then, neither revoked nor expired, and within
        their validity, whether or not the nightly expiry job has run. The one reading of
        "an active leader" for pages, feeds, eligibility and statistics."""
        return self.filter(status=LeaderStatus.ACTIVE, published_on__lte=day, valid_until__gte=day)

    def lapsed_on(self, day):
        """Titles still marked active whose validity ended before `day`: the expiry job's work."""
        return self.filter(status=LeaderStatus.ACTIVE, valid_until__lt=day)


class Leader(TimeStampedModel):
    """A standard (and so its enterprise) on a published leader list of a year."""

    year = models.PositiveSmallIntegerField(_("年度"))
    category = models.ForeignKey(
        Category, verbose_name=_("类别"), on_delete=models.PROTECT, related_name="leaders"
    )
    standard = models.ForeignKey(
        Standard, verbose_name=_("标准"), on_delete=models.PROTECT, related_name="leader_titles"
    )
    rank = models.PositiveIntegerField(_("名次"), null=True, blank=True)
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=2, null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=LeaderStatus.choices, default=LeaderStatus.ACTIVE
    )
    source = models.CharField(
        _("来源"), max_length=10, choices=LeaderSource.choices, default=LeaderSource.RANKING
    )
    published_on = models.DateField(_("发布日期"))
    valid_until = models.DateField(_("有效期至"))
    verification_code = models.CharField(
        _("验证码"), max_length=16, unique=True, default=new_verification_code, editable=False
    )
    revoked_on = models.DateField(_("撤销日期"), null=True, blank=True)
    revocation_reason = models.CharField(_("撤销理由"), max_length=500, blank=True)
    # The candidate this title was published from (NULL for imported lists).
    candidate = models.OneToOneField(
        "leaders.Candidate",
        verbose_name=_("候选"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="leader",
    )

    objects = LeaderQuerySet.as_manager()

    class Meta:
        verbose_name = _("领跑者")
        verbose_name_plural = _("领跑者")
        ordering = ["-year", "category__code", "rank", "standard__enterprise__uscc"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "standard"], name="leader_year_standard_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="revoked") | models.Q(revoked_on__isnull=False),
                name="leader_revoked_has_date",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("published_on")),
                name="leader_valid_after_published",
            ),
        ]
        indexes = [
            models.Index(fields=["year", "category", "status"]),
            models.Index(fields=["status", "valid_until"]),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.standard}"

    def status_on(self, day) -> str:
        """The status as of `day`: an active title past its validity has expired, whether or
        not the nightly expiry job has run yet."""
        if self.status == LeaderStatus.ACTIVE and self.valid_until < day:
            return LeaderStatus.EXPIRED
        return self.status


class Ranking(models.Model):
    """One compile of one scheme. Recompiling makes a new current ranking; an older one stays
    only while a candidate list was made from it."""

    scheme = models.ForeignKey(
        "evaluators.Scheme",
        verbose_name=_("评估方案"),
        on_delete=models.PROTECT,
        related_name="rankings",
    )
    compiled_at = models.DateTimeField(_("编制时间"), auto_now_add=True)
    compiled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("编制人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entrants = models.PositiveIntegerField(_("参评标准数"), default=0)
    participants = models.PositiveIntegerField(_("参评企业数"), default=0)
    is_current = models.BooleanField(_("当前版本"), default=True)

    class Meta:
        verbose_name = _("排行榜")
        verbose_name_plural = _("排行榜")
        ordering = ["-compiled_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme"],
                condition=models.Q(is_current=True),
                name="ranking_one_current_per_scheme",
            )
        ]

    def __str__(self) -> str:
        return f"{self.scheme.scheme_code} @ {self.compiled_at:%Y-%m-%d %H:%M}"


class RankingEntry(models.Model):
    """One entrant standard of a ranking: ranked (rank, score, tiers) or excluded (reason)."""

    # Entries are written only by the compile statement, millions at a time, from rows it has
    # just read in the same transaction: the database skips per-row foreign-key checks here
    # (they cost as much as the compile itself at national scale).
    ranking = models.ForeignKey(
        Ranking,
        db_constraint=False,
        db_index=False,  # (ranking, position) below serves every lookup by ranking
        verbose_name=_("排行榜"),
        on_delete=models.CASCADE,
        related_name="entries",
    )
    standard = models.ForeignKey(
        Standard,
        db_constraint=False,
        verbose_name=_("标准"),
        on_delete=models.PROTECT,
        related_name="ranking_entries",
    )
    position = models.PositiveIntegerField(_("列表顺序"))
    rank = models.PositiveIntegerField(_("名次"), null=True, blank=True)
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    tiers = models.JSONField(_("核心指标等级"), null=True, blank=True)
    candidate = models.BooleanField(_("领跑者候选"), default=False)
    # NULL, not "", for a ranked entry: the contract's `excluded_reason: null`.
    excluded_reason = models.CharField(  # noqa: DJ001
        _("未排名原因"), max_length=20, choices=ExclusionReason.choices, null=True, blank=True
    )

    class Meta:
        verbose_name = _("排行条目")
        verbose_name_plural = _("排行条目")
        ordering = ["ranking", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["ranking", "position"], name="ranking_entry_position_unique"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(rank__isnull=False, score__isnull=False, excluded_reason__isnull=True)
                )
                | (
                    models.Q(
                        rank__isnull=True,
                        score__isnull=True,
                        excluded_reason__isnull=False,
                        candidate=False,
                    )
                ),
                name="ranking_entry_ranked_or_excluded",
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(ranking)s 第 %(position)s 条") % {
            "ranking": self.ranking,
            "position": self.position,
        }


class CandidateList(TimeStampedModel):
    """A leader candidate list: a snapshot of a compiled ranking's candidates that goes
    through expert review and public notice before publication. Later recompiles of the
    scheme never change it; the ranking it was made from is kept (CONTRACT.md §3.8)."""

    scheme = models.ForeignKey(
        "evaluators.Scheme",
        verbose_name=_("评估方案"),
        on_delete=models.PROTECT,
        related_name="candidate_lists",
    )
    ranking = models.ForeignKey(
        Ranking,
        verbose_name=_("排行榜"),
        on_delete=models.PROTECT,
        related_name="candidate_lists",
    )
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=CandidateListStatus.choices,
        default=CandidateListStatus.DRAFT,
    )
    notice_starts_on = models.DateField(_("公示开始日期"), null=True, blank=True)
    notice_ends_on = models.DateField(_("公示截止日期"), null=True, blank=True)
    notice_end_notified = models.BooleanField(_("已发送公示结束通知"), default=False)
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    returned_reason = models.TextField(_("评审意见"), blank=True)
    withdrawn_reason = models.CharField(_("撤回理由"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    review_template = "leaders/partials/candidate_list_review.html"

    class Meta:
        verbose_name = _("领跑者候选名单")
        verbose_name_plural = _("领跑者候选名单")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme"],
                condition=~models.Q(status="withdrawn"),
                name="candidate_list_one_live_per_scheme",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["notice", "published"])
                | models.Q(notice_starts_on__isnull=False, notice_ends_on__isnull=False),
                name="candidate_list_notice_has_dates",
            ),
            models.CheckConstraint(
                condition=models.Q(notice_ends_on__isnull=True)
                | models.Q(notice_ends_on__gte=models.F("notice_starts_on")),
                name="candidate_list_notice_ends_after_start",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="published") | models.Q(published_on__isnull=False),
                name="candidate_list_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(year)s 年度%(category)s领跑者候选名单") % {
            "year": self.scheme.year,
            "category": self.scheme.category.name,
        }

    @property
    def public_label(self) -> str:
        return PUBLIC_LIST_LABELS.get(self.status, self.get_status_display())

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_LIST_LABELS

    def notice_running(self, day) -> bool:
        return (
            self.status == CandidateListStatus.NOTICE
            and self.notice_starts_on <= day <= self.notice_ends_on
        )


class Candidate(models.Model):
    """One candidate of a list, copied from the ranking entry when the list was made."""

    candidate_list = models.ForeignKey(
        CandidateList,
        verbose_name=_("候选名单"),
        on_delete=models.CASCADE,
        related_name="candidates",
    )
    standard = models.ForeignKey(
        Standard, verbose_name=_("标准"), on_delete=models.PROTECT, related_name="candidacies"
    )
    position = models.PositiveIntegerField(_("列表顺序"))
    rank = models.PositiveIntegerField(_("名次"))
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=2)
    tiers = models.JSONField(_("核心指标等级"), default=dict)
    status = models.CharField(
        _("状态"), max_length=10, choices=CandidateStatus.choices, default=CandidateStatus.ACTIVE
    )
    removed_on = models.DateField(_("取消日期"), null=True, blank=True)
    removal_reason = models.TextField(_("取消理由（公开）"), blank=True)

    class Meta:
        verbose_name = _("领跑者候选")
        verbose_name_plural = _("领跑者候选")
        ordering = ["candidate_list", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate_list", "standard"], name="candidate_standard_unique"
            ),
            models.UniqueConstraint(
                fields=["candidate_list", "position"], name="candidate_position_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(status="active")
                | models.Q(removed_on__isnull=False) & ~models.Q(removal_reason=""),
                name="candidate_removed_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.standard.enterprise.name} {self.standard.standard_no}"


def objection_attachment_path(instance, filename: str) -> str:
    return f"objections/{uuid.uuid4().hex}.pdf"


class Objection(TimeStampedModel):
    """An objection filed during the public notice. The objector's name and contact details
    are encrypted at rest (SM4), shown to bureau staff only, and deleted
    OBJECTOR_DATA_RETENTION_DAYS after the notice closed (`personal_data_purged_at`); the
    grounds, attachment and finding stay."""

    candidate = models.ForeignKey(
        Candidate, verbose_name=_("异议对象"), on_delete=models.CASCADE, related_name="objections"
    )
    # Required when filed (services.objections.objection_file); blank once purged.
    name = EncryptedTextField(_("异议人姓名或单位"), max_length=100, blank=True)
    contact = EncryptedTextField(
        _("联系方式"), max_length=200, blank=True, blind_index="contact_index"
    )
    # Blind index (core.crypto.blind_index): a person's objections found without decrypting.
    contact_index = models.CharField(
        _("联系方式索引"), max_length=32, blank=True, editable=False, db_index=True
    )
    grounds = models.TextField(_("异议理由"))
    attachment = models.FileField(
        _("证明材料（PDF）"), upload_to=objection_attachment_path, blank=True
    )
    ip_address = models.GenericIPAddressField(_("提交IP"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN
    )
    finding = models.TextField(_("认定意见"), blank=True)
    decided_at = models.DateTimeField(_("认定时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("认定人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    privacy_consent_at = models.DateTimeField(_("同意个人信息处理说明时间"), null=True, blank=True)
    personal_data_purged_at = models.DateTimeField(_("个人信息删除时间"), null=True, blank=True)

    review_template = "leaders/partials/objection_review.html"

    class Meta:
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status__in=["upheld", "dismissed"])
                | ~models.Q(finding="") & models.Q(decided_at__isnull=False),
                name="objection_decided_has_finding",
            ),
        ]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        # Named by the candidate and the day it was filed, never by its database id.
        filed = timezone.localdate(self.created_at) if self.created_at else ""
        return gettext("异议：%(candidate)s（%(date)s 提出）") % {
            "candidate": self.candidate,
            "date": filed,
        }


class RankingJob(models.Model):
    """One queued compile of one scheme, updated by the Celery task: staff watch a year's
    fan-out here (queued → running → done or failed, with timing)."""

    scheme = models.ForeignKey(
        "evaluators.Scheme",
        verbose_name=_("评估方案"),
        on_delete=models.CASCADE,
        related_name="ranking_jobs",
    )
    batch = models.UUIDField(_("批次"), default=uuid.uuid4, db_index=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    queued_at = models.DateTimeField(_("排队时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("执行次数"), default=0)
    error = models.TextField(_("错误信息"), blank=True)
    ranking = models.ForeignKey(
        Ranking,
        verbose_name=_("排行榜"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("排行榜编制任务")
        verbose_name_plural = _("排行榜编制任务")
        ordering = ["-queued_at", "-id"]
        indexes = [models.Index(fields=["scheme", "-queued_at"])]

    def __str__(self) -> str:
        return f"{self.scheme.scheme_code} · {self.get_status_display()}"

    @property
    def duration(self):
        if self.started_at and self.finished_at:
            return self.finished_at - self.started_at
        return None


class Notification(TimeStampedModel):
    """The outbox: one message to one enterprise, shown in its portal notice list and sent by
    email by a Celery task after the commit that queued it."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("企业"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("类型"), max_length=16, choices=NotificationKind.choices)
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))
    link = models.CharField(_("链接"), max_length=300, blank=True)
    recipients = models.JSONField(_("收件人"), default=list, blank=True)
    status = models.CharField(
        _("发送状态"),
        max_length=10,
        choices=NotificationStatus.choices,
        default=NotificationStatus.PENDING,
    )
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("发送次数"), default=0)
    error = models.TextField(_("错误信息"), blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知（发件箱）")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["enterprise", "-created_at"]),
            models.Index(fields=["status"]),
        ]

    def __str__(self) -> str:
        return f"{self.enterprise.name}：{self.subject}"
