from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncentivesConfig(AppConfig):
    name = "apps.incentives"
    verbose_name = _("激励政策")

    def ready(self):
        from apps.incentives import receivers  # noqa: F401  (connects the signal receivers)
