"""Settings for `bench/soak.py`'s gunicorn: production-like (DEBUG off, persistent
connections, the Redis cache, rate limits and lockout on) but plain HTTP on loopback and
static files served from the source folders (no collectstatic needed)."""

from config.settings.base import *  # noqa: F403
from config.settings.base import STORAGES

DEBUG = False
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# The soak's data is generated, not personal: the repository's development key serves unless
# the environment gives one (DEBUG is off, so base settings leave the key empty).
PII_ENCRYPTION_KEY = PII_ENCRYPTION_KEY or PII_DEVELOPMENT_KEY  # noqa: F405
