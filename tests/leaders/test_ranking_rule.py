"""CONTRACT.md §3, rule by rule, through the public entry points (service, command, API)."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command

from apps.evaluators.models import Assessment, SchemeCriterion
from apps.leaders.models import RankingEntry
from apps.leaders.services.rankings import RankingNotCompilable, ranking_compile
from tests.factories.enterprises import EnterpriseFactory
from tests.factories.evaluators import (
    StandardFactory,
    approved_scheme,
    evaluator_user,
    indicator_values,
)

pytestmark = pytest.mark.django_db

# approved_scheme(): EFF higher (85/90/95), NOISE lower (55/50/45), STANDBY lower
# (1.0/0.8/0.5), 20 points each; qualitative Q1 and Q2, 20 points each.
TOP = {"EFF": 96, "NOISE": 44, "STANDBY": "0.4"}  # tiers 3, 3, 3
MID = {"EFF": 91, "NOISE": 49, "STANDBY": "0.6"}  # tiers 2, 2, 2


@pytest.fixture
def scheme():
    return approved_scheme()


@pytest.fixture
def evaluator(scheme):
    return evaluator_user(scheme.agency)


def declare(scheme, values, *, uscc_serial=None, standard_no=None, enterprise=None, **fields):
    if enterprise is None:
        enterprise = EnterpriseFactory(**({"uscc": _uscc(uscc_serial)} if uscc_serial else {}))
    standard = StandardFactory(
        enterprise=enterprise,
        category=scheme.category,
        **({"standard_no": standard_no} if standard_no else {}),
        **fields,
    )
    indicator_values(standard, **values)
    return standard


def _uscc(serial):
    from tests.factories.uscc import make_uscc

    return make_uscc(serial)


def score(scheme, evaluator, standard, **scores):
    for code, value in scores.items():
        Assessment.objects.create(
            scheme=scheme,
            standard=standard,
            evaluator=evaluator,
            criterion=SchemeCriterion.objects.get(scheme=scheme, criterion_code=code),
            score=Decimal(str(value)),
        )


def entries(scheme):
    ranking = ranking_compile(scheme=scheme)
    return {e.standard.standard_no: e for e in ranking.entries.select_related("standard")}


def test_score_is_core_tiers_plus_mean_quality(scheme, evaluator):
    standard = declare(scheme, TOP)
    other = evaluator_user(scheme.agency)
    score(scheme, evaluator, standard, Q1=80, Q2=90)
    score(scheme, other, standard, Q1=70, Q2=100)
    entry = entries(scheme)[standard.standard_no]
    # 20×3/3 ×3 + 20×75/100 + 20×95/100 = 60 + 15 + 19
    assert entry.score == Decimal("94.00")
    assert entry.tiers == {"EFF": 3, "NOISE": 3, "STANDBY": 3}
    assert entry.rank == 1


@pytest.mark.parametrize(
    ("values", "tiers"),
    [
        ({"EFF": 95, "NOISE": 45, "STANDBY": "0.5"}, {"EFF": 3, "NOISE": 3, "STANDBY": 3}),
        (
            {"EFF": "94.99", "NOISE": "45.01", "STANDBY": "0.51"},
            {"EFF": 2, "NOISE": 2, "STANDBY": 2},
        ),
        ({"EFF": 90, "NOISE": 50, "STANDBY": "0.8"}, {"EFF": 2, "NOISE": 2, "STANDBY": 2}),
        (
            {"EFF": "89.99", "NOISE": "50.01", "STANDBY": "0.81"},
            {"EFF": 1, "NOISE": 1, "STANDBY": 1},
        ),
        ({"EFF": 85, "NOISE": 55, "STANDBY": "1.0"}, {"EFF": 1, "NOISE": 1, "STANDBY": 1}),
    ],
)
def test_tier_boundaries_in_both_directions(scheme, evaluator, values, tiers):
    standard = declare(scheme, values)
    score(scheme, evaluator, standard, Q1=50, Q2=50)
    assert entries(scheme)[standard.standard_no].tiers == tiers


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"EFF": "84.99", "NOISE": 44, "STANDBY": "0.4"}, "below_baseline"),
        ({"EFF": 96, "NOISE": "55.01", "STANDBY": "0.4"}, "below_baseline"),
        ({"EFF": 96, "NOISE": 44}, "missing_indicator"),
    ],
)
def test_exclusions_for_indicator_values(scheme, evaluator, values, reason):
    standard = declare(scheme, values)
    score(scheme, evaluator, standard, Q1=50, Q2=50)
    entry = entries(scheme)[standard.standard_no]
    assert (entry.rank, entry.score, entry.tiers, entry.candidate) == (None, None, None, False)
    assert entry.excluded_reason == reason


def test_exclusion_reasons_apply_in_contract_order(scheme, evaluator):
    # Rejected wins over a missing value, a missing value over one below baseline, and that
    # over a missing qualitative score.
    rejected_and_missing = declare(scheme, {"EFF": 96})
    Assessment.objects.create(
        scheme=scheme,
        standard=rejected_and_missing,
        evaluator=evaluator,
        decision="reject",
        reason="标准文本与声明不一致",
    )
    missing_and_below = declare(scheme, {"EFF": 10, "NOISE": 44})
    below_and_unscored = declare(scheme, {"EFF": 10, "NOISE": 44, "STANDBY": "0.4"})
    unscored = declare(scheme, TOP)
    score(scheme, evaluator, unscored, Q1=50)
    result = entries(scheme)
    assert result[rejected_and_missing.standard_no].excluded_reason == "rejected"
    assert result[missing_and_below.standard_no].excluded_reason == "missing_indicator"
    assert result[below_and_unscored.standard_no].excluded_reason == "below_baseline"
    assert result[unscored.standard_no].excluded_reason == "not_assessed"


def test_only_entrants_appear(scheme, evaluator):
    entrant = declare(scheme, TOP)
    abolished = declare(scheme, TOP, status="abolished")
    late = declare(scheme, TOP, published_on=datetime.date(2027, 1, 1))
    on_cutoff = declare(scheme, TOP, published_on=datetime.date(2026, 12, 31))
    draft = declare(scheme, TOP, status="draft")
    for standard in (entrant, abolished, late, on_cutoff, draft):
        score(scheme, evaluator, standard, Q1=50, Q2=50)
    assert set(entries(scheme)) == {entrant.standard_no, on_cutoff.standard_no}


def test_competition_ranking_with_ties_listed_by_uscc_then_number(scheme, evaluator):
    a = declare(scheme, TOP, uscc_serial=300, standard_no="Q/B 002-2026")
    b = declare(scheme, TOP, standard_no="Q/B 001-2026", enterprise=a.enterprise)
    c = declare(scheme, TOP, uscc_serial=100)
    d = declare(scheme, MID, uscc_serial=50)
    for standard in (a, b, c, d):
        score(scheme, evaluator, standard, Q1=50, Q2=50)
    ranking = ranking_compile(scheme=scheme)
    listed = [(e.rank, e.standard.standard_no) for e in ranking.entries.order_by("position")]
    tie = sorted(
        [
            (c.enterprise.uscc, c.standard_no),
            (a.enterprise.uscc, a.standard_no),
            (b.enterprise.uscc, b.standard_no),
        ]
    )
    assert listed == [(1, no) for _, no in tie] + [(4, d.standard_no)]


def test_candidates_need_rank_within_cap_and_all_tiers_two_or_more(scheme, evaluator):
    scheme.max_leaders = 2
    scheme.save()
    first = declare(scheme, TOP)
    second = declare(scheme, {"EFF": 96, "NOISE": 44, "STANDBY": "0.9"})  # a tier 1: no candidate
    third = declare(scheme, MID)
    for standard, quality in ((first, 100), (second, 100), (third, 0)):
        score(scheme, evaluator, standard, Q1=quality, Q2=quality)
    result = entries(scheme)
    assert result[first.standard_no].candidate
    assert result[second.standard_no].rank == 2 and not result[second.standard_no].candidate
    assert result[third.standard_no].rank == 3 and not result[third.standard_no].candidate


def test_tie_at_the_leader_cap_makes_every_tied_standard_a_candidate(scheme, evaluator):
    scheme.max_leaders = 1
    scheme.save()
    tied = [declare(scheme, TOP) for _ in range(3)]
    for standard in tied:
        score(scheme, evaluator, standard, Q1=60, Q2=60)
    result = entries(scheme)
    assert [result[s.standard_no].rank for s in tied] == [1, 1, 1]
    assert all(result[s.standard_no].candidate for s in tied)


def test_no_candidates_below_min_participants(scheme, evaluator):
    scheme.min_participants = 3
    scheme.save()
    one = declare(scheme, TOP)
    same_enterprise = declare(scheme, TOP, enterprise=one.enterprise)
    two = declare(scheme, TOP)
    excluded = declare(scheme, {"EFF": 10, "NOISE": 44, "STANDBY": "0.4"})
    for standard in (one, same_enterprise, two, excluded):
        score(scheme, evaluator, standard, Q1=60, Q2=60)
    ranking = ranking_compile(scheme=scheme)
    assert ranking.participants == 2  # distinct enterprises with a ranked standard
    assert not ranking.entries.filter(candidate=True).exists()


def test_half_up_rounding_where_binary_floats_round_down(scheme):
    # Three evaluators: Q1 mean = 100.15/3... chosen so the exact score ends in ...5 at the
    # third place: 60 + 20×(x/100) + 20×(y/100). With Q1 = 50.025 mean and Q2 = 0:
    # 60 + 10.005 = 70.005 → 70.01 (half up), while float(70.005) rounds to 70.0.
    evaluators = [evaluator_user(scheme.agency) for _ in range(2)]
    standard = declare(scheme, TOP)
    score(scheme, evaluators[0], standard, Q1="50.01", Q2=0)
    score(scheme, evaluators[1], standard, Q1="50.04", Q2=0)
    assert round(70.005, 2) == 70.0  # what binary floats would publish
    assert entries(scheme)[standard.standard_no].score == Decimal("70.01")


def test_thirds_are_exact_before_rounding(scheme):
    # Core: 20×2/3 three times = 40 exactly, though each term is 13.333…
    evaluators = [evaluator_user(scheme.agency) for _ in range(3)]
    standard = declare(scheme, MID)
    score(scheme, evaluators[0], standard, Q1="33.33", Q2=100)
    score(scheme, evaluators[1], standard, Q1="33.34", Q2=100)
    score(scheme, evaluators[2], standard, Q1="33.34", Q2=100)
    # Q1 mean = 100.01/3 = 33.33666…; score = 40 + 6.667333… + 20 = 66.667333… → 66.67
    assert entries(scheme)[standard.standard_no].score == Decimal("66.67")


def test_compile_again_gives_the_same_result_and_replaces_the_ranking(
    scheme, evaluator, django_capture_on_commit_callbacks
):
    for values in (TOP, MID, TOP):
        standard = declare(scheme, values)
        score(scheme, evaluator, standard, Q1=70, Q2=80)
    first = ranking_compile(scheme=scheme)
    snapshot = list(
        first.entries.values_list(
            "standard_id", "position", "rank", "score", "tiers", "candidate", "excluded_reason"
        )
    )
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        second = ranking_compile(scheme=scheme)
    assert (
        list(
            second.entries.values_list(
                "standard_id", "position", "rank", "score", "tiers", "candidate", "excluded_reason"
            )
        )
        == snapshot
    )
    assert scheme.rankings.filter(is_current=True).get() == second
    # The superseded ranking's entries are purged after commit, not by the compile itself.
    assert callbacks  # the purge ran after commit
    assert not scheme.rankings.filter(pk=first.pk).exists()
    assert not RankingEntry.objects.filter(ranking_id=first.pk).exists()


def test_only_approved_schemes_compile(evaluator):
    draft = approved_scheme(status="draft")
    with pytest.raises(RankingNotCompilable):
        ranking_compile(scheme=draft)


def test_command_prints_one_line_per_approved_scheme(scheme, evaluator, capsys):
    approved_scheme(status="draft")
    standard = declare(scheme, TOP)
    score(scheme, evaluator, standard, Q1=70, Q2=80)
    call_command("compile_rankings", year=2026)
    out = capsys.readouterr().out.strip().splitlines()
    assert out == [f"{scheme.scheme_code}: entrants 1, participants 1, candidates 0"]


def test_api_ranking_matches_the_contract(client, scheme, evaluator):
    top = declare(scheme, TOP)
    below = declare(scheme, {"EFF": 10, "NOISE": 44, "STANDBY": "0.4"})
    for standard in (top, below):
        score(scheme, evaluator, standard, Q1=70, Q2=80)
    ranking_compile(scheme=scheme)
    body = client.get(f"/api/v1/rankings/{scheme.scheme_code}/").json()
    assert body["scheme"] == scheme.scheme_code
    assert body["year"] == 2026
    assert body["category"] == scheme.category.code
    assert body["participants"] == 1
    assert body["entries"] == [
        {
            "rank": 1,
            "uscc": top.enterprise.uscc,
            "enterprise": top.enterprise.name,
            "standard_no": top.standard_no,
            "score": "90.00",
            "tiers": {"EFF": 3, "NOISE": 3, "STANDBY": 3},
            "candidate": False,
            "excluded_reason": None,
        },
        {
            "rank": None,
            "uscc": below.enterprise.uscc,
            "enterprise": below.enterprise.name,
            "standard_no": below.standard_no,
            "score": None,
            "tiers": None,
            "candidate": False,
            "excluded_reason": "below_baseline",
        },
    ]


def test_api_unknown_or_uncompiled_ranking_is_404(client, scheme):
    assert client.get(f"/api/v1/rankings/{scheme.scheme_code}/").status_code == 404
    assert client.get("/api/v1/rankings/NOPE/").status_code == 404


def test_api_ranking_list_by_year(client, scheme, evaluator):
    ranking_compile(scheme=scheme)
    assert client.get("/api/v1/rankings/?year=2026").json()["count"] == 1
    assert client.get("/api/v1/rankings/?year=2025").json()["count"] == 0


def test_ranking_pages_render(client, scheme, evaluator):
    standard = declare(scheme, TOP)
    score(scheme, evaluator, standard, Q1=70, Q2=80)
    ranking_compile(scheme=scheme)
    assert scheme.category.name in client.get("/rankings/?year=2026").content.decode()
    page = client.get(f"/rankings/{scheme.scheme_code}/").content.decode()
    assert standard.standard_no in page and ">90</td>" in page  # no trailing zeros
