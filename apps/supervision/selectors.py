"""Reads of spot-check plans, with CONTRACT.md §4's secrecy of drafts built in.

While a plan is a draft only bureau staff (and administrators) see its seed, its items and its
population; everyone else gets the commitment to the seed (`seed_commitment`). Pages, the CSV
and anything else public read plans through `plan_view` and `plan_visible_items`, so the seed
of a draft never reaches a template or a response meant for the public.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from apps.supervision.enums import PlanStatus
from apps.supervision.models import SpotCheckItem, SpotCheckPlan


def may_see_drafts(user) -> bool:
    return user.has_perm("supervision.view_draft_plan")


@dataclass(frozen=True)
class PlanView:
    """What `user` may see of a plan. `seed` and `population_size` are None unless
    `disclosed` (an approved plan, or a draft seen by staff)."""

    year: int
    status: str
    status_label: str
    rate: Decimal
    commitment: str
    disclosed: bool
    seed: int | None
    population_size: int | None

    @property
    def is_draft(self) -> bool:
        return self.status == PlanStatus.DRAFT


def _view(plan: SpotCheckPlan, staff: bool) -> PlanView:
    disclosed = plan.status == PlanStatus.APPROVED or staff
    return PlanView(
        year=plan.year,
        status=plan.status,
        status_label=str(plan.get_status_display()),
        rate=plan.rate,
        commitment=plan.commitment,
        disclosed=disclosed,
        seed=plan.seed if disclosed else None,
        population_size=plan.population_size if disclosed else None,
    )


def plan_view(plan: SpotCheckPlan, user) -> PlanView:
    return _view(plan, may_see_drafts(user))


def plans_visible(user) -> list[PlanView]:
    staff = may_see_drafts(user)
    return [_view(plan, staff) for plan in SpotCheckPlan.objects.order_by("-year")]


def plan_items(plan: SpotCheckPlan) -> QuerySet[SpotCheckItem]:
    return plan.items.select_related("standard__enterprise", "inspector_1", "inspector_2").order_by(
        "position"
    )


def plan_visible_items(plan: SpotCheckPlan, user) -> QuerySet[SpotCheckItem]:
    """The public sees an approved plan's items; staff also see drafts."""
    if plan.status == PlanStatus.APPROVED or may_see_drafts(user):
        return plan_items(plan)
    return plan.items.none()


PUBLIC_CSV_HEADER = ["uscc", "standard_no", "reason", "inspector_1", "inspector_2"]


def plan_public_csv_rows(plan: SpotCheckPlan, user) -> Iterator[list[str]]:
    """The plan page's CSV: the contract's columns in plan order, but inspectors by name. An
    inspector's e-mail is also their login name, so it is never published; the contract's
    export with e-mails (`export_csv spotcheck`) is the staff's tool."""
    rows = (
        plan_visible_items(plan, user)
        .values_list(
            "standard__enterprise__uscc",
            "standard__standard_no",
            "reason",
            "inspector_1__name",
            "inspector_2__name",
        )
        .iterator(chunk_size=2000)
    )
    return (list(row) for row in rows)
