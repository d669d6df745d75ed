import hashlib

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.core.models import TimeStampedModel
from apps.declarations.models import Standard
from apps.experts.models import Expert
from apps.supervision.enums import Finding, ItemReason, ItemResult, PlanStatus


def seed_commitment(seed: int) -> str:
    """CONTRACT.md §4 [2026-12]: the commitment a draft plan publishes instead of its seed, the
    lower-case hex SHA-256 of the seed's decimal text. Once the plan is approved and its seed
    published, anyone can check that the seed hashes to what was shown before."""
    return hashlib.sha256(str(seed).encode()).hexdigest()


class SpotCheckPlan(TimeStampedModel):
    """Next year's enterprise-standard spot check (CONTRACT.md §4): every Beijing leader
    standard plus a sample anyone can re-derive from the seed published on approval."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    seed = models.BigIntegerField(_("随机种子"))
    rate = models.DecimalField(_("抽样比例"), max_digits=6, decimal_places=4)
    population_size = models.PositiveIntegerField(_("抽样总体"))
    status = models.CharField(
        _("状态"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("生成人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("批准人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("监督抽查计划")
        verbose_name_plural = _("监督抽查计划")
        ordering = ["-year"]

    def __str__(self) -> str:
        return gettext("%(year)s 年监督抽查计划") % {"year": self.year}

    @property
    def commitment(self) -> str:
        return seed_commitment(self.seed)


class SpotCheckItem(models.Model):
    plan = models.ForeignKey(
        SpotCheckPlan, verbose_name=_("计划"), on_delete=models.CASCADE, related_name="items"
    )
    position = models.PositiveIntegerField(_("顺序"))
    standard = models.ForeignKey(
        Standard, verbose_name=_("标准"), on_delete=models.PROTECT, related_name="spot_checks"
    )
    reason = models.CharField(_("抽取原因"), max_length=10, choices=ItemReason.choices)
    inspector_1 = models.ForeignKey(
        Expert, verbose_name=_("检查员一"), on_delete=models.PROTECT, related_name="+"
    )
    inspector_2 = models.ForeignKey(
        Expert, verbose_name=_("检查员二"), on_delete=models.PROTECT, related_name="+"
    )
    result = models.CharField(
        _("检查结果"), max_length=10, choices=ItemResult.choices, default=ItemResult.PENDING
    )
    findings = ArrayField(
        models.CharField(max_length=20, choices=Finding.choices),
        verbose_name=_("问题"),
        default=list,
        blank=True,
    )
    notes = models.TextField(_("检查说明"), blank=True)
    checked_on = models.DateField(_("检查日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("抽查项")
        verbose_name_plural = _("抽查项")
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "position"], name="spotcheck_item_position_unique"
            ),
            models.UniqueConstraint(
                fields=["plan", "standard"], name="spotcheck_item_standard_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(inspector_1=models.F("inspector_2")),
                name="spotcheck_two_distinct_inspectors",
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(plan)s 第 %(position)s 项：%(standard)s") % {
            "plan": self.plan,
            "position": self.position,
            "standard": self.standard.standard_no,
        }

    def get_findings_display(self) -> list[str]:
        return [str(Finding(code).label) for code in self.findings]
