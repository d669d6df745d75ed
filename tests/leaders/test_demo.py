import pytest
from django.core.management import call_command

from apps.leaders.models import Candidate, CandidateList, Leader, Ranking, RankingEntry

pytestmark = pytest.mark.django_db


def test_demo_has_a_compiled_ranking_and_a_published_list_and_is_idempotent(client):
    call_command("seed_demo", enterprises=8)
    published = CandidateList.objects.get(status="published")
    assert published.scheme.category.code == "C-AC"
    removed = Candidate.objects.get(candidate_list=published, status="removed")
    assert "取消其候选资格" in removed.removal_reason
    leaders = Leader.objects.filter(candidate__candidate_list=published)
    assert leaders.count() == published.candidates.filter(status="active").count() >= 2
    rice = Ranking.objects.get(scheme__category__code="C-RICE", is_current=True)
    assert rice.entries.filter(candidate=True).count() >= 3
    assert not CandidateList.objects.filter(scheme=rice.scheme).exists()
    reasons = set(
        RankingEntry.objects.exclude(excluded_reason=None).values_list("excluded_reason", flat=True)
    )
    assert "below_baseline" in reasons
    # A second run adds nothing.
    call_command("seed_demo", enterprises=8)
    assert Leader.objects.count() == leaders.count()
    assert CandidateList.objects.count() == 1
    page = client.get(f"/notices/{published.pk}/").content.decode()
    assert removed.removal_reason in page
    assert client.get("/leaders/").content.decode().count("badge-leader") >= 2
