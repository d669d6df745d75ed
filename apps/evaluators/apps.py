from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluatorsConfig(AppConfig):
    name = "apps.evaluators"
    verbose_name = _("评估机构与评估方案")

    def ready(self):
        # Connect the signal receivers; register the evaluators' score-upload workspace import.
        from apps.evaluators import receivers, score_upload  # noqa: F401
