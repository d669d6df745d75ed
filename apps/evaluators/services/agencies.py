"""Agencies, their evaluators and their key-area applications (the application workflow)."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from apps.accounts import services as accounts
from apps.accounts.enums import Role
from apps.catalog.models import KeyArea
from apps.core import audit
from apps.core.workflow import Workflow, require
from apps.evaluators.enums import ApplicationStatus
from apps.evaluators.models import Agency, AgencyMembership, KeyAreaApplication
from apps.evaluators.services import waiting

User = get_user_model()


AGENCY_FIELDS = ["name", "kind", "contact_email", "qualifications"]


@transaction.atomic
def agency_save(
    *,
    uscc: str,
    name: str,
    kind: str,
    contact_email: str = "",
    qualifications: str = "",
    actor,
) -> tuple[Agency, bool]:
    """Create or update an agency by USCC (staff registration and imports)."""
    require(actor, "evaluators.manage_agencies")
    uscc = uscc.strip().upper()
    agency = Agency.objects.select_for_update().filter(uscc=uscc).first()
    created = agency is None
    before = {} if created else audit.snapshot(agency, AGENCY_FIELDS)
    agency = agency or Agency(uscc=uscc)
    agency.name, agency.kind, agency.contact_email = name, kind, contact_email
    agency.qualifications = qualifications
    agency.full_clean()
    changes = audit.diff(before, audit.snapshot(agency, AGENCY_FIELDS))
    if created or changes:
        agency.save()
        audit.record(
            actor=actor,
            action="agency.create" if created else "agency.update",
            target=agency,
            changes=changes,
        )
    return agency, created


@transaction.atomic
def evaluator_save(
    *, email: str, name: str, agency: Agency, actor, request=None
) -> tuple[AgencyMembership, bool]:
    """Make `email` an evaluator of `agency`: a new account (without a password: the person
    gets the invitation mail with a link to set one) or an existing evaluator account."""
    require(actor, "evaluators.manage_agencies")
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    created = user is None
    if user is None:
        user = User(email=email, name=name, role=Role.EVALUATOR)
        user.set_unusable_password()
        user.full_clean()
        user.save()
        accounts.invite_user(user=user, actor=actor, request=request)
    elif user.role != Role.EVALUATOR:
        raise ValidationError({"email": _("该邮箱已用于其他角色的账户")})
    elif name and user.name != name:
        user.name = name
        user.save(update_fields=["name"])
    membership = AgencyMembership.objects.select_for_update().filter(user=user).first()
    if membership is None:
        membership = AgencyMembership.objects.create(user=user, agency=agency)
        audit.record(
            actor=actor,
            action="agency.member_add",
            target=agency,
            changes={"member": [None, email]},
        )
    elif membership.agency_id != agency.pk:
        old = membership.agency
        membership.agency = agency
        membership.save(update_fields=["agency", "updated_at"])
        audit.record(
            actor=actor,
            action="agency.member_move",
            target=agency,
            changes={"member": [None, email], "from_agency": [old.uscc, agency.uscc]},
        )
    return membership, created


@transaction.atomic
def applications_submit(
    *, agency: Agency, key_areas: list[KeyArea], qualifications: str, actor
) -> list[KeyAreaApplication]:
    """An agency applies to evaluate key areas, with its qualifications."""
    require(actor, "evaluators.act_for_agency", agency)
    if not key_areas:
        raise ValidationError({"key_areas": _("请至少选择一个重点领域")})
    if not qualifications.strip():
        raise ValidationError({"qualifications": _("请说明机构的资质与能力")})
    taken = set(
        KeyAreaApplication.objects.filter(agency=agency, key_area__in=key_areas).values_list(
            "key_area_id", flat=True
        )
    )
    if taken:
        names = ", ".join(str(area) for area in key_areas if area.pk in taken)
        raise ValidationError({"key_areas": _("已申请过：%(areas)s") % {"areas": names}})
    applications = []
    for key_area in key_areas:
        application = KeyAreaApplication.objects.create(
            agency=agency,
            key_area=key_area,
            qualifications=qualifications.strip(),
            submitted_by=actor,
        )
        audit.record(actor=actor, action="application.submit", target=application)
        applications.append(application)
    waiting.applications_submitted(applications, agency=agency)
    return applications


KEY_AREA_APPLICATION = Workflow(
    "key_area_application",
    ApplicationStatus,
    noun=pgettext_lazy("workflow", "重点领域申请"),
    transitions={
        (ApplicationStatus.PENDING, ApplicationStatus.APPROVED): "evaluators.manage_agencies",
        (ApplicationStatus.PENDING, ApplicationStatus.REFUSED): "evaluators.manage_agencies",
    },
    refusal_text=gettext_lazy("该申请已处理，不能再次处理"),
)


@transaction.atomic
def application_decide(
    *, application: KeyAreaApplication, approve: bool, actor, reason: str = ""
) -> KeyAreaApplication:
    application = KeyAreaApplication.objects.select_for_update().get(pk=application.pk)
    target = ApplicationStatus.APPROVED if approve else ApplicationStatus.REFUSED
    KEY_AREA_APPLICATION.check(application, target, actor)
    if not approve and not reason.strip():
        raise ValidationError({"reason": _("不予批准时必须填写理由")})
    old = application.status
    application.status = target
    application.refusal_reason = "" if approve else reason.strip()
    application.decided_by, application.decided_at = actor, timezone.now()
    application.save(
        update_fields=["status", "refusal_reason", "decided_by", "decided_at", "updated_at"]
    )
    audit.record(
        actor=actor,
        action="application.approve" if approve else "application.refuse",
        target=application,
        changes={"status": [old, target], **({"reason": [None, reason]} if not approve else {})},
    )
    waiting.application_decided(application)
    return application
