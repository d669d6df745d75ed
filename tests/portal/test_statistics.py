"""The dashboard's figures against a small data set counted by hand (see each comment)."""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from apps.catalog.models import Category
from apps.core.signals import leader_list_published
from apps.incentives.models import Application
from apps.leaders.models import Leader, Ranking, RankingEntry
from apps.portal import statistics
from apps.supervision.models import SpotCheckItem, SpotCheckPlan
from tests.factories.enterprises import EnterpriseFactory
from tests.factories.evaluators import approved_scheme
from tests.factories.experts import ExpertFactory
from tests.factories.incentives import ProgrammeFactory
from tests.factories.leaders import LeaderFactory
from tests.factories.uscc import make_uscc

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
LONG = TODAY + datetime.timedelta(days=700)


def standard(enterprise, category, number, published_on, status="public"):
    from apps.declarations.models import Standard

    return Standard.objects.create(
        enterprise=enterprise,
        standard_no=number,
        name=f"标准 {number}",
        category=category,
        status=status,
        published_on=published_on,
    )


@pytest.fixture
def data():
    cache.clear()
    cg = Category.objects.create(code="S-CG", name="消费品", sector="consumer_goods")
    eq = Category.objects.create(code="S-EQ", name="装备", sector="equipment")
    e1 = EnterpriseFactory(uscc=make_uscc(1), district="haidian")
    e2 = EnterpriseFactory(uscc=make_uscc(2), district="haidian")
    e3 = EnterpriseFactory(uscc=make_uscc(3), district="chaoyang")
    e4 = EnterpriseFactory(uscc=make_uscc(4), district="")
    EnterpriseFactory(uscc=make_uscc(5), district="chaoyang")  # declares nothing
    s1 = standard(e1, cg, "Q/A 1-2024", datetime.date(2024, 3, 1))
    s2 = standard(e1, eq, "Q/A 2-2025", datetime.date(2025, 5, 1))
    standard(e1, cg, "Q/A 3-2024", datetime.date(2024, 6, 1), status="abolished")
    s4 = standard(e2, cg, "Q/B 4-2025", datetime.date(2025, 1, 10))
    s5 = standard(e3, eq, "Q/C 5-2025", datetime.date(2025, 2, 2))
    standard(e3, eq, "Q/C 6-2025", None, status="draft")
    standard(e4, cg, "Q/D 7-2023", datetime.date(2023, 7, 7))

    def leader(std, **kwargs):
        fields = {"published_on": datetime.date(2025, 12, 1), "valid_until": LONG, **kwargs}
        return LeaderFactory(standard=std, category=std.category, **fields)

    leader(s1)
    leader(s5)
    leader(s4, status="revoked", revoked_on=datetime.date(2026, 3, 1))
    leader(s2, valid_until=TODAY - datetime.timedelta(days=1))  # expired by date

    scheme = approved_scheme(year=2026)
    ranking = Ranking.objects.create(scheme=scheme, entrants=3, participants=2)
    for position, (std, rank, candidate) in enumerate(
        [(s1, 1, True), (s4, 2, False), (s5, None, False)], start=1
    ):
        RankingEntry.objects.create(
            ranking=ranking,
            standard=std,
            position=position,
            rank=rank,
            score=Decimal("90") if rank else None,
            candidate=candidate,
            excluded_reason=None if rank else "below_baseline",
        )

    plan = SpotCheckPlan.objects.create(
        year=2026, seed=7, rate=Decimal("0.05"), population_size=4, status="approved"
    )
    a, b = ExpertFactory(), ExpertFactory()
    for position, (std, reason, result) in enumerate(
        [(s1, "leader", "passed"), (s5, "leader", "failed"), (s4, "random", "pending")], start=1
    ):
        SpotCheckItem.objects.create(
            plan=plan,
            position=position,
            standard=std,
            reason=reason,
            inspector_1=a,
            inspector_2=b,
            result=result,
        )

    programme = ProgrammeFactory()
    now = timezone.now()
    for enterprise, status in [(e1, "approved"), (e2, "refused"), (e3, "submitted")]:
        Application.objects.create(
            programme=programme,
            enterprise=enterprise,
            status=status,
            decided_at=None if status == "submitted" else now,
        )


