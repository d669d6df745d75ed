import rules

from apps.accounts.rules import is_enterprise_user, is_staff_member


@rules.predicate
def is_member_of(user, enterprise):
    if enterprise is None or not user.is_authenticated:
        return False
    membership = getattr(user, "membership", None)
    return bool(
        membership and membership.status == "active" and membership.enterprise_id == enterprise.pk
    )


rules.add_perm(
    "enterprises.change_enterprise", is_staff_member | (is_enterprise_user & is_member_of)
)
rules.add_perm("enterprises.view_workspace", is_enterprise_user)
# Names go public only after bureau staff review them (registrations, name changes).
rules.add_perm("enterprises.decide_name_change", is_staff_member)
rules.add_perm("enterprises.rename_directly", is_staff_member)
