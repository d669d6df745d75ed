"""System checks of the leaders app: `manage.py check` warns when the certificate font is
missing, before the first certificate download fails."""

from django.core.checks import Warning, register
from django.core.exceptions import ImproperlyConfigured

from apps.leaders import certificate


@register()
def certificate_font(app_configs, **kwargs):
    try:
        certificate.font()
    except ImproperlyConfigured as error:
        return [Warning(str(error), id="leaders.W001")]
    return []
