"""The three administrators' invariant (三员分立): an account holds at most one of the three
administrator roles and gets no power from anywhere but its role.

Enforced at three levels: the database (check constraints: the superuser is the emergency
account and nothing else; administrators sign in to the admin site), the model
(`User.clean`, `refuse_extra_permissions` below: no groups or direct permissions for an
administrator, whoever adds them and however) and the admin's form (errors on the fields,
apps.accounts.admin)."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from apps.accounts.enums import ADMIN_ROLES


def extra_permissions_message() -> str:
    return _(
        "三员账户的权限只来自其角色，不能加入用户组或单独授予权限（否则将兼有其他管理员的权限）"
    )


def refuse_extra_permissions(sender, instance, action, reverse, model, pk_set, **kwargs):
    """m2m_changed on User.groups and User.user_permissions: refuse adding any to an
    administrator, from the user's side (user.groups.add) or the other (group.user_set.add)."""
    if action != "pre_add":
        return
    User = get_user_model()
    if reverse:
        holders = User.objects.filter(pk__in=pk_set or (), role__in=ADMIN_ROLES)
        refused = holders.exists()
    else:
        refused = instance.role in ADMIN_ROLES
    if refused:
        raise ValidationError(extra_permissions_message(), code="administrator_extra_permissions")
