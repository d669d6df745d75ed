import rules

from apps.accounts.rules import is_expert, is_staff_member


@rules.predicate
def is_drawn_member(user, member):
    """`member` is a ReviewMember: the seat belongs to this expert's account."""
    return bool(member is not None and member.expert.user_id == user.pk)


@rules.predicate
def is_drawn_for_review(user, review):
    if review is None or not user.is_authenticated:
        return False
    return review.members.filter(expert__user=user, replaced_at__isnull=True).exists()


rules.add_perm("experts.manage_experts", is_staff_member)
rules.add_perm("experts.manage_reviews", is_staff_member)
rules.add_perm("experts.view_workspace", is_expert)
rules.add_perm("experts.view_review", is_staff_member | (is_expert & is_drawn_for_review))
rules.add_perm("experts.give_opinion", is_expert & is_drawn_member)
