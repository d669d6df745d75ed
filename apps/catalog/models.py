from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.catalog.enums import CategoryKind, Direction, Sector
from apps.core.models import TimeStampedModel


class Category(TimeStampedModel):
    """A product or service category; a key area is a category chosen for a year."""

    code = models.CharField(_("类别代码"), max_length=32, unique=True)
    name = models.CharField(_("类别名称"), max_length=100)
    sector = models.CharField(_("领域"), max_length=20, choices=Sector.choices)
    kind = models.CharField(
        _("类型"), max_length=10, choices=CategoryKind.choices, default=CategoryKind.PRODUCT
    )

    class Meta:
        verbose_name = _("产品/服务类别")
        verbose_name_plural = _("产品/服务类别")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class KeyArea(TimeStampedModel):
    year = models.PositiveSmallIntegerField(_("年度"))
    category = models.ForeignKey(
        Category, verbose_name=_("类别"), on_delete=models.PROTECT, related_name="key_areas"
    )

    class Meta:
        verbose_name = _("重点领域")
        verbose_name_plural = _("重点领域")
        ordering = ["-year", "category__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "category"], name="key_area_year_category_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.category.name}"


class Indicator(TimeStampedModel):
    """A core indicator of a category, with the national and international reference values."""

    category = models.ForeignKey(
        Category, verbose_name=_("类别"), on_delete=models.PROTECT, related_name="indicators"
    )
    code = models.CharField(_("指标代码"), max_length=32)
    name = models.CharField(_("指标名称"), max_length=100)
    unit = models.CharField(_("单位"), max_length=30, blank=True)
    direction = models.CharField(_("方向"), max_length=10, choices=Direction.choices)
    national_value = models.DecimalField(
        _("国家标准值"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    international_value = models.DecimalField(
        _("国际标准值"), max_digits=20, decimal_places=6, null=True, blank=True
    )
    # A mandatory national value (e.g. a GB energy-efficiency limit) is a floor no declared
    # value may be worse than; a recommended one is only a benchmark. db_default keeps bulk
    # COPY imports that do not name the column valid.
    national_mandatory = models.BooleanField(
        _("国家标准值为强制性"), default=False, db_default=False
    )

    class Meta:
        verbose_name = _("核心指标")
        verbose_name_plural = _("核心指标")
        ordering = ["category__code", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "code"], name="indicator_category_code_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"
