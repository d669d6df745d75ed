from config.settings.base import *  # noqa: F403
from config.settings.base import env

DEBUG = True
# The repository's development key unless the environment sets one (never in production).
PII_ENCRYPTION_KEY = env.str("PII_ENCRYPTION_KEY", default=PII_DEVELOPMENT_KEY)  # noqa: F405
