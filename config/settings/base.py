"""Settings shared by every environment. Environment-specific files import from here."""

import os
from datetime import timedelta

from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from config.env import BASE_DIR, database_url, env, redis_url
from config.storage import media_storage

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="dev-only-not-secret-change-me")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
]
THIRD_PARTY_APPS = [
    "rules.apps.AutodiscoverRulesConfig",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
]
# Ordered by layer, lowest first (docs/style.md "Dependency direction").
LOCAL_APPS = [
    "apps.core",
    "apps.accounts",
    "apps.catalog",
    "apps.enterprises",
    "apps.experts",
    "apps.declarations",
    "apps.evaluators",
    "apps.leaders",
    "apps.supervision",
    "apps.incentives",
    "apps.news",
    "apps.portal",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "apps.core.replicas.ReplicaReadsMiddleware",  # around everything that reads the database
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "apps.core.middleware.UploadSizeLimitMiddleware",  # before anything reads the body
    "django.middleware.common.CommonMiddleware",
    "apps.core.middleware.RejectNullCharactersMiddleware",
    "apps.core.middleware.RequestBaseURLMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # 403s, exports and the superuser's changes into the audit log (apps.accounts.audit_events)
    "apps.accounts.audit_events.AuditTrailMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "apps.accounts.middleware.SessionExpiryMiddleware",
    "apps.accounts.middleware.RequireStaffOTPMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "apps.core.context_processors.site",
                "apps.portal.context_processors.navigation",
                "apps.core.pagecache.csrf_placeholder",
            ],
        },
    }
]

DATABASES = {"default": env.db_url_config(database_url())}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# JIT compilation costs hundreds of milliseconds on short web queries that the planner
# merely estimates as large (a LIMIT that stops early); an interactive portal never gains.
# work_mem: a search's bitmap of index candidates stays exact up to ~200,000 pages at 16 MB;
# at PostgreSQL's 4 MB, 150,000 candidates turned lossy and every other row on those pages
# was rechecked against its document (S = 1.0: 155 ms instead of 98 ms; docs/benchmarks.md).
DATABASE_SESSION_OPTIONS = f"-c jit=off -c work_mem={env.str('DATABASE_WORK_MEM', default='16MB')}"
DATABASES["default"].setdefault("OPTIONS", {})["options"] = DATABASE_SESSION_OPTIONS
# Streaming replicas of the primary, read by the public pages (apps/core/replicas.py,
# docs/scaling.md "Read replicas"): one alias each, `replica1`, `replica2`, ...
DATABASE_REPLICAS = []
for _index, _url in enumerate(env.list("DATABASE_REPLICA_URLS", default=[]), start=1):
    _replica = env.db_url_config(_url)
    _replica.update(
        CONN_MAX_AGE=DATABASES["default"]["CONN_MAX_AGE"],
        CONN_HEALTH_CHECKS=True,
        ATOMIC_REQUESTS=False,
        # Tests read the replicas as the test database itself (unless a test starts a real one).
        TEST={"MIRROR": "default"},
    )
    _replica.setdefault("OPTIONS", {}).update(
        options=DATABASE_SESSION_OPTIONS,
        # A replica host that does not answer must not hold a request for long.
        connect_timeout=env.int("REPLICA_CONNECT_TIMEOUT", default=2),
    )
    DATABASES[f"replica{_index}"] = _replica
    DATABASE_REPLICAS.append(f"replica{_index}")
