import rules

from apps.accounts.rules import is_staff_member

rules.add_perm("leaders.revoke_leader", is_staff_member)
