"""Where each role lands after signing in: its workspace, the first entry of its menu
(apps/portal/navigation.py), not the public home page. A safe `next` still wins (the login
view asks for this only when there is none)."""

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from apps.accounts.enums import Role

# URL names, so this app imports none of the apps whose pages they are.
LANDING = {
    Role.ENTERPRISE: "declarations:workspace",
    Role.EVALUATOR: "evaluators:workspace",
    Role.EXPERT: "experts:workspace",
    # The staff desk: the first entry of the bureau's menu, the queue of registrations to
    # activate; the menu leads on to agencies, experts, reviews, rankings, invitations.
    Role.BUREAU: "enterprises:registrations",
    Role.PARTNER: "incentives:partner_desk",
    # The three administrators and the emergency superuser work in the admin site.
    Role.ADMINISTRATOR: "admin:index",
    Role.SECURITY_ADMIN: "admin:index",
    Role.AUDIT_ADMIN: "admin:core_auditentry_changelist",
    Role.EMERGENCY: "admin:index",
}


def landing_url(user) -> str:
    name = LANDING.get(getattr(user, "role", None))
    if name is not None and name.startswith("admin:") and not user.is_staff:
        name = None  # an account the admin site would turn away: the home page
    if name is not None and user.is_active:
        try:
            return reverse(name)
        except NoReverseMatch:
            pass
    return reverse(settings.LOGIN_REDIRECT_URL)
