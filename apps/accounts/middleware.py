"""Session expiry and the staff two-factor requirement."""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from apps.accounts.enums import STAFF_ROLES

STARTED = "_session_started"
LAST_SEEN = "_session_last_seen"
# Writing the session on every request would cost a database write per page; a minute's
# slack on the idle limit is fine.
TOUCH_EVERY = 60


def start_session_clock(sender, request, user, **kwargs):
    """Stamp the session at sign-in (saved with the login itself, no extra write later)."""
    if request is not None and hasattr(request, "session"):
        request.session[STARTED] = request.session[LAST_SEEN] = time.time()


class SessionExpiryMiddleware:
    """Signs a user out after `SESSION_IDLE_TIMEOUT` seconds without a request, and
    `SESSION_ABSOLUTE_TIMEOUT` seconds after signing in, whatever they do."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            started = session.get(STARTED)
            last_seen = session.get(LAST_SEEN)
            if started is None or last_seen is None:
                session[STARTED] = session[LAST_SEEN] = now
            elif (
                now - last_seen > settings.SESSION_IDLE_TIMEOUT
                or now - started > settings.SESSION_ABSOLUTE_TIMEOUT
            ):
                logout(request)
                messages.info(request, _("登录已超时，请重新登录。"))
            elif now - last_seen > TOUCH_EVERY:
                session[LAST_SEEN] = now
        return self.get_response(request)


def two_factor_required(user) -> bool:
    """Whether `OTP_REQUIRED_FOR_STAFF` applies to `user`: bureau staff, the three
    administrators, the emergency superuser, and anyone else who may open the admin site."""
    return bool(
        settings.OTP_REQUIRED_FOR_STAFF
        and user.is_authenticated
        and (user.is_staff or user.is_superuser or user.role in STAFF_ROLES)
    )


class RequireStaffOTPMiddleware:
    """With `OTP_REQUIRED_FOR_STAFF`, staff and administrators reach no page but the two-factor
    page, where they enrol a device if they have none (so nobody is locked out), and signing
    out, until this session is verified with a TOTP code."""

    ALLOWED_PREFIXES = ("/static/", "/i18n/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if two_factor_required(user) and not user.is_verified():
            allowed = {reverse("accounts:two_factor"), reverse("logout")}
            if request.path not in allowed and not request.path.startswith(self.ALLOWED_PREFIXES):
                messages.warning(request, _("工作人员须先启用并通过两步验证。"))
                return redirect("accounts:two_factor")
        return self.get_response(request)
