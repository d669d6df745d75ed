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
