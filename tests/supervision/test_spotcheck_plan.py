"""CONTRACT.md §4 through the command, the service and the export."""

import datetime
import math
import random
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from apps.core.models import AuditEntry
from apps.experts.services.profiles import conflict_declare
from apps.supervision import services
from apps.supervision.draw import sample_size
from apps.supervision.models import SpotCheckItem, SpotCheckPlan
from tests.factories.enterprises import EnterpriseFactory
from tests.factories.evaluators import StandardFactory
from tests.factories.experts import ExpertFactory
from tests.factories.leaders import LeaderFactory
from tests.factories.uscc import make_uscc

pytestmark = pytest.mark.django_db

YEAR = 2027


def beijing(serial):
    return EnterpriseFactory(uscc=make_uscc(serial, division="110108"))


def elsewhere(serial):
    return EnterpriseFactory(uscc=make_uscc(serial, division="440300"))


@pytest.fixture
def inspectors():
    return [
        ExpertFactory(email=f"inspector{n}@example.cn", user=None, roles=["inspector"])
        for n in (3, 1, 4, 2, 5)
    ]


def items(plan):
    return list(
        plan.items.order_by("position").values_list(
            "standard__enterprise__uscc",
            "standard__standard_no",
            "reason",
            "inspector_1__email",
            "inspector_2__email",
        )
    )


def rederive(year_population, leaders, inspectors, seed, rate):
    """The draw as an auditor would write it from the contract text alone. `inspectors` are
    (email, organisation_uscc[, usccs the inspector declared a conflict with])."""
    rng = random.Random(seed)
    population = sorted(year_population)
    sample = rng.sample(population, math.ceil(Decimal(rate) * len(population)))
    pool_all = sorted(
        ((x[0], x[1], x[2] if len(x) > 2 else ()) for x in inspectors), key=lambda x: x[0]
    )
    out = []
    for (uscc, no), reason in [(x, "leader") for x in sorted(leaders)] + [
        (x, "random") for x in sample
    ]:
        pool = [x for x in pool_all if x[1] != uscc and uscc not in x[2]]
        a, b = rng.sample(pool, 2)
        out.append((uscc, no, reason, a[0], b[0]))
    return out


def test_plan_is_leaders_then_a_seeded_sample_with_inspectors(inspectors):
    firms = [beijing(n) for n in range(1, 9)]
    standards = [
        StandardFactory(enterprise=f, standard_no=f"Q/BJ {i:03d}-2026")
        for i, f in enumerate(firms * 3)
    ]
    leader = LeaderFactory(
        year=YEAR - 1, standard=standards[5], valid_until=datetime.date(2030, 1, 1)
    )
    LeaderFactory(
        year=YEAR - 1, standard=standards[6], status="revoked", revoked_on=datetime.date(2026, 6, 1)
    )
    LeaderFactory(year=YEAR - 2, standard=standards[7], valid_until=datetime.date(2030, 1, 1))
    outside = StandardFactory(enterprise=elsewhere(1))
    LeaderFactory(year=YEAR - 1, standard=outside, valid_until=datetime.date(2030, 1, 1))
    StandardFactory(enterprise=firms[0], status="abolished")
    StandardFactory(enterprise=firms[0], status="draft", published_on=None)

    call_command("generate_spotcheck_plan", year=YEAR, seed=42, rate=Decimal("0.2"))

    plan = SpotCheckPlan.objects.get(year=YEAR)
    population = [(s.enterprise.uscc, s.standard_no) for s in standards if s != leader.standard]
    expected = rederive(
        population,
        [(leader.standard.enterprise.uscc, leader.standard.standard_no)],
        [(x.email, x.organisation_uscc) for x in inspectors],
        seed=42,
        rate="0.2",
    )
    assert items(plan) == expected
    assert plan.seed == 42 and plan.population_size == 23
    assert len(expected) == 1 + math.ceil(Decimal("0.2") * 23)  # 1 + 5


def test_same_seed_same_plan_and_draft_is_replaced(inspectors):
    for n in range(1, 30):
        StandardFactory(enterprise=beijing(n))
    services.plan_generate(year=YEAR, seed=7, rate=Decimal("0.1"))
    first = items(SpotCheckPlan.objects.get(year=YEAR))
    services.plan_generate(year=YEAR, seed=7, rate=Decimal("0.1"))
    assert items(SpotCheckPlan.objects.get(year=YEAR)) == first
    services.plan_generate(year=YEAR, seed=8, rate=Decimal("0.1"))
    assert items(SpotCheckPlan.objects.get(year=YEAR)) != first
    assert SpotCheckPlan.objects.count() == 1


def test_approved_plan_is_not_regenerated(inspectors, bureau_user):
    StandardFactory(enterprise=beijing(1))
    plan = services.plan_generate(year=YEAR, seed=1)
    services.plan_approve(plan=plan, actor=bureau_user)
    with pytest.raises(CommandError, match="已批准"):
        call_command("generate_spotcheck_plan", year=YEAR, seed=2)
    assert SpotCheckPlan.objects.get().seed == 1


