from apps.supervision.enums import PlanStatus
from apps.supervision.models import SpotCheckPlan


def plans_public():
    return SpotCheckPlan.objects.order_by("-year")


def plan_items(plan: SpotCheckPlan):
    return plan.items.select_related("standard__enterprise", "inspector_1", "inspector_2").order_by(
        "position"
    )


def plan_visible_items(plan: SpotCheckPlan, user):
    """The public sees an approved plan's items; staff also see drafts."""
    if plan.status == PlanStatus.APPROVED or user.has_perm("supervision.approve_plan"):
        return plan_items(plan)
    return plan.items.none()