DATABASE_ROUTERS = ["apps.core.replicas.ReplicaRouter"]
# A browser that wrote reads from the primary for this long (read-your-writes).
REPLICA_PIN_SECONDS = env.float("REPLICA_PIN_SECONDS", default=10.0)
# A replica further behind than this is skipped (reads go to the primary until it catches up).
REPLICA_MAX_LAG_SECONDS = env.float("REPLICA_MAX_LAG_SECONDS", default=5.0)
# Each process asks each replica for its health (reachable, streaming, lag) this often.
REPLICA_HEALTH_CHECK_SECONDS = env.float("REPLICA_HEALTH_CHECK_SECONDS", default=2.0)
# GET/HEAD under these paths may read a replica ("/" alone: the home page only).
REPLICA_READ_PATHS = (
    "/",
    "/standards/",
    "/enterprises/",
    "/schemes/",
    "/leaders/",
    "/rankings/",
    "/notices/",
    "/spotchecks/",
    "/incentives/",
    "/news/",
    "/statistics/",
    "/api/v1/standards/",
    "/api/v1/enterprises/",
    "/api/v1/leaders/",
    "/api/v1/rankings/",
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = redis_url()
CACHES = {
    "default": {
        "BACKEND": "apps.core.cache.ResilientRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "leaderportal",
        "TIMEOUT": 300,
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "apps.accounts.security.LockoutBackend",
    "rules.permissions.ObjectPermissionBackend",
    # The three administrators' admin pages (docs/security.md "Three administrators").
    "apps.accounts.permissions.AdministratorRoleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"
# AUTH_PASSWORD_VALIDATORS: config/settings/security.py (the password policy).

# Chinese first, English second. Source strings are written in Chinese (msgid), so the
# primary language can never show a missing translation; locale/en holds the English.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # Uploaded standard texts live outside the web root and are served by permission-checked
    # views, never by the static server.
    # MEDIA_STORAGE=s3 puts them in an S3-compatible bucket shared by every server
    # (config/storage.py, docs/scaling.md "Shared media").
    "default": media_storage(os.environ, default_root=BASE_DIR / ".local" / "media"),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# The largest multipart request of a form with several documents (incentive applications);
# PDF forms and imports have their own limits (apps/core/uploads.request_max_bytes).
UPLOAD_MAX_REQUEST_BYTES = env.int("UPLOAD_MAX_REQUEST_BYTES", default=64 * 1024 * 1024)

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="noreply@leaders.beijing.example")

SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "企业标准“领跑者”门户 API",
    "DESCRIPTION": "Beijing enterprise standard leader portal: public, read-only data API.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI assets come from the sidecar package: no CDN, the portal works offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Celery (config/celery.py reads every CELERY_* setting).
CELERY_BROKER_URL = REDIS_URL.replace("unix://", "redis+socket://", 1)
CELERY_RESULT_BACKEND = None
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 30 * 60
CELERY_TASK_TIME_LIMIT = 35 * 60
# Longer than the longest job, so Redis does not hand an unacknowledged long job to a second
# worker; set for the broker, the result backend and the transport alike.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * 60 * 60}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * 60 * 60}
# Three queues, so a national compile never delays a user's import or a mail; `make run`'s one
# worker serves all three, docker-compose runs a worker per queue (docs/scaling.md).
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "core.import_run_*": {"queue": "imports"},
    "declarations.search_index_*": {"queue": "imports"},
    "leaders.compile_*": {"queue": "compile"},
}
# A background job still waiting or working this long after it was queued lost its message
# (e.g. Redis restarted without persistence): the sweeps below send it again.
JOB_STALE_AFTER = timedelta(minutes=env.int("JOB_STALE_AFTER_MINUTES", default=120))
# After an event that changes the statistics, they are recomputed once this many seconds later
# (one refresh for a burst of events).
STATISTICS_DEBOUNCE_SECONDS = env.int("STATISTICS_DEBOUNCE_SECONDS", default=60)
# Days a drawn expert has to give an opinion (then a daily reminder; staff may re-draw).
REVIEW_RESPONSE_DAYS = env.int("REVIEW_RESPONSE_DAYS", default=10)
CELERY_BEAT_SCHEDULE = {
    "remind-overdue-reviews": {
        "task": "experts.remind_overdue_reviews",
        "schedule": crontab(hour=8, minute=30),
    },
    "requeue-stale-compile-jobs": {
        "task": "leaders.requeue_stale_jobs",
        "schedule": crontab(minute="*/15"),
    },
    "send-inbox": {"task": "core.send_inbox", "schedule": crontab(minute="*/10")},
    # Each standards import queues it; this catches a message lost on the way. A minute's
    # run still queued behind a long import a minute later is dropped: the next one comes.
    "search-index-pending": {
        "task": "declarations.search_index_pending",
        "schedule": crontab(minute="*"),
        "options": {"expires": 60},
    },
    "requeue-stale-imports": {
        "task": "core.requeue_stale_imports",
        "schedule": crontab(minute="*/15"),
    },
    "expire-leader-titles": {
        "task": "leaders.expire_titles",
        "schedule": crontab(hour=0, minute=10),
    },
    "sync-credit-records": {
        "task": "incentives.sync_credit_records",
        "schedule": crontab(hour=0, minute=20),
    },
    "refresh-statistics": {
        "task": "portal.refresh_statistics",
        "schedule": crontab(hour=1, minute=0),
    },
    "compile-due-rankings": {"task": "leaders.compile_due", "schedule": crontab(hour=1, minute=0)},
    "purge-retired-rankings": {
        "task": "leaders.purge_retired_rankings",
        "schedule": crontab(hour=3, minute=30),
    },
    # Commenters' contacts past COMMENTER_CONTACT_RETENTION_DAYS after the comment period.
    "purge-commenter-contacts": {
        "task": "evaluators.purge_commenter_contacts",
        "schedule": crontab(hour=2, minute=20),
    },
    "tell-comment-ended": {
        "task": "evaluators.tell_comment_ended",
        "schedule": crontab(hour=8, minute=30),
    },
    "close-ended-notices": {
        "task": "leaders.close_notices",
        "schedule": crontab(hour=0, minute=20),
    },
    "send-notifications": {
        "task": "leaders.send_notifications",
        "schedule": crontab(minute="*/10"),
    },
    # Objectors' personal data past OBJECTOR_DATA_RETENTION_DAYS after their notice closed.
    "purge-objector-data": {
        "task": "leaders.purge_objector_data",
        "schedule": crontab(hour=2, minute=10),
    },
    # On the 2nd, every month not yet archived up to the last one (docs/operations.md).
    "archive-audit": {
        "task": "core.archive_audit",
        "schedule": crontab(day_of_month=2, hour=2, minute=30),
    },
}

# The audit log: entries are kept at least this many days (never fewer than 180, checked at
# start-up); each month is archived to JSON lines chained by HMAC-SM3 (apps/core/audit_archive).
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=180)
AUDIT_ARCHIVE_DIR = env.path("AUDIT_ARCHIVE_DIR", default=BASE_DIR / ".local" / "audit-archive")
AUDIT_HMAC_KEY = env.str("AUDIT_HMAC_KEY", default="")
CELERY_TASK_ALWAYS_EAGER = False

