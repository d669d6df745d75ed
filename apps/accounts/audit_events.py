"""Security events written to the audit log (docs/security.md "Security events in the audit
log"): sign-ins and sign-outs, failed sign-ins, lockouts, unlocks (apps.accounts.admin),
refused requests (403), exports (CSV and Excel downloads), role changes (apps.accounts.admin)
and every request of the emergency superuser that changes something.

Actions:
    security.login / security.logout      a person signed in / out
    security.login_failed                 a wrong password (or a locked account's attempt)
    security.locked_out                   django-axes locked an e-mail and address pair
    security.unlock                       the security administrator lifted a lockout
    security.permission_denied            a 403 answer (a role's missing permission, CSRF)
    data.export                           a signed-in user downloaded a CSV or Excel file
    account.role_change                   a role (or group) changed
    emergency.login / emergency.request   the superuser signed in / made a change
"""

from django.contrib.auth import get_user_model

from apps.core import audit
from apps.core.ratelimit import client_ip

EXPORT_TYPES = (
    "text/csv",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.ms-excel",
)
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")


def _attempted(username) -> str:
    """What a failed sign-in named, for the log: an e-mail address, never other text (a
    password typed into the wrong box must not reach the log)."""
    text = str(username or "").strip().lower()[:254]
    return text if "@" in text and " " not in text else ""


def on_login(sender, request, user, **kwargs):
    action = "emergency.login" if user.is_superuser else "security.login"
    audit.record_event(actor=user, action=action, changes={"ip": client_ip(request)})


def on_logout(sender, request, user, **kwargs):
    if user is not None and user.is_authenticated:
        audit.record_event(actor=user, action="security.logout", changes={"ip": client_ip(request)})


def on_login_failed(sender, credentials, request=None, **kwargs):
    email = _attempted((credentials or {}).get("username"))
    user = get_user_model().objects.filter(email__iexact=email).first() if email else None
    audit.record_event(
        actor=None,
        action="security.login_failed",
        target=user,
        subject=email or "-",
        changes={"email": email, "ip": client_ip(request)},
    )


def on_locked_out(sender, request, username, ip_address, **kwargs):
    email = _attempted(username)
    user = get_user_model().objects.filter(email__iexact=email).first() if email else None
    audit.record_event(
        actor=None,
        action="security.locked_out",
        target=user,
        subject=email or "-",
        changes={"email": email, "ip": ip_address},
    )


def _is_export(response) -> bool:
    content_type = response.get("Content-Type", "").split(";")[0].strip().lower()
    return response.status_code == 200 and content_type in EXPORT_TYPES


def _file_name(response) -> str:
    disposition = response.get("Content-Disposition", "")
    if "filename=" not in disposition:
        return ""
    return disposition.split("filename=", 1)[1].strip('"; ')[:200]


class AuditTrailMiddleware:
    """After each response: a 403 is `security.permission_denied`, a CSV/Excel download by a
    signed-in user is `data.export`, a superuser's request that may change something
    (any method but GET/HEAD/OPTIONS) is `emergency.request`. Public open-data downloads
    by anonymous visitors are not logged (they are public)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = bool(user is not None and user.is_authenticated)
        where = {"method": request.method, "path": request.path[:500], "ip": client_ip(request)}
        if response.status_code == 403:
            audit.record_event(
                actor=user,
                action="security.permission_denied",
                subject="-",
                changes=where,
            )
        if signed_in and _is_export(response):
            audit.record_event(
                actor=user,
                action="data.export",
                changes={
                    **where,
                    "query": request.META.get("QUERY_STRING", "")[:500],
                    "file": _file_name(response),
                },
            )
        if signed_in and user.is_superuser and request.method not in SAFE_METHODS:
            audit.record_event(
                actor=user,
                action="emergency.request",
                changes={**where, "status": response.status_code},
            )
        return response
