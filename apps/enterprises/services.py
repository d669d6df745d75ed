from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from apps.accounts.enums import Role
from apps.accounts.selectors import bureau_staff
from apps.core import audit, inbox
from apps.core.workflow import Workflow
from apps.enterprises.enums import MembershipStatus, NameChangeStatus
from apps.enterprises.models import Enterprise, EnterpriseMembership, EnterpriseNameChange

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
    consented: bool,
    district: str = "",
    contact_phone: str = "",
) -> EnterpriseMembership | None:
    """Self-registration: an inactive user, its enterprise (new or existing) and a pending
    membership that bureau staff must activate before the user can log in. The applicant
    must have agreed to the page's privacy notice (`consented`); the time is kept on the
    account (`privacy_consent_at`).

    An address that already has an account gets no error (that would tell anyone which
    addresses are registered): its owner is told by mail instead, and None is returned; the
    page the applicant sees is the same either way."""
    if not consented:
        raise ValidationError({"privacy_consent": _("请阅读并同意个人信息处理说明后再提交")})
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        make_password(password)  # the same work as a new account: no timing difference
        inbox.notify_people(
            people=[existing.email],
            subject=gettext_lazy("有人用您的邮箱申请注册企业账户"),
            body=gettext_lazy(
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
        privacy_consent_at=timezone.now(),
        language=translation.get_language() or settings.LANGUAGE_CODE,  # the page's
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
            is_public=False,  # until staff activate this registration
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
        language=user.language,
        subject=gettext_lazy("企业账户注册申请已收到：%(name)s"),
        body=gettext_lazy(
            "您为“%(name)s”提交的企业账户注册申请已收到，"
            "待市场监管局工作人员核实激活后即可登录，届时会再通知您。"
        ),
        values={"name": enterprise_name},
    )
    inbox.notify_people(
        people=bureau_staff(),
        subject=gettext_lazy("企业账户待激活：%(name)s"),
        body=gettext_lazy(
            "%(contact)s（%(email)s）为“%(name)s”（统一社会信用代码 %(uscc)s）注册了企业账户，"
            "请核实后激活或拒绝。"
        ),
        values={"name": enterprise.name, "contact": user.name, "email": user.email, "uscc": uscc},
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
        enterprise = Enterprise.objects.select_for_update().get(pk=membership.enterprise_id)
        if not enterprise.is_public:  # created by this registration: its name is now checked
            enterprise.is_public = True
            enterprise.save(update_fields=["is_public", "updated_at"])
            audit.record(
                actor=actor,
                action="enterprise.publish",
                target=enterprise,
                changes={"is_public": [False, True]},
            )
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
            subject=gettext_lazy("企业账户已激活：%(name)s"),
            body=gettext_lazy(
                "您为“%(name)s”注册的企业账户已由市场监管局激活，现在可以登录并声明标准。"
            ),
            values={"name": name},
            path=reverse("login"),
        )
    else:  # the account stays inactive: the address is all there is
        inbox.notify_people(
            people=[membership.user.email],
            language=membership.user.language,
            subject=gettext_lazy("企业账户注册未通过：%(name)s"),
            body=gettext_lazy("您为“%(name)s”注册的企业账户未通过审核。理由：%(reason)s"),
            values={"name": name, "reason": reason.strip()},
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
    if "name" in fields and not actor.has_perm("enterprises.rename_directly"):
        # An enterprise user's new name is a request: public only after staff approve it.
        new_name = fields.pop("name").strip()
        if new_name and new_name != enterprise.name:
            name_change_request(enterprise=enterprise, new_name=new_name, actor=actor)
    before = audit.snapshot(enterprise, PROFILE_FIELDS)
    for name, value in fields.items():
        setattr(enterprise, name, value)
    enterprise.full_clean()
    changes = audit.diff(before, audit.snapshot(enterprise, PROFILE_FIELDS))
    if changes:
        enterprise.save(update_fields=[*changes, "updated_at"])
        audit.record(actor=actor, action="enterprise.update", target=enterprise, changes=changes)
    return enterprise


# The name change workflow, as data. A newer request by the applicant closes a pending one
# as refused (the request service makes that move as the system, having checked the user).
NAME_CHANGE = Workflow(
    "name_change",
    NameChangeStatus,
    noun=pgettext_lazy("workflow", "名称变更申请"),
    transitions={
        (NameChangeStatus.PENDING, NameChangeStatus.APPROVED): "enterprises.decide_name_change",
        (NameChangeStatus.PENDING, NameChangeStatus.REFUSED): "enterprises.decide_name_change",
    },
    refusal_text=gettext_lazy("该申请已处理，不能再次处理"),
)


@transaction.atomic
def name_change_request(*, enterprise: Enterprise, new_name: str, actor) -> EnterpriseNameChange:
    """An enterprise user asks for a new name; the old one stays public until staff approve.
    A newer request replaces a pending one (which is recorded as withdrawn)."""
    if not actor.has_perm("enterprises.change_enterprise", enterprise):
        raise PermissionDenied
    new_name = new_name.strip()
    if not new_name or len(new_name) > 200:
        raise ValidationError({"name": _("请填写新的企业名称（不超过 200 字）")})
    pending = EnterpriseNameChange.objects.select_for_update().filter(
        enterprise=enterprise, status=NameChangeStatus.PENDING
    )
    for old in pending:
        NAME_CHANGE.check(old, NameChangeStatus.REFUSED, None)
        old.status = NameChangeStatus.REFUSED
        old.refusal_reason = _("申请人提交了新的名称变更申请")
        old.decided_at = timezone.now()
        old.save(update_fields=["status", "refusal_reason", "decided_at", "updated_at"])
        audit.record(
            actor=actor,
            action="enterprise.name_change_withdraw",
            target=old,
            changes={"status": [NameChangeStatus.PENDING, NameChangeStatus.REFUSED]},
        )
    change = EnterpriseNameChange.objects.create(
        enterprise=enterprise, old_name=enterprise.name, new_name=new_name, requested_by=actor
    )
    audit.record(
        actor=actor,
        action="enterprise.name_change_request",
        target=change,
        changes={"name": [enterprise.name, new_name]},
    )
    inbox.notify_people(
        people=bureau_staff(),
        subject=gettext_lazy("企业名称变更待审核：%(name)s"),
        body=gettext_lazy(
            "“%(old)s”（统一社会信用代码 %(uscc)s）申请将名称变更为“%(new)s”，请核实后处理。"
        ),
        values={
            "name": enterprise.name,
            "old": enterprise.name,
            "uscc": enterprise.uscc,
            "new": new_name,
        },
        path=reverse("enterprises:name_changes"),
    )
    return change


@transaction.atomic
def name_change_decide(
    *, change: EnterpriseNameChange, approve: bool, actor, reason: str = ""
) -> EnterpriseNameChange:
    change = (
        EnterpriseNameChange.objects.select_for_update(of=("self",))
        .select_related("requested_by")
        .get(pk=change.pk)
    )
    target = NameChangeStatus.APPROVED if approve else NameChangeStatus.REFUSED
    NAME_CHANGE.check(change, target, actor)
    if not approve and not reason.strip():
        raise ValidationError({"reason": _("拒绝时必须填写理由")})
    old_status = change.status
    change.status = target
    change.decided_by = actor
    change.decided_at = timezone.now()
    change.refusal_reason = reason.strip()
    change.save(
        update_fields=["status", "decided_by", "decided_at", "refusal_reason", "updated_at"]
    )
    audit.record(
        actor=actor,
        action="enterprise.name_change_approve" if approve else "enterprise.name_change_refuse",
        target=change,
        changes={"status": [old_status, target], **({"reason": [None, reason]} if reason else {})},
    )
    if approve:
        enterprise = Enterprise.objects.select_for_update().get(pk=change.enterprise_id)
        old_name = enterprise.name
        enterprise.name = change.new_name
        enterprise.full_clean()
        enterprise.save(update_fields=["name", "updated_at"])
        audit.record(
            actor=actor,
            action="enterprise.update",
            target=enterprise,
            changes={"name": [old_name, change.new_name]},
        )
    if change.requested_by is not None:
        inbox.notify_people(
            people=[change.requested_by],
            subject=gettext_lazy("企业名称变更已批准")
            if approve
            else gettext_lazy("企业名称变更未通过"),
            body=gettext_lazy("“%(old)s”变更为“%(new)s”的申请已批准，新名称已公开。")
            if approve
            else gettext_lazy("“%(old)s”变更为“%(new)s”的申请未通过。理由：%(reason)s"),
            values={"old": change.old_name, "new": change.new_name, "reason": reason.strip()},
            path=reverse("enterprises:my_profile"),
        )
    return change
