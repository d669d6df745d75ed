"""Experts on the roster: their records, status workflow, accounts and declared conflicts."""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from apps.accounts import services as accounts
from apps.accounts.enums import Role
from apps.catalog.models import Category
from apps.core import audit
from apps.core.workflow import Workflow, require
from apps.experts.enums import ExpertRole, ExpertStatus
from apps.experts.models import Expert, ExpertConflict

User = get_user_model()

PROFILE_FIELDS = ["name", "organisation", "organisation_uscc", "title", "phone", "roles"]

# The expert's status workflow, as data.
EXPERT = Workflow(
    "expert",
    ExpertStatus,
    noun=pgettext_lazy("workflow", "专家"),
    transitions={
        (ExpertStatus.RECOMMENDED, ExpertStatus.APPOINTED): "experts.manage_experts",
        (ExpertStatus.RECOMMENDED, ExpertStatus.RETIRED): "experts.manage_experts",
        (ExpertStatus.APPOINTED, ExpertStatus.RETIRED): "experts.manage_experts",
        (ExpertStatus.RETIRED, ExpertStatus.APPOINTED): "experts.manage_experts",
    },
)
# Moves back along it that only staff make, on the expert's page: re-appointing a retired
# expert. An import never moves a status back (CONTRACT.md §2).
EXPERT_MOVES_BACK = {(ExpertStatus.RETIRED, ExpertStatus.APPOINTED)}


def expert_transition_refused(current: str, target: str) -> str:
    """The message for a move the workflow does not allow: the page's and the import's."""
    return EXPERT.refusal(current, target)


def _link_user(expert: Expert) -> None:
    """Link the expert to the expert account with the same email, if there is one."""
    if expert.user_id is None:
        user = User.objects.filter(email__iexact=expert.email, role=Role.EXPERT).first()
        if user is not None and not Expert.objects.filter(user=user).exists():
            expert.user = user


@transaction.atomic
def expert_save(
    *,
    email: str,
    name: str,
    organisation: str,
    organisation_uscc: str = "",
    title: str = "",
    phone: str | None = None,
    specialties: list[Category] | None = None,
    roles: list[str] | None = None,
    status: str | None = None,
    recommendation: str = "",
    actor,
) -> tuple[Expert, bool]:
    """Create (recommend) or update an expert found by email. Returns (expert, created).

    A new expert starts `recommended` unless `status` says otherwise (imports record
    experts appointed elsewhere). `phone` None leaves the phone as it is."""
    require(actor, "experts.manage_experts")
    email = email.strip().lower()
    roles = sorted(set(roles or [ExpertRole.COMMITTEE]))
    expert = Expert.objects.select_for_update().filter(email=email).first()
    created = expert is None
    before = {} if created else audit.snapshot(expert, [*PROFILE_FIELDS, "status"])
    if created:
        expert = Expert(email=email, recommended_by=actor if actor else None)
        expert.recommendation = recommendation
        expert.status = status or ExpertStatus.RECOMMENDED
        if expert.status == ExpertStatus.APPOINTED:
            expert.appointed_on = timezone.localdate()
    elif status and status != expert.status:
        _check_transition(expert.status, status)
        expert.status = status
    expert.name, expert.organisation = name, organisation
    expert.organisation_uscc, expert.title, expert.roles = organisation_uscc, title, roles
    if phone is not None:
        expert.phone = phone.strip()
    _link_user(expert)
    expert.full_clean()
    expert.save()
    old_specialties = set() if created else set(expert.specialties.values_list("code", flat=True))
    if specialties is not None:
        expert.specialties.set(specialties)
    changes = audit.diff(before, audit.snapshot(expert, [*PROFILE_FIELDS, "status"]))
    new_specialties = set(expert.specialties.values_list("code", flat=True))
    if new_specialties != old_specialties:
        changes["specialties"] = [sorted(old_specialties), sorted(new_specialties)]
    if created or changes:
        audit.record(
            actor=actor,
            action="expert.recommend" if created else "expert.update",
            target=expert,
            changes=changes,
        )
    return expert, created


def _check_transition(current: str, target: str) -> None:
    if not EXPERT.allows(current, target):
        raise ValidationError(EXPERT.refusal(current, target))


@transaction.atomic
def expert_set_status(
    *,
    expert: Expert,
    status: str,
    actor,
    appointed_on=None,
    term_ends_on=None,
    request=None,
) -> Expert:
    """The expert's one status-changing service: appoint (with the term) or retire. An
    appointed expert can be drawn, so must be able to sign in and answer: appointing one who
    has no usable account yet creates or links it and sends the invitation
    (`expert_account_ensure`; the outcome is left on `expert.account_outcome`)."""
    require(actor, "experts.manage_experts")
    expert = Expert.objects.select_for_update().get(pk=expert.pk)
    _check_transition(expert.status, status)
    before = audit.snapshot(expert, ["status", "appointed_on", "term_ends_on", "retired_on"])
    expert.status = status
    if status == ExpertStatus.APPOINTED:
        expert.appointed_on = appointed_on or timezone.localdate()
        expert.term_ends_on = term_ends_on
        expert.retired_on = None
    else:
        expert.retired_on = timezone.localdate()
    expert.full_clean()
    expert.save(
        update_fields=["status", "appointed_on", "term_ends_on", "retired_on", "updated_at"]
    )
    audit.record(
        actor=actor,
        action=f"expert.{status}",
        target=expert,
        changes=audit.diff(
            before, audit.snapshot(expert, ["status", "appointed_on", "term_ends_on", "retired_on"])
        ),
    )
    if status == ExpertStatus.APPOINTED:
        expert.account_outcome = expert_account_ensure(expert=expert, actor=actor, request=request)
    return expert