# Personal information (docs/security.md "Personal information"). Phone numbers and objectors'
# contact details are encrypted at rest with SM4 under PII_ENCRYPTION_KEY (32 hex digits, a
# 128-bit key; apps/core/crypto.py). Development and tests fall back to the repository's
# development key; production settings refuse to start without a key of their own, and
# `check --deploy` refuses the development key. Retired keys stay readable while listed in
# PII_ENCRYPTION_OLD_KEYS (`manage.py reencrypt_personal_data` moves values to the new key).
PII_DEVELOPMENT_KEY = "6c6561646572706f7274616c2d646576"  # "leaderportal-dev", not a secret
PII_ENCRYPTION_KEY = env.str("PII_ENCRYPTION_KEY", default=PII_DEVELOPMENT_KEY if DEBUG else "")
PII_ENCRYPTION_OLD_KEYS = env.list("PII_ENCRYPTION_OLD_KEYS", default=[])
# Objectors' names, contact details and addresses are deleted this many days after the public
# notice closed (the objection's grounds, attachment and finding stay): a daily job.
OBJECTOR_DATA_RETENTION_DAYS = env.int("OBJECTOR_DATA_RETENTION_DAYS", default=180)
# Commenters' contact details on evaluation schemes are deleted this many days after the
# scheme's public comment period ended (the name and comment stay): a daily job.
COMMENTER_CONTACT_RETENTION_DAYS = env.int("COMMENTER_CONTACT_RETENTION_DAYS", default=180)
# Where a person sends a request about their personal information (privacy notices).
PRIVACY_CONTACT_EMAIL = env.str("PRIVACY_CONTACT_EMAIL", default="privacy@leaders.beijing.example")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"pgserver": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# Leaders: titles are valid this many months (last day included); objection filings per IP per
# hour; the absolute address used in emails.
LEADER_VALIDITY_MONTHS = env.int("LEADER_VALIDITY_MONTHS", default=12)
OBJECTION_RATE_LIMIT = env.int("OBJECTION_RATE_LIMIT", default=5)
SCHEME_COMMENT_RATE_LIMIT = env.int("SCHEME_COMMENT_RATE_LIMIT", default=10)
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000")
# Accounts created by staff get a mail with a one-time link to set a password; the link
# expires after this many days (docs/security.md "Invitations and account set-up").
INVITATION_TIMEOUT_DAYS = env.int("INVITATION_TIMEOUT_DAYS", default=7)
# Memory for each hash table and sort of a ranking compile (PostgreSQL's work_mem, set for the
# compile's transaction only): at national scale the per-standard aggregate holds ~3 million
# groups, which spill to disk with the server's default of 4 MB.
RANKING_COMPILE_WORK_MEM = env.str("RANKING_COMPILE_WORK_MEM", default="512MB")
# Concurrent transactions (database connections) of a year's compile (`compile_rankings
# --year`): one per core of the database server.
RANKING_COMPILE_WORKERS = env.int("RANKING_COMPILE_WORKERS", default=2)

PORTAL_NAME = _("北京市企业标准“领跑者”服务平台")

# The certificate PDF embeds (a subset of) this TrueType CJK font: Debian's fonts-arphic-uming
# (AR PL UMing, a Song/Ming face), installed by the Dockerfile and .ci/run. Noto CJK (also
# installed, for the browser) has PostScript outlines, which reportlab cannot embed. In a .ttc
# collection, CERTIFICATE_FONT_INDEX picks the face (0 = UMing CN, simplified Chinese).
CERTIFICATE_FONT = env.str("CERTIFICATE_FONT", default="/usr/share/fonts/truetype/arphic/uming.ttc")
CERTIFICATE_FONT_INDEX = env.int("CERTIFICATE_FONT_INDEX", default=0)

from config.settings.security import *  # noqa: E402, F403
