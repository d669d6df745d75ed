from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "apps.news"
    verbose_name = _("新闻公告")

    def ready(self):
        from apps.news import receivers  # noqa: F401  (connects the signal receivers)
