from django.db import models
from django.utils import timezone
from django.utils.translation import get_language_info, gettext
from django.utils.translation import gettext_lazy as _


class StatisticsSnapshot(models.Model):
    """The dashboard's last computed figures, one row per site language. Kept in the database
    so the page never depends on Redis (the cache only saves this one-row read)."""

    language = models.CharField(_("语言"), max_length=10, unique=True)
    data = models.JSONField(_("统计数据"))
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        verbose_name = _("统计快照")
        verbose_name_plural = _("统计快照")

    def __str__(self):
        return gettext("%(language)s 统计（%(when)s）") % {
            "language": get_language_info(self.language)["name_translated"],
            "when": f"{timezone.localtime(self.computed_at):%Y-%m-%d %H:%M}",
        }
