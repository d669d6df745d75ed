from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeadersConfig(AppConfig):
    name = "apps.leaders"
    verbose_name = _("排行榜与领跑者")

    def ready(self):
        from apps.leaders import checks, receivers  # noqa: F401  (registers checks, receivers)
