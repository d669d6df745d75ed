from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.accounts.enums import Role
from apps.core import audit, inbox
from apps.enterprises.enums import MembershipStatus
from apps.enterprises.models import Enterprise, EnterpriseMembership

User = get_user_model()

PROFILE_FIELDS = ["name", "district", "industry_code", "address", "contact_email", "contact_phone"]

# The membership workflow, as data: status -> statuses it may move to.
MEMBERSHIP_TRANSITIONS = {
    MembershipStatus.PENDING: {MembershipStatus.ACTIVE, MembershipStatus.REFUSED},
    MembershipStatus.ACTIVE: set(),
    MembershipStatus.REFUSED: set(),
}


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
) -> EnterpriseMembership | None:
    """Self-registration: an inactive user, its enterprise (new or existing) and a pending
    membership that bureau staff must activate before the user can log in.

    An address that already has an account gets no error (that would tell anyone which
    addresses are registered): its owner is told by mail instead, and None is returned; the
    page the applicant sees is the same either way."""
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        make_password(password)  # the same work as a new account: no timing difference
        inbox.notify_people(
            people=[existing.email],
            subject=_("有人用您的邮箱申请注册企业账户"),
            body=_(
                "有人用本邮箱申请注册企业账户，但本邮箱已有账户，因此未创建新账户。"
                "如果是您本人，请直接登录；忘记密码时请使用“忘记密码”。"
                "如果不是您本人，请忽略本邮件。"
            ),
            path=reverse("login"),
        )
        return None
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
        people=[user.email],  # inactive until activated: the address is all there is
        subject=_("企业账户注册申请已收到：%(name)s") % {"name": enterprise_name},
        body=_(
            "您为“%(name)s”提交的企业账户注册申请已收到，"
            "待市场监管局工作人员核实激活后即可登录，届时会再通知您。"
        )
        % {"name": enterprise_name},
    )
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
    if not actor.has_perm("accounts.activate_user"):
        raise PermissionDenied
    membership = (
        EnterpriseMembership.objects.select_for_update()
        .select_related("user")
        .get(pk=membership.pk)
    )
    target = MembershipStatus.ACTIVE if approve else MembershipStatus.REFUSED
    if target not in MEMBERSHIP_TRANSITIONS[membership.status]:
        raise ValidationError(_("该申请已处理，不能再次处理"))
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
