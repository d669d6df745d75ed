import rules

from apps.accounts.rules import is_staff_member

rules.add_perm("supervision.generate_plan", is_staff_member)
rules.add_perm("supervision.approve_plan", is_staff_member)
rules.add_perm("supervision.record_result", is_staff_member)
# A draft plan's seed, items and population: staff only (CONTRACT §4 [2026-12]); the public
# sees the commitment to the seed until the plan is approved.
rules.add_perm("supervision.view_draft_plan", is_staff_member)