# ---------------------------------------------------------------- the expert's account


def _new_expert_account(expert: Expert, actor, request):
    user = User(email=expert.email, name=expert.name, role=Role.EXPERT)
    user.set_unusable_password()
    user.full_clean()
    user.save()
    expert.user = user
    expert.save(update_fields=["user", "updated_at"])
    audit.record(
        actor=actor,
        action="expert.account_create",
        target=expert,
        changes={"user": [None, user.email]},
    )
    accounts.invite_user(user=user, actor=actor, request=request)
    return user


@transaction.atomic
def expert_account_create(*, expert: Expert, actor, request=None):
    """Staff create the expert's login account (role expert, the expert's email, no password)
    and the expert gets the invitation mail to set a password."""
    require(actor, "experts.manage_experts")
    expert = Expert.objects.select_for_update().get(pk=expert.pk)
    if expert.user_id is not None:
        raise ValidationError(_("该专家已关联登录账户"))
    if User.objects.filter(email__iexact=expert.email).exists():
        raise ValidationError(
            _("邮箱 %(email)s 已有账户，请用“关联已有账户”关联该账户") % {"email": expert.email}
        )
    return _new_expert_account(expert, actor, request)


@transaction.atomic
def expert_account_link(*, expert: Expert, email: str, actor):
    """Link the expert to an existing expert account, found by its email."""
    require(actor, "experts.manage_experts")
    expert = Expert.objects.select_for_update().get(pk=expert.pk)
    if expert.user_id is not None:
        raise ValidationError(_("该专家已关联登录账户"))
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise ValidationError({"email": _("没有使用该邮箱的账户")})
    if user.role != Role.EXPERT:
        raise ValidationError(
            {
                "email": _("该账户的角色是“%(role)s”，只能关联角色为“专家”的账户")
                % {"role": user.get_role_display()}
            }
        )
    if not user.is_active:
        raise ValidationError({"email": _("该账户已停用")})
    if Expert.objects.filter(user=user).exists():
        raise ValidationError({"email": _("该账户已关联其他专家")})
    expert.user = user
    expert.save(update_fields=["user", "updated_at"])
    audit.record(
        actor=actor,
        action="expert.account_link",
        target=expert,
        changes={"user": [None, user.email]},
    )
    return user


def expert_account_ensure(*, expert: Expert, actor, request=None) -> str:
    """Make sure the expert can sign in, as far as it can be done without them: link the
    expert account with their email, or create one; invite when its owner has not set a
    password. Returns "active", "invited" or "conflict" (the email belongs to an account of
    another role, or one linked to another expert: staff must sort it out)."""
    user = expert.user
    if user is None:
        existing = User.objects.filter(email__iexact=expert.email).first()
        if existing is None:
            _new_expert_account(expert, actor, request)
            return "invited"
        if (
            existing.role != Role.EXPERT
            or not existing.is_active
            or Expert.objects.filter(user=existing).exists()
        ):
            return "conflict"
        expert.user = user = existing
        expert.save(update_fields=["user", "updated_at"])
        audit.record(
            actor=actor,
            action="expert.account_link",
            target=expert,
            changes={"user": [None, user.email]},
        )
    if not user.is_active:
        return "conflict"
    if user.invitation_pending:
        accounts.invite_user(user=user, actor=actor, request=request)
        return "invited"
    return "active"


@transaction.atomic
def expert_profile_update(*, expert: Expert, phone: str, consented: bool, actor) -> Expert:
    """The expert keeps their own contact phone up to date on their workspace, agreeing to
    the roster's privacy notice (the time is kept in `privacy_consent_at`)."""
    if actor is None or actor.pk != expert.user_id:
        raise PermissionDenied
    if not consented:
        raise ValidationError({"privacy_consent": _("请阅读并同意个人信息处理说明后再提交")})
    expert = Expert.objects.select_for_update().get(pk=expert.pk)
    before = audit.snapshot(expert, ["phone"])
    expert.phone = phone.strip()
    expert.privacy_consent_at = timezone.now()
    expert.full_clean()
    expert.save(update_fields=["phone", "privacy_consent_at", "updated_at"])
    audit.record(
        actor=actor,
        action="expert.profile_update",
        target=expert,
        changes={
            **audit.diff(before, audit.snapshot(expert, ["phone"])),
            "privacy_consent_at": [None, str(expert.privacy_consent_at)],
        },
    )
    return expert


@transaction.atomic
def conflict_declare(*, expert: Expert, uscc: str, organisation: str, reason: str, actor):
    """An expert declares a conflict of interest with an organisation."""
    if actor is not None and actor.pk != expert.user_id:
        require(actor, "experts.manage_experts")
    conflict = ExpertConflict(
        expert=expert, uscc=uscc.strip().upper(), organisation=organisation, reason=reason
    )
    if ExpertConflict.objects.filter(expert=expert, uscc=conflict.uscc).exists():
        raise ValidationError({"uscc": _("已声明过与该单位的利益冲突")})
    conflict.full_clean()
    conflict.save()
    audit.record(
        actor=actor,
        action="expert.conflict_declare",
        target=expert,
        changes={"conflict": [None, f"{conflict.uscc} {organisation}: {reason}"]},
    )
    return conflict
