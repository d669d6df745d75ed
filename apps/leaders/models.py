import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.catalog.models import Category
from apps.core.models import TimeStampedModel
from apps.declarations.models import Standard
from apps.leaders.enums import ExclusionReason, LeaderSource, LeaderStatus

VERIFICATION_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I look-alikes


def new_verification_code() -> str:
    return "".join(secrets.choice(VERIFICATION_ALPHABET) for _ in range(12))


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

    ranking = models.ForeignKey(
        Ranking, verbose_name=_("排行榜"), on_delete=models.CASCADE, related_name="entries"
    )
    standard = models.ForeignKey(
        Standard, verbose_name=_("标准"), on_delete=models.PROTECT, related_name="ranking_entries"
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
            models.UniqueConstraint(
                fields=["ranking", "standard"], name="ranking_entry_standard_unique"
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
        indexes = [models.Index(fields=["standard"])]

    def __str__(self) -> str:
        return f"{self.ranking_id}#{self.position}"
