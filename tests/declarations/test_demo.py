import pytest
from django.core.management import call_command

from apps.declarations.models import Standard
from apps.declarations.selectors import standard_benchmark

pytestmark = pytest.mark.django_db


def test_seed_demo_declares_plausible_standards():
    call_command("seed_demo", enterprises=12)
    public = Standard.objects.filter(status="public")
    assert public.count() >= 18
    assert Standard.objects.filter(status="abolished").count() == 1
    assert Standard.objects.filter(status="draft").count() == 1
    reports = [standard_benchmark(s) for s in public]
    assert all(r.complete and not r.mandatory_violations for r in reports)
    leaders = sum(r.stricter_than_national for r in reports)
    assert 0 < leaders < len(reports)  # some leader-quality, some below the national values
    assert all(s.versions.get().text_file.read().startswith(b"%PDF-") for s in public[:3])
    call_command("seed_demo", enterprises=12)
    # apps/leaders/demo.py adds its own ranking entrants (Q/LP…); not counted here.
    assert Standard.objects.exclude(standard_no__startswith="Q/LP").count() == 12 * 2 + 1