def section(data, key):
    return next(item for item in data["sections"] if item["key"] == key)


def test_headline(data):
    figures = statistics.statistics_compute()
    # 5 enterprises; E1, E2, E3, E4 have a public standard; 5 public standards (S1 S2 S4 S5 S7);
    # active titles: S1 and S5 (S4 revoked, S2 past validity).
    assert figures["headline"] == {
        "enterprises": 5,
        "declaring": 4,
        "coverage": "80",
        "standards": 5,
        "active_leaders": 2,
    }


def test_coverage_by_year_and_sector(data):
    rows = section(statistics.statistics_compute(), "coverage_year")["rows"]
    # year, enterprises, standards, consumer goods, equipment, emerging, services
    assert rows == [
        ["2023", 1, 1, 1, 0, 0, 0],  # S7 (E4)
        ["2024", 1, 2, 2, 0, 0, 0],  # S1 and abolished S3 (E1)
        ["2025", 3, 3, 1, 2, 0, 0],  # S4 (CG), S2 and S5 (EQ); E1 E2 E3
    ]


def test_coverage_by_district(data):
    rows = section(statistics.statistics_compute(), "coverage_district")["rows"]
    by_name = {row[0]: row[1:] for row in rows}
    assert by_name["海淀区"] == [2, 2, "100", 3]
    assert by_name["朝阳区"] == [2, 1, "50", 1]
    assert by_name["未填写"] == [1, 1, "100", 1]
    assert by_name["东城区"] == [0, 0, "0", 0]


def test_leaders_by_sector_and_district(data):
    figures = statistics.statistics_compute()
    assert section(figures, "leaders_sector")["rows"] == [
        ["主要消费品", 1, 1, 2],  # S1 active; S1 + revoked S4 cumulated
        ["装备制造", 1, 1, 2],  # S5 active; S5 + expired S2 cumulated
        ["新兴产业", 0, 0, 0],
        ["服务", 0, 0, 0],
    ]
    assert section(figures, "leaders_district")["rows"] == [["朝阳区", 1, 1], ["海淀区", 1, 1]]


def test_rankings_spotchecks_and_incentives(data):
    figures = statistics.statistics_compute()
    assert section(figures, "rankings")["rows"] == [["2026", 1, 3, 2, 2, 1]]
    assert section(figures, "spotchecks")["rows"] == [["2026", "已批准", 3, 2, 1, 1, 1, 1]]
    incentives = {row[0]: row[1:] for row in section(figures, "incentives")["rows"]}
    assert incentives["金融信贷支持"] == [3, 1, 1, 1, 1]
    assert incentives["政府采购优先"] == [0, 0, 0, 0, 0]


def test_chart_data_matches_the_table(data):
    coverage = section(statistics.statistics_compute(), "coverage_year")
    assert coverage["chart"]["labels"] == ["2023", "2024", "2025"]
    assert coverage["chart"]["datasets"][1] == {"label": "装备制造", "data": [0, 0, 2]}


def test_page_is_served_from_the_cache(client, data, django_assert_num_queries):
    statistics.statistics_refresh()
    with django_assert_num_queries(0):
        response = client.get("/statistics/")
    body = response.content.decode()
    assert 'data-figure="declaring">4<' in body
    assert 'id="chart-coverage_year"' in body
    assert "js/statistics.js" in body and "chart.umd.min.js" in body


def test_empty_cache_is_filled_on_first_request(client, data):
    cache.clear()
    client.get("/statistics/")
    assert cache.get(statistics.CACHE_KEY.format(language="zh-hans")) is not None


