from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluatorsConfig(AppConfig):
    name = "apps.evaluators"
    verbose_name = _("评估机构与评估方案")

    def ready(self):
        from apps.evaluators import receivers  # noqa: F401  (connects the signal receivers)
