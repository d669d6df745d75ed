import tempfile

from config.settings.base import *  # noqa: F403

DEBUG = False
# Tests encrypt personal fields with the repository's development key.
PII_ENCRYPTION_KEY = PII_DEVELOPMENT_KEY  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    **STORAGES,  # noqa: F405
    # Uploads written by tests never land in the developer's .local/media.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": tempfile.mkdtemp(prefix="leaderportal-test-media-")},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Transactional tests end with a flush (TRUNCATE of every table); the audit log refuses
# TRUNCATE unless the session says so (core/0006). Only the test database's sessions do.
DATABASES["default"]["OPTIONS"]["options"] += " -c leaderportal.audit_truncate=allow"  # noqa: F405