def test_enterprises_checked_in_the_last_three_years_are_left_out(inspectors, bureau_user):
    checked, fresh = beijing(1), beijing(2)
    checked_standard = StandardFactory(enterprise=checked)
    StandardFactory(enterprise=checked)
    StandardFactory(enterprise=fresh)
    old_plan = SpotCheckPlan.objects.create(
        year=YEAR - 3, seed=1, rate=Decimal("1"), population_size=1
    )
    SpotCheckItem.objects.create(
        plan=old_plan,
        position=1,
        standard=checked_standard,
        reason="random",
        inspector_1=inspectors[0],
        inspector_2=inspectors[1],
    )
    plan = services.plan_generate(year=YEAR, seed=3, rate=Decimal("1"))
    assert plan.population_size == 1
    assert {u for u, *_ in items(plan)} == {fresh.uscc}
    # Four years back no longer counts.
    old_plan.year = YEAR - 4
    old_plan.save()
    assert services.plan_generate(year=YEAR, seed=3, rate=Decimal("1")).population_size == 3


@pytest.mark.parametrize(
    ("rate", "n", "k"),
    [
        ("0.05", 0, 0),
        ("0.05", 1, 1),
        ("0.05", 20, 1),
        ("0.05", 21, 2),
        ("0.1", 30, 3),
        ("0.07", 100, 7),
        ("0.33", 100, 33),
        ("1", 7, 7),
    ],
)
def test_sample_size_is_an_exact_ceiling(rate, n, k):
    assert sample_size(Decimal(rate), n) == k


def test_sample_size_uses_decimal_not_float():
    # 0.07 × 100 is 7.000000000000001 in binary floats: ceil would give 8.
    assert math.ceil(0.07 * 100) == 8
    assert sample_size(Decimal("0.07"), 100) == 7


def test_inspector_from_the_enterprise_itself_is_never_drawn(inspectors):
    firm = beijing(1)
    for _ in range(10):
        StandardFactory(enterprise=firm)
    own = ExpertFactory(
        email="a-own@example.cn", user=None, roles=["inspector"], organisation_uscc=firm.uscc
    )
    plan = services.plan_generate(year=YEAR, seed=11, rate=Decimal("1"))
    drawn = {e for row in items(plan) for e in row[3:]}
    assert own.email not in drawn


def declare(expert, enterprise):
    return conflict_declare(
        expert=expert,
        uscc=enterprise.uscc,
        organisation=enterprise.name,
        reason="亲属任职",
        actor=None,
    )


def test_inspector_with_a_declared_conflict_is_never_drawn_for_that_enterprise(inspectors):
    firms = [beijing(n) for n in range(1, 7)]
    standards = [StandardFactory(enterprise=f) for f in firms * 2]
    leader = LeaderFactory(
        year=YEAR - 1, standard=standards[0], valid_until=datetime.date(2030, 1, 1)
    )
    # inspector1 and inspector2 are conflicted with half the firms, inspector3 with one; a
    # conflict with a firm outside the plan changes nothing.
    for firm in firms[:3]:
        declare(inspectors[3], firm)  # inspector2
        declare(inspectors[1], firm)  # inspector1
    declare(inspectors[0], firms[4])  # inspector3
    declare(inspectors[2], elsewhere(9))  # inspector4
    conflicts = {x.email: set(x.conflicts.values_list("uscc", flat=True)) for x in inspectors}

    call_command("generate_spotcheck_plan", year=YEAR, seed=2026, rate=Decimal("1"))

    plan = SpotCheckPlan.objects.get(year=YEAR)
    drawn = items(plan)
    for uscc, _no, _reason, first, second in drawn:
        assert uscc not in conflicts[first] and uscc not in conflicts[second]
    population = [(s.enterprise.uscc, s.standard_no) for s in standards if s != leader.standard]
    leaders = [(leader.standard.enterprise.uscc, leader.standard.standard_no)]
    assert drawn == rederive(
        population,
        leaders,
        [(x.email, x.organisation_uscc, conflicts[x.email]) for x in inspectors],
        seed=2026,
        rate="1",
    )
    # The conflicts mattered: without them the same seed draws other inspectors.
    assert drawn != rederive(
        population, leaders, [(x.email, x.organisation_uscc) for x in inspectors], 2026, "1"
    )


def test_conflicts_leaving_fewer_than_two_inspectors_fail_naming_the_item(inspectors):
    firm = beijing(1)
    StandardFactory(enterprise=beijing(2))
    services.plan_generate(year=YEAR, seed=1, rate=Decimal("1"))
    draft = items(SpotCheckPlan.objects.get(year=YEAR))
    StandardFactory(enterprise=firm, standard_no="Q/BJ 404-2026")
    for inspector in inspectors[:4]:
        declare(inspector, firm)
    with pytest.raises(CommandError) as failure:
        call_command("generate_spotcheck_plan", year=YEAR, seed=2, rate="1")
    assert f"抽查项 {firm.uscc} Q/BJ 404-2026 可用的检查员不足两名" in str(failure.value)
    assert "声明利益冲突" in str(failure.value)
    # Nothing written: the earlier draft stands as it was.
    plan = SpotCheckPlan.objects.get(year=YEAR)
    assert plan.seed == 1 and items(plan) == draft


