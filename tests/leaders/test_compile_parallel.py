"""A year compiled in concurrent shares (`compile_rankings --workers`) gives exactly what one
transaction gives. Transactional: each share commits on its own database connection."""

import pytest
from django.core.management import call_command

from apps.leaders.models import Ranking
from apps.leaders.services.rankings import shares_by_entrants
from tests.factories.evaluators import approved_scheme, evaluator_user
from tests.leaders.test_ranking_rule import MID, TOP, declare, score

pytestmark = pytest.mark.django_db(transaction=True)


def stored(schemes):
    return {
        scheme.scheme_code: list(
            Ranking.objects.get(scheme=scheme, is_current=True)
            .entries.order_by("position")
            .values_list("standard_id", "position", "rank", "score", "tiers", "candidate")
        )
        for scheme in schemes
    }


def test_shares_compile_what_one_transaction_compiles(capsys):
    schemes = [approved_scheme() for _ in range(3)]
    for size, scheme in zip((5, 2, 1), schemes, strict=True):
        evaluator = evaluator_user(scheme.agency)
        for i in range(size):
            standard = declare(scheme, TOP if i % 2 else MID)
            score(scheme, evaluator, standard, Q1=60 + i, Q2=80)
    shares = shares_by_entrants(schemes, 2)
    assert [[s.pk for s in share] for share in shares] == [
        [schemes[0].pk],
        [schemes[1].pk, schemes[2].pk],
    ]

    call_command("compile_rankings", year=2026, workers=1)
    one_transaction = stored(schemes)
    capsys.readouterr()
    call_command("compile_rankings", year=2026, workers=2)
    assert stored(schemes) == one_transaction
    assert len(one_transaction[schemes[0].scheme_code]) == 5
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split(":")[0] for line in lines] == sorted(s.scheme_code for s in schemes)
