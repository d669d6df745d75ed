import rules

from apps.accounts.rules import is_enterprise_user, is_expert, is_staff_member
from apps.experts.selectors import reviews_of_target


@rules.predicate
def is_drawn_for_objection(user, objection):
    """An expert drawn for a review of this objection (to read its attachment)."""
    if objection is None or not user.is_authenticated:
        return False

    return reviews_of_target(objection).filter(members__expert__user=user).exists()


rules.add_perm("leaders.revoke_leader", is_staff_member)
rules.add_perm("leaders.manage_titles", is_staff_member)
rules.add_perm("leaders.compile_rankings", is_staff_member)
rules.add_perm("leaders.manage_candidate_lists", is_staff_member)
rules.add_perm(
    "leaders.view_objection_attachment", is_staff_member | (is_expert & is_drawn_for_objection)
)
rules.add_perm("leaders.view_notifications", is_enterprise_user)
# An objector's name, contact details and address: bureau staff, who verify the objection;
# not the experts who review it, nor the public (docs/security.md "Personal information").
rules.add_perm("leaders.view_objector", is_staff_member)
