from django.db import models
from django.utils.translation import gettext_lazy as _


class ArticleKind(models.TextChoices):
    NEWS = "news", _("新闻")
    ANNOUNCEMENT = "announcement", _("公告")


class Campaign(models.TextChoices):
    """Publicity weeks of the work plan (保障措施 3)."""

    QUALITY_MONTH = "quality_month", _("质量月")
    SCIENCE_WEEK = "science_week", _("科技周")
    WORLD_STANDARDS_DAY = "world_standards_day", _("世界标准日")
    ENERGY_SAVING_WEEK = "energy_saving_week", _("节能宣传周")
    ENVIRONMENT_DAY = "environment_day", _("环境日")