def test_too_few_inspectors_fails_and_writes_nothing():
    firm = beijing(1)
    StandardFactory(enterprise=firm)
    ExpertFactory(email="one@example.cn", user=None, roles=["inspector"])
    ExpertFactory(
        email="own@example.cn", user=None, roles=["inspector"], organisation_uscc=firm.uscc
    )
    ExpertFactory(email="retired@example.cn", user=None, roles=["inspector"], status="retired")
    ExpertFactory(email="committee@example.cn", user=None, roles=["committee"])
    with pytest.raises(CommandError, match="可用的检查员不足两名"):
        call_command("generate_spotcheck_plan", year=YEAR, seed=1, rate="1")
    assert not SpotCheckPlan.objects.exists()


def test_export_writes_the_plan_in_order(inspectors, tmp_path):
    for n in range(1, 6):
        StandardFactory(enterprise=beijing(n))
    plan = services.plan_generate(year=YEAR, seed=5, rate=Decimal("1"))
    path = tmp_path / "plan.csv"
    call_command("export_csv", "spotcheck", str(path), year=YEAR)
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "uscc,standard_no,reason,inspector_1,inspector_2"
    assert [tuple(line.split(",")) for line in lines[1:]] == items(plan)


def test_failed_leader_standard_loses_the_title_publicly(inspectors, bureau_user, client):
    leader = LeaderFactory(
        year=YEAR - 1,
        standard=StandardFactory(enterprise=beijing(1)),
        valid_until=datetime.date(2030, 1, 1),
    )
    plan = services.plan_generate(year=YEAR, seed=1, rate=Decimal("0"))
    services.plan_approve(plan=plan, actor=bureau_user)
    item = plan.items.get()
    services.item_record_result(
        item=item,
        passed=False,
        findings=["below_mandatory"],
        actor=bureau_user,
        on=datetime.date(2027, 4, 1),
    )
    leader.refresh_from_db()
    assert leader.status == "revoked"
    assert leader.revoked_on == datetime.date(2027, 4, 1)
    assert "监督抽查不合格：低于强制性标准要求" in leader.revocation_reason
    assert AuditEntry.objects.filter(action="leader.revoke").exists()


def test_result_needs_an_approved_plan_and_findings_on_failure(inspectors, bureau_user):
    StandardFactory(enterprise=beijing(1))
    plan = services.plan_generate(year=YEAR, seed=1, rate=Decimal("1"))
    item = plan.items.get()
    with pytest.raises(ValidationError):
        services.item_record_result(item=item, passed=True, findings=[], actor=bureau_user)
    services.plan_approve(plan=plan, actor=bureau_user)
    with pytest.raises(ValidationError):
        services.item_record_result(item=item, passed=False, findings=[], actor=bureau_user)
    services.item_record_result(item=item, passed=True, findings=[], actor=bureau_user)
    item.refresh_from_db()
    assert item.result == "passed"


def test_only_staff_generate_and_approve(inspectors, client, enterprise_user):
    StandardFactory(enterprise=beijing(1))
    client.force_login(enterprise_user)
    assert (
        client.post("/spotchecks/generate/", {"year": YEAR, "seed": 1, "rate": "0.05"}).status_code
        == 403
    )
    assert not SpotCheckPlan.objects.exists()


def test_staff_generate_through_the_page(inspectors, client, bureau_user):
    StandardFactory(enterprise=beijing(1))
    client.force_login(bureau_user)
    response = client.post("/spotchecks/generate/", {"year": YEAR, "seed": 5, "rate": "0.5"})
    assert response.status_code == 302
    assert SpotCheckPlan.objects.get().seed == 5


def test_plan_pages_are_keyset_paged_with_fixed_query_counts(
    inspectors, client, bureau_user, monkeypatch, django_assert_max_num_queries
):
    from apps.supervision import views

    monkeypatch.setattr(views, "ITEM_PAGE_SIZE", 2)
    StandardFactory(enterprise=beijing(1))
    services.plan_generate(year=YEAR - 1, seed=1, rate=Decimal("1"))
    client.force_login(bureau_user)
    with django_assert_max_num_queries(20) as one:
        assert client.get(f"/spotchecks/{YEAR - 1}/").status_code == 200
    with django_assert_max_num_queries(20) as list_one:
        assert client.get("/spotchecks/").status_code == 200
    for serial in range(2, 7):
        StandardFactory(enterprise=beijing(serial))
    plan = services.plan_generate(year=YEAR, seed=1, rate=Decimal("1"))
    expected = list(plan.items.order_by("position").values_list("pk", flat=True))
    seen, after = [], None
    for _ in range(5):
        with django_assert_max_num_queries(len(one)):
            response = client.get(f"/spotchecks/{YEAR}/" + (f"?after={after}" if after else ""))
        seen.extend(item.pk for item in response.context["items"])
        after = response.context["next_after"]
        if after is None:
            break
    assert seen == expected
    with django_assert_max_num_queries(len(list_one)):
        assert client.get("/spotchecks/").status_code == 200
