"""Role predicates every app builds its permissions from."""

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
is_administrator = _role(Role.ADMINISTRATOR)


@rules.predicate
def is_superuser(user):
    return bool(user and user.is_authenticated and user.is_superuser)


# Bureau staff run the programme; administrators may do everything staff may.
is_staff_member = is_bureau_staff | is_administrator | is_superuser

rules.add_perm("accounts.activate_user", is_staff_member)
rules.add_perm("accounts.view_staff_pages", is_staff_member)
# Send (again) the set-password invitation of an account that staff or an import created.
rules.add_perm("accounts.invite_user", is_staff_member)
# CSV/Excel imports and the admin's exports (apps.core.imports) are for staff only.
rules.add_perm("core.import_data", is_staff_member)
rules.add_perm("core.export_data", is_staff_member)

# Account security in the admin: staff lift login lockouts (delete the attempt) and remove a
# lost phone's two-factor device so its owner can enrol again.
for _perm in (
    "view_accessattempt",
    "delete_accessattempt",
    "view_accesslog",
    "view_accessfailurelog",
):
    rules.add_perm(f"axes.{_perm}", is_staff_member)
rules.add_perm("otp_totp.view_totpdevice", is_staff_member)
rules.add_perm("otp_totp.delete_totpdevice", is_staff_member)
