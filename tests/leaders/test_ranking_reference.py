"""The SQL compile against a plain-Python reading of CONTRACT.md §3 on random data."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.evaluators.models import Assessment, SchemeCriterion
from apps.leaders.services.rankings import ranking_compile
from tests.factories.enterprises import EnterpriseFactory
from tests.factories.evaluators import (
    StandardFactory,
    approved_scheme,
    evaluator_user,
    indicator_values,
)

pytestmark = pytest.mark.django_db

values = st.decimals(min_value=0, max_value=120, places=2)
scores = st.decimals(min_value=0, max_value=100, places=2)
standard_spec = st.fixed_dictionaries(
    {
        "enterprise": st.integers(0, 3),
        "EFF": st.one_of(st.none(), values),
        "NOISE": st.one_of(st.none(), values),
        "STANDBY": st.one_of(st.none(), st.decimals(min_value=0, max_value=2, places=2)),
        "Q1": st.lists(scores, max_size=3),
        "Q2": st.lists(scores, max_size=3),
        "rejected": st.booleans(),
    }
)


def reference(scheme, specs, standards):
    """CONTRACT.md §3 read literally, with Fractions."""
    criteria = {c.criterion_code: c for c in scheme.criteria.select_related("indicator")}
    rows = []
    for spec, standard in zip(specs, standards, strict=True):
        reason, tiers, total = None, {}, Fraction(0)
        core = [c for c in criteria.values() if c.kind == "core"]
        if spec["rejected"]:
            reason = "rejected"
        elif any(spec[c.criterion_code] is None for c in core):
            reason = "missing_indicator"
        else:
            for c in core:
                v, higher = spec[c.criterion_code], c.indicator.direction == "higher"
                if (v < c.baseline) if higher else (v > c.baseline):
                    reason = reason or "below_baseline"
                if higher:
                    tiers[c.criterion_code] = 3 if v >= c.leading else 2 if v >= c.advanced else 1
                else:
                    tiers[c.criterion_code] = 3 if v <= c.leading else 2 if v <= c.advanced else 1
                total += Fraction(c.weight) * tiers[c.criterion_code] / 3
            if reason is None and any(not spec[q] for q in ("Q1", "Q2")):
                reason = "not_assessed"
            for q in ("Q1", "Q2"):
                if spec[q]:
                    mean = sum(Fraction(s) for s in spec[q]) / len(spec[q])
                    total += Fraction(criteria[q].weight) * mean / 100
        rounded = _half_up(total) if reason is None else None
        rows.append((standard, reason, rounded, tiers if reason is None else None))
    ranked = sorted(
        [r for r in rows if r[1] is None],
        key=lambda r: (-r[2], r[0].enterprise.uscc, r[0].standard_no),
    )
    result, previous, rank = [], None, 0
    for position, row in enumerate(ranked, start=1):
        if row[2] != previous:
            rank, previous = position, row[2]
        result.append((row[0].pk, rank, row[2], row[3], row[1]))
    excluded = sorted(
        [r for r in rows if r[1]], key=lambda r: (r[0].enterprise.uscc, r[0].standard_no)
    )
    result += [(r[0].pk, None, None, None, r[1]) for r in excluded]
    participants = len({r[0].enterprise_id for r in rows if r[1] is None})
    candidates = {
        pk
        for pk, rank, _, tiers, _ in result
        if rank is not None
        and participants >= scheme.min_participants
        and rank <= scheme.max_leaders
        and min(tiers.values()) >= 2
    }
    return [
        (pk, rank, score, tiers, pk in candidates, reason)
        for pk, rank, score, tiers, reason in result
    ]


def _half_up(fraction: Fraction) -> Decimal:
    cents = (fraction * 200 + 1) // 2  # floor(100x + 1/2): half up, exactly
    return Decimal(cents) / 100


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    specs=st.lists(standard_spec, min_size=1, max_size=8),
    max_leaders=st.integers(1, 4),
    min_participants=st.integers(1, 3),
)
def test_compile_equals_the_reference_reading(specs, max_leaders, min_participants):
    scheme = approved_scheme()
    scheme.max_leaders, scheme.min_participants = max_leaders, min_participants
    scheme.save()
    evaluators = [evaluator_user(scheme.agency) for _ in range(3)]
    enterprises = [EnterpriseFactory() for _ in range(4)]
    criteria = {c.criterion_code: c for c in SchemeCriterion.objects.filter(scheme=scheme)}
    standards = []
    for spec in specs:
        standard = StandardFactory(
            enterprise=enterprises[spec["enterprise"]], category=scheme.category
        )
        indicator_values(
            standard, **{k: spec[k] for k in ("EFF", "NOISE", "STANDBY") if spec[k] is not None}
        )
        for q in ("Q1", "Q2"):
            for evaluator, value in zip(evaluators, spec[q], strict=False):
                Assessment.objects.create(
                    scheme=scheme,
                    standard=standard,
                    evaluator=evaluator,
                    criterion=criteria[q],
                    score=value,
                )
        if spec["rejected"]:
            Assessment.objects.create(
                scheme=scheme,
                standard=standard,
                evaluator=evaluators[0],
                decision="reject",
                reason="不符合",
            )
        standards.append(standard)

    ranking = ranking_compile(scheme=scheme)
    got = list(
        ranking.entries.order_by("position").values_list(
            "standard_id", "rank", "score", "tiers", "candidate", "excluded_reason"
        )
    )
    assert got == reference(scheme, specs, standards)
