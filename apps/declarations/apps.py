from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeclarationsConfig(AppConfig):
    name = "apps.declarations"
    verbose_name = _("标准自我声明")
