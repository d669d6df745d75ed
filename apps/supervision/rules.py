import rules

from apps.accounts.rules import is_staff_member

rules.add_perm("supervision.generate_plan", is_staff_member)
rules.add_perm("supervision.approve_plan", is_staff_member)
rules.add_perm("supervision.record_result", is_staff_member)
