import rules

from apps.accounts.rules import is_enterprise_user, is_staff_member
from apps.declarations.enums import PUBLIC_STATUSES, VersionStatus


def _active_enterprise_id(user):
    membership = getattr(user, "membership", None) if user.is_authenticated else None
    if membership is None or membership.status != "active":
        return None
    return membership.enterprise_id


@rules.predicate
def is_own_standard(user, standard):
    return standard is not None and _active_enterprise_id(user) == standard.enterprise_id


@rules.predicate
def is_public_standard(user, standard):
    return standard is not None and standard.status in PUBLIC_STATUSES


@rules.predicate
def has_active_membership(user):
    return _active_enterprise_id(user) is not None


@rules.predicate
def is_public_version(user, version):
    return (
        version is not None
        and version.status in (VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED)
        and version.standard.status in PUBLIC_STATUSES
    )


@rules.predicate
def is_own_version(user, version):
    return version is not None and is_own_standard(user, version.standard)


# The public reads public and abolished standards; an enterprise also its own drafts; staff all.
rules.add_perm("declarations.view_standard", is_public_standard | is_staff_member | is_own_standard)
rules.add_perm("declarations.view_version", is_public_version | is_staff_member | is_own_version)
# Only the enterprise's own active users declare and change its standards.
rules.add_perm("declarations.declare", is_enterprise_user & has_active_membership)
rules.add_perm("declarations.change_standard", is_enterprise_user & is_own_standard)
rules.add_perm("declarations.view_workspace", is_enterprise_user)

# Bureau staff keep the public search's synonym list in the admin (CONTRACT.md §6); the app's
# module permission lets the admin list it (and the standards staff may already view).
rules.add_perm("declarations", is_staff_member)
for _action in ("view", "add", "change", "delete"):
    rules.add_perm(f"declarations.{_action}_synonym", is_staff_member)
