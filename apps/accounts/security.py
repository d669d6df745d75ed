"""Login lockout glue for django-axes."""

from axes.backends import AxesBackend
from django.conf import settings
from django.shortcuts import render


def axes_username(request, credentials) -> str:
    """Accounts log in with their email, in any case: count attempts on the lower-cased one."""
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    # No email is longer than 254 characters; the attempt log's column holds 255.
    return str(username).strip().lower()[:254]


class LockoutBackend(AxesBackend):
    """django-axes' backend, except that a call without a request (a test client's `login`,
    a management command) is left to the next backend: every login over HTTP (the portal's and
    the admin's form) passes its request, so every one of those is counted and locked."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def locked_out(request, original_response, credentials):
    """The page a locked-out login gets: what happened, for how long, and what to do."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "cooloff_minutes": minutes}
    return render(request, "registration/locked_out.html", context, status=429)
