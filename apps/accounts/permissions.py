"""The admin-site pages of the three administrators (三员分立, docs/security.md "Three
administrators"), as one table per role: which models each may view (v), add (a), change (c)
or delete (d) in `/admin/`.

`AdministratorRoleBackend` answers Django's model-level permission checks (the admin asks
`user.has_perm("app.view_model")` without an object) from these tables. It never answers an
object-level check, so it opens no portal page: those ask django-rules with the object.
Field-level limits (who may change a role, a password, an administrator's account) are in
`apps.accounts.admin.UserAdmin`.
"""

import functools

from django.apps import apps

from apps.accounts.enums import Role

ACTIONS = {"v": "view", "a": "add", "c": "change", "d": "delete"}

# Configuration: every model of these apps (the catalogue, enterprises, experts, agencies
# and schemes, declarations, leaders, spot checks, incentives, news). Rows whose workflow
# owns them stay view-only for everyone (apps.core.admin.ViewOnlyAdmin).
CONFIGURATION_APPS = (
    "catalog",
    "enterprises",
    "experts",
    "declarations",
    "evaluators",
    "leaders",
    "supervision",
    "incentives",
    "news",
)

SYSTEM_ADMINISTRATOR = {
    # Accounts: create (with a business role), edit, deactivate; not their roles.
    "accounts.user": "vacd",
    "core.importrun": "v",
    **{f"{label}.*": "vacd" for label in CONFIGURATION_APPS},
}
SECURITY_ADMINISTRATOR = {
    # Roles and groups (policies) of accounts; nothing else of an account.
    "accounts.user": "vc",
    "auth.group": "vacd",
    # Lockouts: lifting one is deleting its attempt; the logs are read-only.
    "axes.accessattempt": "vd",
    "axes.accesslog": "v",
    "axes.accessfailurelog": "v",
    # A lost phone: delete the device, its owner enrols again.
    "otp_totp.totpdevice": "vd",
}
AUDIT_ADMINISTRATOR = {
    "core.auditentry": "v",
}

TABLES = {
    Role.ADMINISTRATOR: SYSTEM_ADMINISTRATOR,
    Role.SECURITY_ADMIN: SECURITY_ADMINISTRATOR,
    Role.AUDIT_ADMIN: AUDIT_ADMINISTRATOR,
}


@functools.cache
def role_permissions(role: str) -> frozenset[str]:
    """`app_label.codename` of every admin-site permission of `role`."""
    perms = set()
    for key, letters in TABLES.get(role, {}).items():
        app_label, model_name = key.split(".")
        if model_name == "*":
            models = apps.get_app_config(app_label).get_models()
            names = [model._meta.model_name for model in models]
        else:
            names = [model_name]
        for name in names:
            perms.update(f"{app_label}.{ACTIONS[letter]}_{name}" for letter in letters)
    return frozenset(perms)


class AdministratorRoleBackend:
    """Model-level admin permissions of the three administrators' roles (see the tables)."""

    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user_obj, perm, obj=None):
        if obj is not None or not (user_obj.is_active and user_obj.is_authenticated):
            return False
        return perm in role_permissions(user_obj.role)

    def has_module_perms(self, user_obj, app_label):
        if not (user_obj.is_active and user_obj.is_authenticated):
            return False
        return any(perm.startswith(f"{app_label}.") for perm in role_permissions(user_obj.role))
