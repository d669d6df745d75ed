from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from apps.accounts.enums import Role
from apps.core import audit, inbox
from apps.core.workflow import Workflow
from apps.enterprises.enums import MembershipStatus
from apps.enterprises.models import Enterprise, EnterpriseMembership

User = get_user_model()

PROFILE_FIELDS = ["name", "district", "industry_code", "address", "contact_email", "contact_phone"]

# The membership workflow, as data (apps/core/workflow.py).
MEMBERSHIP = Workflow(
    "membership",
    MembershipStatus,
    noun=pgettext_lazy("workflow", "企业账户申请"),
    transitions={
        (MembershipStatus.PENDING, MembershipStatus.ACTIVE): "accounts.activate_user",
        (MembershipStatus.PENDING, MembershipStatus.REFUSED): "accounts.activate_user",
    },
    refusal_text=gettext_lazy("该申请已处理，不能再次处理"),
)


@transaction.atomic
def enterprise_register(
    *,
    email: str,
    password: str,
    contact_name: str,
    uscc: str,
    enterprise_name: str,
    district: str = "",
    contact_phone: str = "",
) -> EnterpriseMembership:
    """Self-registration: an inactive user, its enterprise (new or existing) and a pending
    membership that bureau staff must activate before the user can log in."""
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": _("该邮箱已注册")})
    user = User(
        email=email.lower(),
        name=contact_name,
        phone=contact_phone,
        role=Role.ENTERPRISE,
        is_active=False,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    enterprise = Enterprise.objects.filter(uscc=uscc).first()
    if enterprise is None:
        enterprise = Enterprise(
            uscc=uscc,
            name=enterprise_name,
            district=district,
            contact_email=email,
            contact_phone=contact_phone,
        )
        enterprise.full_clean()
        enterprise.save()
        audit.record(
            actor=user,
            action="enterprise.create",
            target=enterprise,
            changes=audit.diff({}, audit.snapshot(enterprise, ["uscc", *PROFILE_FIELDS])),
        )
    membership = EnterpriseMembership.objects.create(user=user, enterprise=enterprise)
    audit.record(actor=user, action="membership.request", target=membership)
    inbox.notify_people(
        people=User.objects.filter(role=Role.BUREAU, is_active=True),
        subject=_("企业账户待激活：%(name)s") % {"name": enterprise.name},
        body=_(
            "%(contact)s（%(email)s）为“%(name)s”（统一社会信用代码 %(uscc)s）注册了企业账户，"
            "请核实后激活或拒绝。"
        )
        % {"contact": user.name, "email": user.email, "name": enterprise.name, "uscc": uscc},
        path=reverse("enterprises:registrations"),
    )
    return membership


@transaction.atomic
def membership_decide(
    *, membership: EnterpriseMembership, approve: bool, actor, reason: str = ""
) -> EnterpriseMembership:
    membership = (
        EnterpriseMembership.objects.select_for_update()
        .select_related("user")
        .get(pk=membership.pk)
    )
    target = MembershipStatus.ACTIVE if approve else MembershipStatus.REFUSED
    MEMBERSHIP.check(membership, target, actor)
    if not approve and not reason.strip():
        raise ValidationError({"reason": _("拒绝时必须填写理由")})
    old_status = membership.status
    membership.status = target
    membership.decided_at = timezone.now()
    membership.refusal_reason = reason.strip()
    membership.save(update_fields=["status", "decided_at", "refusal_reason", "updated_at"])
    if approve:
        membership.user.is_active = True
        membership.user.save(update_fields=["is_active"])
    audit.record(
        actor=actor,
        action="membership.activate" if approve else "membership.refuse",
        target=membership,
        changes={"status": [old_status, target], **({"reason": [None, reason]} if reason else {})},
    )
    name = membership.enterprise.name
    if approve:
        inbox.notify_people(
            people=[membership.user],
            subject=_("企业账户已激活：%(name)s") % {"name": name},
            body=_("您为“%(name)s”注册的企业账户已由市场监管局激活，现在可以登录并声明标准。")
            % {"name": name},
            path=reverse("login"),
        )
    else:  # the account stays inactive: the address is all there is
        inbox.notify_people(
            people=[membership.user.email],
            subject=_("企业账户注册未通过：%(name)s") % {"name": name},
            body=_("您为“%(name)s”注册的企业账户未通过审核。理由：%(reason)s")
            % {"name": name, "reason": reason.strip()},
        )
    return membership


@transaction.atomic
def enterprise_update(*, enterprise: Enterprise, actor, **fields) -> Enterprise:
    if not actor.has_perm("enterprises.change_enterprise", enterprise):
        raise PermissionDenied
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    before = audit.snapshot(enterprise, PROFILE_FIELDS)
    for name, value in fields.items():
        setattr(enterprise, name, value)
    enterprise.full_clean()
    changes = audit.diff(before, audit.snapshot(enterprise, PROFILE_FIELDS))
    if changes:
        enterprise.save(update_fields=[*changes, "updated_at"])
        audit.record(actor=actor, action="enterprise.update", target=enterprise, changes=changes)
    return enterprise
