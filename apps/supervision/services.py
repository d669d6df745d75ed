from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from apps.accounts.selectors import bureau_staff
from apps.core import audit, inbox
from apps.core.workflow import Workflow, require
from apps.leaders.enums import LeaderStatus
from apps.leaders.models import Leader
from apps.leaders.services.titles import leader_revoke
from apps.supervision.draw import TooFewInspectors, plan_draw
from apps.supervision.enums import Finding, ItemReason, ItemResult, PlanStatus
from apps.supervision.models import SpotCheckItem, SpotCheckPlan

DEFAULT_RATE = Decimal("0.05")

PLAN = Workflow(
    "spotcheck_plan",
    PlanStatus,
    noun=pgettext_lazy("workflow", "抽查计划"),
    transitions={(PlanStatus.DRAFT, PlanStatus.APPROVED): "supervision.approve_plan"},
    refusal_text=gettext_lazy("该抽查计划已批准"),
)


@transaction.atomic
def plan_generate(
    *, year: int, seed: int, rate: Decimal = DEFAULT_RATE, actor=None
) -> SpotCheckPlan:
    """Draw and store the plan for `year`, replacing a draft; an approved plan is final.
    Nothing is written when the draw fails (e.g. too few inspectors)."""
    require(actor, "supervision.generate_plan", superuser=True)
    rate = Decimal(rate)
    if not Decimal(0) <= rate <= Decimal(1):
        raise ValidationError({"rate": _("抽样比例应在 0 到 1 之间")})
    existing = SpotCheckPlan.objects.select_for_update().filter(year=year).first()
    if existing and existing.status == PlanStatus.APPROVED:
        raise ValidationError(_("%(year)d 年的抽查计划已批准，不能重新生成") % {"year": year})
    try:
        draw = plan_draw(year=year, seed=seed, rate=rate)
    except TooFewInspectors as error:
        raise ValidationError(str(error)) from error
    if existing:
        existing.delete()
    plan = SpotCheckPlan.objects.create(
        year=year,
        seed=seed,
        rate=rate,
        population_size=draw.population_size,
        generated_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    SpotCheckItem.objects.bulk_create(
        SpotCheckItem(
            plan=plan,
            position=position,
            standard_id=item.standard_id,
            reason=item.reason,
            inspector_1_id=item.inspector_ids[0],
            inspector_2_id=item.inspector_ids[1],
        )
        for position, item in enumerate(draw.items, start=1)
    )
    leaders = sum(1 for item in draw.items if item.reason == ItemReason.LEADER)
    audit.record(
        actor=actor,
        action="spotcheck.generate",
        target=plan,
        changes={
            "seed": [None, seed],
            "rate": [None, str(rate)],
            "leaders": [None, leaders],
            "sampled": [None, len(draw.items) - leaders],
            "population": [None, draw.population_size],
        },
    )
    _tell_staff_plan_drafted(plan, items=len(draw.items), actor=actor)
    return plan


def _tell_staff_plan_drafted(plan: SpotCheckPlan, *, items: int, actor) -> None:
    """A draft plan waits on staff to approve it (the staff member who drew it excepted)."""
    inbox.notify_people(
        people=bureau_staff(excluding=actor),
        subject=gettext_lazy("%(year)s 年监督抽查计划草案待批准"),
        body=gettext_lazy(
            "%(year)s 年监督抽查计划草案已生成，共 %(items)s 项。请核对抽样结果和检查员后批准。"
        ),
        values={"year": plan.year, "items": items},
        path=reverse("supervision:plan_detail", args=[plan.year]),
    )


@transaction.atomic
def plan_approve(*, plan: SpotCheckPlan, actor) -> SpotCheckPlan:
    plan = SpotCheckPlan.objects.select_for_update().get(pk=plan.pk)
    PLAN.check(plan, PlanStatus.APPROVED, actor)
    plan.status = PlanStatus.APPROVED
    plan.approved_at = timezone.now()
    plan.approved_by = actor
    plan.save(update_fields=["status", "approved_at", "approved_by", "updated_at"])
    audit.record(
        actor=actor,
        action="spotcheck.approve",
        target=plan,
        changes={"status": ["draft", "approved"]},
    )
    return plan


@transaction.atomic
def item_record_result(
    *, item: SpotCheckItem, passed: bool, findings: list[str], notes: str = "", actor, on=None
) -> SpotCheckItem:
    """Record a spot check's result. A failed leader standard loses its leader title, publicly,
    through the leaders service."""
    require(actor, "supervision.record_result", item, superuser=True)
    item = (
        SpotCheckItem.objects.select_for_update().select_related("plan", "standard").get(pk=item.pk)
    )
    if item.plan.status != PlanStatus.APPROVED:
        raise ValidationError(_("抽查计划批准后才能登记检查结果"))
    if item.result != ItemResult.PENDING:
        raise ValidationError(_("该抽查项已登记结果"))
    unknown = set(findings) - set(Finding.values)
    if unknown:
        raise ValidationError(
            {"findings": _("未知的问题类型：%(items)s") % {"items": ", ".join(sorted(unknown))}}
        )
    if not passed and not findings:
        raise ValidationError({"findings": _("不合格时必须选择至少一项问题")})
    item.result = ItemResult.PASSED if passed else ItemResult.FAILED
    item.findings = [] if passed else sorted(findings)
    item.notes = notes.strip()
    item.checked_on = on or timezone.localdate()
    item.save(update_fields=["result", "findings", "notes", "checked_on"])
    audit.record(
        actor=actor,
        action="spotcheck.result",
        target=item,
        changes={"result": ["pending", item.result], "findings": [None, item.findings]},
    )
    if not passed:
        labels = "、".join(str(Finding(code).label) for code in item.findings)
        for leader in Leader.objects.filter(standard=item.standard, status=LeaderStatus.ACTIVE):
            leader_revoke(
                leader=leader,
                reason=_("%(year)d 年企业标准监督抽查不合格：%(findings)s")
                % {"year": item.plan.year, "findings": labels},
                actor=actor,
                on=item.checked_on,
            )
    return item
