"""Account and browser security settings, shared by every environment (docs/security.md).

Imported at the end of base.py; production.py adds HTTPS-only cookies and HSTS on top.
"""

from datetime import timedelta

from csp.constants import NONE, SELF, UNSAFE_INLINE

from config.env import env

# ---- Login lockout (django-axes) ------------------------------------------------------------
# Five wrong passwords for one email from one address lock that pair for 30 minutes; staff
# lift a lock early by deleting the attempt in the admin ("访问尝试"). Per pair, not per
# address, so a bureau office behind one NAT address is not locked out by one person.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "apps.accounts.security.axes_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "apps.accounts.security.locked_out"
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["password", "token"]

# ---- Password policy (docs/security.md "Password policy") -------------------------------------
# At least 10 characters of 3 of the 4 classes (lower, upper, digit, other), not a common
# password, not all digits, not like the account's attributes, not containing the e-mail's
# local part, and none of the last PASSWORD_HISTORY_COUNT passwords (the current included).
PASSWORD_MIN_LENGTH = env.int("PASSWORD_MIN_LENGTH", default=10)
PASSWORD_MIN_CHARACTER_CLASSES = env.int("PASSWORD_MIN_CHARACTER_CLASSES", default=3)
PASSWORD_HISTORY_COUNT = env.int("PASSWORD_HISTORY_COUNT", default=5)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {
        "NAME": "apps.accounts.passwords.CharacterClassesValidator",
        "OPTIONS": {"min_classes": PASSWORD_MIN_CHARACTER_CLASSES},
    },
    {"NAME": "apps.accounts.passwords.EmailLocalPartValidator"},
    {"NAME": "apps.accounts.passwords.PasswordHistoryValidator"},
]

# ---- Two-factor (django-otp, TOTP) ----------------------------------------------------------
OTP_TOTP_ISSUER = "Beijing Leader Portal"
# Staff delete a lost device in the admin, but nobody reads a device's secret there: with the
# key or its QR code any staff member could generate another user's codes.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# When true, bureau staff, the three administrators and the emergency superuser must enrol
# and verify a TOTP device before any page past the login (the enrolment page excepted:
# apps.accounts.middleware.RequireStaffOTPMiddleware). On by default in production
# (config/settings/production.py); off in development and tests unless a test turns it on.
OTP_REQUIRED_FOR_STAFF = env.bool("DJANGO_OTP_REQUIRED_FOR_STAFF", default=False)

# ---- Sessions -------------------------------------------------------------------------------
# Idle and absolute limits are enforced by apps.accounts.middleware.SessionExpiryMiddleware;
# the cookie itself dies with the browser.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_ABSOLUTE_TIMEOUT = env.int("SESSION_ABSOLUTE_TIMEOUT", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# ---- Content Security Policy (django-csp 4) -------------------------------------------------
# No inline or eval'd script anywhere (tests/security/test_csp.py scans every template);
# styles may be inline because Bootstrap markup, htmx and the Django admin set style
# attributes, and CSS cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# ---- Rate limits (apps.core.ratelimit) ------------------------------------------------------
RATELIMIT_ENABLED = env.bool("RATELIMIT_ENABLED", default=True)
# How many reverse proxies in front of gunicorn append to X-Forwarded-For (0: none, the
# client's address is REMOTE_ADDR). Rate limits and the login lockout count per client address.
TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "apps.core.ratelimit.client_ip"
