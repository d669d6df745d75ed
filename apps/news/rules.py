import rules

from apps.accounts.rules import is_staff_member

# Bureau staff write news and announcements in the admin.
rules.add_perm("news", is_staff_member)
for action in ("view", "add", "change", "delete"):
    rules.add_perm(f"news.{action}_article", is_staff_member)
