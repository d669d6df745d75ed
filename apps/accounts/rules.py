"""Role predicates every app builds its permissions from.

The three administrators (三员分立, docs/security.md "Three administrators") get their admin-site
model permissions from `apps.accounts.permissions.AdministratorRoleBackend` (one table per
role) and their other powers here; none of them runs the bureau's business (that is
`is_staff_member`: bureau staff, and the emergency superuser)."""

import rules

from apps.accounts.enums import Role


def _role(role):
    @rules.predicate(name=f"is_{role}")
    def predicate(user):
        return bool(user and user.is_authenticated and user.is_active and user.role == role)

    return predicate


is_enterprise_user = _role(Role.ENTERPRISE)
is_evaluator = _role(Role.EVALUATOR)
is_expert = _role(Role.EXPERT)
is_bureau_staff = _role(Role.BUREAU)
is_partner = _role(Role.PARTNER)
# The three administrators.
is_system_administrator = _role(Role.ADMINISTRATOR)
is_security_administrator = _role(Role.SECURITY_ADMIN)
is_audit_administrator = _role(Role.AUDIT_ADMIN)
is_administrator = is_system_administrator  # the name the role had before the split


@rules.predicate
def is_superuser(user):
    """The emergency account (every use audited: apps.accounts.audit_events)."""
    return bool(user and user.is_authenticated and user.is_active and user.is_superuser)


# Bureau staff run the programme; the emergency superuser may do everything.
is_staff_member = is_bureau_staff | is_superuser

rules.add_perm("accounts.activate_user", is_staff_member)
rules.add_perm("accounts.view_staff_pages", is_staff_member)
# Send (again) the set-password invitation of an account that staff or an import created:
# bureau staff for the accounts their work creates, the system administrator for any.
rules.add_perm("accounts.invite_user", is_staff_member | is_system_administrator)
# CSV/Excel imports and the admin's exports (apps.core.imports): staff and the system
# administrator (configuration data).
rules.add_perm("core.import_data", is_staff_member | is_system_administrator)
rules.add_perm("core.export_data", is_staff_member | is_system_administrator)

# Personal information (docs/security.md "Personal information"). Phone numbers (accounts,
# enterprise contacts, experts, commenters) are decrypted for bureau staff, who contact people
# for the programme, and for the system administrator, who keeps accounts and the roster in
# the admin; not for the security or audit administrator, partners, evaluators or experts.
rules.add_perm("accounts.view_contact_details", is_staff_member | is_system_administrator)
# A person's request to export or delete their data: the security administrator (policies),
# not bureau staff, whose own decisions (objections, draws, scores) such a request may touch,
# nor the system administrator, who edits the accounts themselves.
rules.add_perm("accounts.handle_personal_data", is_security_administrator | is_superuser)

# The security administrator: roles (and groups), lockouts, two-factor devices.
rules.add_perm("accounts.change_role", is_security_administrator | is_superuser)
for _perm in (
    "view_accessattempt",
    "delete_accessattempt",  # lifting a lockout
    "view_accesslog",
    "view_accessfailurelog",
):
    rules.add_perm(f"axes.{_perm}", is_security_administrator | is_superuser)
rules.add_perm("otp_totp.view_totpdevice", is_security_administrator | is_superuser)
rules.add_perm("otp_totp.delete_totpdevice", is_security_administrator | is_superuser)

# The audit administrator reads the audit log and exports it, nothing else.
rules.add_perm("core.view_auditentry", is_audit_administrator | is_superuser)
rules.add_perm("core.export_auditentry", is_audit_administrator | is_superuser)
