from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "apps.core"
    verbose_name = _("基础")

    def ready(self):
        # Each app declares its import/export kinds in `apps/<app>/imports.py`.
        autodiscover_modules("imports")
        from apps.core.audit_archive import check_retention

        check_retention()
        from apps.core import (
            crypto,  # noqa: F401  (registers the key checks)
            replicas,  # noqa: F401  (registers its system check)
        )

        # Each app lists the personal data it keeps in `apps/<app>/personal_data.py`.
        autodiscover_modules("personal_data")