def test_publication_refreshes_the_figures(data, django_capture_on_commit_callbacks):
    statistics.statistics_refresh()
    from apps.declarations.models import Standard

    s7 = Standard.objects.get(standard_no="Q/D 7-2023")
    LeaderFactory(
        standard=s7, category=s7.category, published_on=datetime.date(2025, 12, 1), valid_until=LONG
    )
    assert statistics.statistics_cached()["headline"]["active_leaders"] == 2  # still cached
    # Sent from inside the publishing service's transaction, as the service does.
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        leader_list_published.send(
            sender=Leader,
            instance=Leader.objects.first(),
            year=2025,
            title="2025 年度名单",
            url="/leaders/?year=2025",
            published_on=datetime.date(2025, 12, 1),
            leader_count=3,
            actor=None,
        )
    assert statistics.statistics_cached()["headline"]["active_leaders"] == 3


def test_a_revocation_refreshes_the_figures_once_per_burst(
    data, bureau_user, django_capture_on_commit_callbacks
):
    from apps.leaders.services.titles import leader_revoke

    statistics.statistics_refresh()
    before = statistics.statistics_cached()["headline"]["active_leaders"]
    today = datetime.date.today()
    titles = list(
        Leader.objects.filter(status="active", published_on__lte=today, valid_until__gte=today)[:2]
    )
    assert titles
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for title in titles:
            leader_revoke(leader=title, reason="抽查不合格", actor=bureau_user)
    assert statistics.statistics_cached()["headline"]["active_leaders"] == before - len(titles)
    # Two events, one refresh: the second found the first one queued.
    assert refreshes_queued(callbacks) >= 2
    assert cache.get("portal:statistics:refresh-queued") == 1


def refreshes_queued(callbacks) -> int:
    return sum(getattr(c, "__name__", "") == "_queue_statistics_refresh" for c in callbacks)


def test_a_bulk_write_queues_one_refresh_and_a_rolled_back_one_none(
    data, django_capture_on_commit_callbacks
):
    """Thousands of spot-check items written in one transaction (a draft plan replaced):
    one callback at its commit, where each used to cost a Redis round trip. What a
    rolled-back savepoint queued goes with it, and the next change queues the refresh again."""
    plan = SpotCheckPlan.objects.first()
    items = list(SpotCheckItem.objects.filter(plan=plan))
    assert len(items) >= 2
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        for item in items:
            item.save()
    assert refreshes_queued(callbacks) == 1
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        try:
            with transaction.atomic():
                items[0].save()
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        items[1].save()
    assert refreshes_queued(callbacks) == 1


def test_nightly_task_refreshes_every_language(data):
    from apps.portal.tasks import refresh_statistics

    refresh_statistics()
    english = cache.get(statistics.CACHE_KEY.format(language="en"))
    chinese = cache.get(statistics.CACHE_KEY.format(language="zh-hans"))
    assert english["headline"] == chinese["headline"]


def test_csv_download(client, data):
    response = client.get("/statistics/coverage_year.csv")
    computed = statistics.statistics_cached()["computed_at"].replace(" ", "T").replace(":", "")
    assert f"statistics-coverage_year-{computed}.csv" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8")
    assert (
        text.splitlines()[0] == "\ufeff年度,声明企业数,声明标准数,主要消费品,装备制造,新兴产业,服务"
    )
    assert text.splitlines()[3] == "2025,3,3,1,2,0,0"
    assert client.get("/statistics/nothing.csv").status_code == 404


def test_statistics_query_count_is_fixed(data, django_assert_max_num_queries):
    cache.clear()
    with django_assert_max_num_queries(14):
        statistics.statistics_compute()
    # More rows of every kind do not add queries.
    more = Category.objects.get(code="S-CG")
    for serial in range(10, 20):
        enterprise = EnterpriseFactory(uscc=make_uscc(serial), district="xicheng")
        standard(enterprise, more, f"Q/X {serial}-2025", datetime.date(2025, 1, 1))
    with django_assert_max_num_queries(14):
        statistics.statistics_compute()


def test_the_first_request_stores_the_figures_for_every_later_one(data, django_assert_num_queries):
    from django.core.cache import cache

    from apps.portal.models import StatisticsSnapshot

    first = statistics.statistics_cached()
    assert StatisticsSnapshot.objects.get(language="zh-hans").data == first
    cache.clear()  # a restarted or emptied Redis
    with django_assert_num_queries(1):
        assert statistics.statistics_cached() == first
