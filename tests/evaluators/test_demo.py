import pytest
from django.core.management import call_command

from apps.evaluators import selectors
from apps.evaluators.models import Agency, Assessment, Scheme
from apps.experts.models import Expert

pytestmark = pytest.mark.django_db


def test_seed_demo_loads_agency_schemes_experts_and_is_idempotent():
    call_command("seed_demo", enterprises=8)
    call_command("seed_demo", enterprises=8)
    agency = Agency.objects.get()
    assert agency.memberships.get().user.email == "evaluator@demo.leaders.cn"
    statuses = dict(Scheme.objects.values_list("category__code", "status"))
    assert statuses == {"C-AC": "approved", "C-RICE": "approved", "C-WASH": "submitted"}
    assert all(scheme.criteria.count() >= 5 for scheme in Scheme.objects.all())
    expert = Expert.objects.get(email="expert@demo.leaders.cn")
    assert expert.user is not None and expert.status == "appointed"
    inspectors = Expert.objects.filter(status="appointed", roles__contains=["inspector"])
    assert inspectors.count() >= 2
    assert len(set(inspectors.values_list("organisation_uscc", flat=True))) == inspectors.count()
    scored = Assessment.objects.values("standard").distinct().count()
    entrants = sum(
        selectors.entrants(scheme).count() for scheme in Scheme.objects.filter(status="approved")
    )
    assert scored == entrants > 0
