"""Production settings: `check --deploy` is clean, cookies are HTTPS-only, HSTS is on."""

import os
import secrets
import subprocess
import sys

from django.conf import settings


def _production(*args, **overrides):
    env = {
        **{
            k: v
            for k, v in os.environ.items()
            if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_OTP_REQUIRED_FOR_STAFF")
        },
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "leaders.beijing.example",
        "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1/x"),
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        "PII_ENCRYPTION_KEY": secrets.token_hex(16),
    }
    env.update(overrides)
    env = {k: v for k, v in env.items() if v is not None}
    return subprocess.run(
        [sys.executable, "manage.py", *args, "--settings=config.settings.production"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean():
    result = _production("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_cookies_and_hsts():
    code = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS >= 31536000,"
        " s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_HTTPONLY, s.DEBUG)"
    )
    result = _production("shell", "-c", code)
    assert result.stdout.strip().splitlines()[-1].split() == [
        "True",
        "True",
        "True",
        "True",
        "True",
        "False",
    ]


def test_production_requires_two_factor_for_staff_by_default():
    code = "from django.conf import settings as s; print(s.OTP_REQUIRED_FOR_STAFF)"
    result = _production("shell", "-c", code)
    assert result.stdout.strip().splitlines()[-1] == "True", result.stderr
    # Development and tests leave it off unless a test turns it on.
    assert settings.OTP_REQUIRED_FOR_STAFF is False


def test_production_refuses_to_start_without_its_own_encryption_key():
    """Personal fields are encrypted with PII_ENCRYPTION_KEY: production settings do not load
    without it, and `check --deploy` refuses the repository's development key."""
    missing = _production("check", PII_ENCRYPTION_KEY=None)
    assert missing.returncode != 0
    assert "PII_ENCRYPTION_KEY" in missing.stderr
    development = _production("check", "--deploy", PII_ENCRYPTION_KEY=settings.PII_DEVELOPMENT_KEY)
    assert development.returncode != 0
    assert "core.E102" in development.stdout + development.stderr
    malformed = _production("check", PII_ENCRYPTION_KEY="short")
    assert malformed.returncode != 0
    assert "core.E101" in malformed.stdout + malformed.stderr
