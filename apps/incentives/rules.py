import rules

from apps.accounts.rules import is_bureau_staff, is_enterprise_user, is_partner, is_staff_member
from apps.incentives.enums import ProviderKind


def _enterprise_id(user):
    membership = getattr(user, "membership", None) if user.is_authenticated else None
    if membership is None or membership.status != "active":
        return None
    return membership.enterprise_id


def provider_id_of(user):
    """The provider a user acts for, or None (cached on the user object by Django)."""
    if not user.is_authenticated:
        return None
    membership = getattr(user, "provider_membership", None)
    return membership.provider_id if membership else None


@rules.predicate
def has_enterprise(user):
    return _enterprise_id(user) is not None


@rules.predicate
def has_provider(user):
    return provider_id_of(user) is not None


@rules.predicate
def is_own_application(user, application):
    return application is not None and _enterprise_id(user) == application.enterprise_id


@rules.predicate
def is_provider_of_application(user, application):
    return (
        application is not None
        and provider_id_of(user) is not None
        and provider_id_of(user) == application.programme.provider_id
    )


@rules.predicate
def is_bureau_run_application(user, application):
    """The programme belongs to a department of the bureau itself (ProviderKind.BUREAU)."""
    return application is not None and application.programme.provider.kind == ProviderKind.BUREAU


rules.add_perm("incentives.apply", is_enterprise_user & has_enterprise)
rules.add_perm("incentives.withdraw_application", is_enterprise_user & is_own_application)
# Every programme has a decider: the users of its provider (partner desk), and for the
# bureau's own departments also any bureau staff member (staff desk). Administrators run the
# system, not the programmes, so they read applications but do not decide them.
rules.add_perm(
    "incentives.decide_application",
    is_provider_of_application | (is_bureau_staff & is_bureau_run_application),
)
rules.add_perm(
    "incentives.view_application",
    is_staff_member | is_own_application | is_provider_of_application,
)
# The partner desk: users acting for a provider review the applications addressed to it; a
# partner account not yet attached to a provider sees the desk with a notice saying so.
rules.add_perm("incentives.view_partner_desk", has_provider | is_partner)
# The staff desk: the applications to the bureau's own programmes, and programmes nobody can
# decide yet.
rules.add_perm("incentives.view_staff_desk", is_staff_member)
# The active-leader feed (API, CSV, tokens) is for partner organisations only: not even a
# superuser, whose `has_perm` is always true, so the feed checks the rule itself.
can_read_leader_feed = is_partner & has_provider
rules.add_perm("incentives.read_leader_feed", can_read_leader_feed)
rules.add_perm("incentives.manage_pilots", is_staff_member)

# Bureau staff manage providers, programmes and pilot tags in the admin, and read (never edit)
# applications, credit records and partner tokens there.
rules.add_perm("incentives", is_staff_member)
for model in ("provider", "providermembership", "programme", "enterprisepilot"):
    for action in ("view", "add", "change", "delete"):
        rules.add_perm(f"incentives.{action}_{model}", is_staff_member)
# (`incentives.view_application`, above, already lets staff read applications.)
for model in ("applicationdocument", "creditrecord", "partnertoken"):
    rules.add_perm(f"incentives.view_{model}", is_staff_member)
rules.add_perm("incentives.change_partnertoken", is_staff_member)  # to revoke in the admin
