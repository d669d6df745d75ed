"""Settings for the processes the fault tests start (a Celery worker, gunicorn) against the
test database: production-like (persistent connections with health checks, the real broker),
plus what the tests need to observe and recover them quickly.

- `application_name` lets the tests find the processes' database sessions.
- `client_connection_check_interval`: PostgreSQL notices a killed client within 100 ms even
  in the middle of a statement and rolls its transaction back, as it would on any server.
- `FAULTS_VISIBILITY_TIMEOUT`: the restarted worker takes back a killed worker's unacknowledged
  job after this many seconds instead of two hours.
"""

from config.settings.base import *  # noqa: F403
from config.settings.base import DATABASES, STORAGES, env

DATABASES["default"]["OPTIONS"] = {
    **DATABASES["default"].get("OPTIONS", {}),
    "application_name": env.str("FAULTS_APP_NAME", default="faults"),
    "options": "-c client_connection_check_interval=100",
}
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("FAULTS_VISIBILITY_TIMEOUT", default=2 * 60 * 60),
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CELERY_TASK_ALWAYS_EAGER = False
