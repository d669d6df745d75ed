"""Declared standards (企业标准自我声明公开).

`Standard` is the declaration's identity plus its current public content (what search,
rankings and exports read, set-based); `IndicatorValue` holds the current value of each core
indicator. Every publication is also kept as an immutable `StandardVersion` (content, values
and text file), so history stays visible after a change. A change to a published standard is
prepared as a draft version and becomes current only when published.
"""

import uuid

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.catalog.models import Category, Indicator
from apps.core.formatting import plain_number
from apps.core.models import TimeStampedModel
from apps.declarations.enums import StandardStatus, StandardType, VersionStatus
from apps.declarations.search import normalize_term
from apps.enterprises.models import Enterprise


class Standard(TimeStampedModel):
    # No single-column indexes on enterprise or category: the unique (enterprise,
    # standard_no) and the (category, status, published_on) indexes serve those look-ups.
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("企业"),
        on_delete=models.PROTECT,
        related_name="standards",
        db_index=False,
    )
    standard_no = models.CharField(_("标准编号"), max_length=100)
    name = models.CharField(_("标准名称"), max_length=300)
    category = models.ForeignKey(
        Category,
        verbose_name=_("类别"),
        on_delete=models.PROTECT,
        related_name="standards",
        db_index=False,
    )
    standard_type = models.CharField(
        _("标准类型"), max_length=12, choices=StandardType.choices, default=StandardType.ENTERPRISE
    )
    products = models.TextField(_("产品"), blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=StandardStatus.choices, default=StandardStatus.DRAFT
    )
    published_on = models.DateField(_("公开日期"), null=True, blank=True)
    abolished_on = models.DateField(_("废止日期"), null=True, blank=True)
    # Character bigrams of number, name, products and enterprise name (each followed by a
    # space, search_sql.BIGRAM_INSTALL); kept current by the database (see the declarations
    # migrations) so imports and ORM writes alike stay searchable.
    search_document = SearchVectorField(_("检索"), null=True, editable=False)
    # The same four fields lower-cased and joined by U+001F, also kept by the database: the
    # substring recheck of index candidates reads it instead of looking up the enterprise.
    search_text = models.TextField(_("检索文本"), null=True, editable=False)  # noqa: DJ001

    class Meta:
        verbose_name = _("企业标准")
        verbose_name_plural = _("企业标准")
        ordering = ["enterprise__uscc", "standard_no"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "standard_no"], name="standard_enterprise_no_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(published_on__isnull=False),
                name="standard_published_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["category", "status", "published_on"]),
            GinIndex(fields=["search_document"], name="standard_search_gin"),
            # Standards a bulk import wrote whose document is still to come (search_sql.py,
            # migration 0009): search finds them here, the background job indexes them.
            models.Index(
                fields=["id"],
                condition=models.Q(search_document__isnull=True),
                name="standard_search_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.standard_no} {self.name}"


class IndicatorValue(models.Model):
    """The current declared value of one core indicator of a standard."""

    # No single-column indexes on the two keys: the unique (standard, indicator) and the
    # (indicator, standard) index serve every look-up by either, and at 16 million rows each
    # extra index costs every import and every declaration its own write.
    standard = models.ForeignKey(
        Standard,
        verbose_name=_("标准"),
        on_delete=models.CASCADE,
        related_name="values",
        db_index=False,
    )
    indicator = models.ForeignKey(
        Indicator,
        verbose_name=_("指标"),
        on_delete=models.PROTECT,
        related_name="values",
        db_index=False,
    )
    value = models.DecimalField(_("指标值"), max_digits=20, decimal_places=6)

    class Meta:
        verbose_name = _("指标值")
        verbose_name_plural = _("指标值")
        constraints = [
            models.UniqueConstraint(
                fields=["standard", "indicator"], name="indicator_value_standard_indicator_unique"
            )
        ]
        indexes = [models.Index(fields=["indicator", "standard"])]

    def __str__(self) -> str:
        return f"{self.indicator.code}={plain_number(self.value)}"


def standard_text_path(instance: "StandardVersion", filename: str) -> str:
    # Random name, no user-supplied path parts: files are served only through a view.
    return f"standards/{instance.standard_id}/{uuid.uuid4().hex}.pdf"


class StandardVersion(TimeStampedModel):
    """One version of a declaration: a draft being prepared, or an immutable publication."""

    standard = models.ForeignKey(
        Standard, verbose_name=_("标准"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("版本号"))
    status = models.CharField(
        _("状态"), max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    name = models.CharField(_("标准名称"), max_length=300)
    category = models.ForeignKey(
        Category, verbose_name=_("类别"), on_delete=models.PROTECT, related_name="+"
    )
    standard_type = models.CharField(
        _("标准类型"), max_length=12, choices=StandardType.choices, default=StandardType.ENTERPRISE
    )
    products = models.TextField(_("产品"), blank=True)
    # {indicator_code: "value"}: the values as declared in this version.
    values = models.JSONField(_("指标值"), default=dict, blank=True)
    text_file = models.FileField(_("标准文本（PDF）"), upload_to=standard_text_path, blank=True)
    text_filename = models.CharField(_("原文件名"), max_length=255, blank=True)
    commitment_accepted_at = models.DateTimeField(_("承诺时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("发布人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    change_note = models.CharField(_("变更说明"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("标准版本")
        verbose_name_plural = _("标准版本")
        ordering = ["standard", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["standard", "number"], name="standard_version_number_unique"
            ),
            models.UniqueConstraint(
                fields=["standard"],
                condition=models.Q(status="draft"),
                name="standard_one_draft_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.standard.standard_no} v{self.number}"


class Synonym(TimeStampedModel):
    """A word people type (`term`, e.g. 空调) and a word the standards use (`canonical`, e.g.
    空气调节器): a search for the term also searches the canonical word (CONTRACT.md §6). A
    term may have several canonical words. The term is stored trimmed and lower-cased, so a
    query matches it case-insensitively (apps/declarations/synonyms.py)."""

    term = models.CharField(
        _("检索词"), max_length=100, help_text=_("人们输入的词，例如“空调”；不区分大小写。")
    )
    canonical = models.CharField(
        _("规范用词"), max_length=100, help_text=_("标准中使用的词，例如“空气调节器”。")
    )

    class Meta:
        verbose_name = _("检索同义词")
        verbose_name_plural = _("检索同义词")
        ordering = ["term", "canonical"]
        constraints = [
            # Also the index of the search's look-up by term (its leading column).
            models.UniqueConstraint(
                fields=["term", "canonical"], name="synonym_term_canonical_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(term="") & ~models.Q(canonical=""),
                name="synonym_term_canonical_not_empty",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.term} → {self.canonical}"

    def clean(self) -> None:
        self.term = normalize_term(self.term)
        self.canonical = (self.canonical or "").strip()

    def save(self, *args, **kwargs) -> None:
        self.clean()
        super().save(*args, **kwargs)
