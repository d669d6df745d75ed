import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.catalog.models import Category
from apps.core.models import TimeStampedModel
from apps.declarations.models import Standard
from apps.leaders.enums import LeaderSource, LeaderStatus

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
