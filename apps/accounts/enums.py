from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The roles of docs/domain.md. The public has no account.

    The three administrators (三员分立, docs/security.md "Three administrators") are separate
    roles that no account combines: the system administrator (accounts, configuration), the
    security administrator (roles, policies, unlocks) and the audit administrator (reads and
    exports the audit log). The emergency role belongs to the Django superuser alone, an
    account for emergencies whose every use is audited."""

    ENTERPRISE = "enterprise", _("企业用户")
    EVALUATOR = "evaluator", _("评估机构人员")
    EXPERT = "expert", _("专家")
    BUREAU = "bureau", _("市场监管局工作人员")
    PARTNER = "partner", _("合作机构")
    ADMINISTRATOR = "administrator", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")
    EMERGENCY = "emergency", _("应急超级管理员")


# The three administrators: an account holds at most one of them (its role), and gets no
# power from anywhere else (no superuser flag, no groups, no direct permissions).
ADMIN_ROLES = (Role.ADMINISTRATOR, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)
# Roles that sign in to the admin site (`is_staff`), and that must pass two-factor when
# `OTP_REQUIRED_FOR_STAFF` is on.
STAFF_ROLES = (Role.BUREAU, *ADMIN_ROLES, Role.EMERGENCY)
# Roles an account is created with by the system administrator: the business roles. The
# administrator roles are granted afterwards, by the security administrator.
BUSINESS_ROLES = (Role.ENTERPRISE, Role.EVALUATOR, Role.EXPERT, Role.BUREAU, Role.PARTNER)
