import rules

from apps.accounts.rules import is_enterprise_user, is_evaluator, is_staff_member
from apps.evaluators.enums import PUBLIC_SCHEME_STATUSES, SchemeStatus


def _agency_id(user):
    membership = getattr(user, "agency_membership", None) if user.is_authenticated else None
    return membership.agency_id if membership else None


@rules.predicate
def has_agency(user):
    return _agency_id(user) is not None


@rules.predicate
def is_agency_member(user, obj):
    """`obj` is an Agency, or anything with an `agency_id` (a Scheme)."""
    if obj is None:
        return False
    agency_id = getattr(obj, "agency_id", obj.pk)
    return agency_id is not None and _agency_id(user) == agency_id


@rules.predicate
def scheme_is_editable(user, scheme):
    return scheme is not None and scheme.status in (SchemeStatus.DRAFT, SchemeStatus.RETURNED)


@rules.predicate
def scheme_is_approved(user, scheme):
    return scheme is not None and scheme.status == SchemeStatus.APPROVED


@rules.predicate
def scheme_is_public(user, scheme):
    return scheme is not None and scheme.status in PUBLIC_SCHEME_STATUSES


evaluator_of_agency = is_evaluator & has_agency & is_agency_member

rules.add_perm("evaluators.manage_agencies", is_staff_member)
rules.add_perm("evaluators.manage_schemes", is_staff_member)
rules.add_perm("evaluators.view_workspace", is_evaluator)
rules.add_perm("evaluators.act_for_agency", evaluator_of_agency)
rules.add_perm("evaluators.change_scheme", evaluator_of_agency & scheme_is_editable)
rules.add_perm("evaluators.view_scheme", is_staff_member | evaluator_of_agency | scheme_is_public)
rules.add_perm("evaluators.score_scheme", evaluator_of_agency & scheme_is_approved)
rules.add_perm("evaluators.view_own_results", is_enterprise_user)
