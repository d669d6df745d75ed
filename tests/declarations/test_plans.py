"""Whichever plan the search chooses (the bigram index, or the ordered scan that stops at the
page and the cap), the public API and the /standards/ page return exactly the plain `ILIKE`
answer: the same standards, newest first, the same (capped) count. Checked for common terms
(in nearly every standard), rare ones, synonym-expanded ones, a USCC and words found nowhere,
with each plan forced and with the plan chosen from the statistics of an analysed table."""

import pytest
from django.db import connection
from django.urls import reverse

from apps.core.uscc import uscc_problem
from apps.declarations import search_stats
from apps.declarations.models import Synonym
from apps.declarations.search_stats import forget, gram_statistics
from apps.declarations.selectors import CappedPaginator, StandardSearch, public_standards
from tests.factories.declarations import CategoryFactory, StandardFactory, SynonymFactory
from tests.factories.enterprises import EnterpriseFactory
from tests.factories.uscc import make_uscc

pytestmark = pytest.mark.django_db

CAP = 7
COMMON = ["企业", "业标", "企业标", "标准", "企业标准", "有限公司", "Q/Plan"]
RARE = ["空气调节器", "KFR-35", "第2部分", "锂离子", "号'与\\反", "'与\\"]
SYNONYM = ["空调", "电饭煲", "cnc"]
NO_MATCH = ["不存在的词", "企标准", "准企业"]
# Both bigrams (20, 02) are in every standard number (…-2026), the word in none: the
# statistics' upper bound says "common".
MISJUDGED = "2020"
PRODUCTS = ["电饭锅", "吸油烟机", "净水器", "热水器", "洗衣机", "电冰箱", "微波炉"]


@pytest.fixture
def corpus(db):
    category = CategoryFactory()
    firms = [
        EnterpriseFactory(name="北京燕山企业有限公司", uscc=make_uscc(301)),
        EnterpriseFactory(name="天津科技有限公司", uscc=make_uscc(302)),
        EnterpriseFactory(name="Hebei Ent Works", uscc=make_uscc(303)),
    ]
    for i in range(80):
        if i % 10 == 3:
            name = "房间空气调节器"
        elif i % 10 == 7:
            name = "电动自行车用锂离子电池"
        elif i % 17 == 5:
            name = "数控机床 第2部分"
        else:
            name = PRODUCTS[i % len(PRODUCTS)] + "企业标准"
        StandardFactory(
            enterprise=firms[i % len(firms)],
            standard_no=f"Q/PLAN {i:03d}-2026",
            name=name,
            products="KFR-35GW" if i % 10 == 3 else "",
            category=category,
            status="abolished" if i % 11 == 0 else "public",
        )
    StandardFactory(enterprise=firms[1], name="引号'与\\反斜杠", category=category)
    # Drafts are never found, however common their words.
    StandardFactory(
        enterprise=firms[0], name="电饭锅企业标准草稿", status="draft", published_on=None
    )
    for term, canonical in [("空调", "空气调节器"), ("电饭煲", "电饭锅"), ("cnc", "数控机床")]:
        SynonymFactory(term=term, canonical=canonical)
    return firms


def ilike_ids(q: str) -> list[int]:
    """The plain answer: public standards where some term of E(q) is `ILIKE '%term%'` in
    the number, name, products or enterprise name, or whose enterprise has q as its USCC;
    newest first."""
    q = q.strip()
    terms = [q, *Synonym.objects.filter(term=q.lower()).values_list("canonical", flat=True)]
    uscc = q.upper() if uscc_problem(q.upper()) is None else ""
    escaped = [t.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") for t in terms]
    condition = " OR ".join(
        "s.standard_no ILIKE %s OR s.name ILIKE %s OR s.products ILIKE %s OR e.name ILIKE %s"
        for _ in terms
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT s.id FROM declarations_standard s
                JOIN enterprises_enterprise e ON e.id = s.enterprise_id
                WHERE s.status IN ('public', 'abolished') AND ({condition} OR e.uscc = %s)
                ORDER BY s.id DESC""",
            [f"%{t}%" for t in escaped for _ in range(4)] + [uscc],
        )
        return [row[0] for row in cursor.fetchall()]


def api_answer(client, q: str) -> tuple[list[int], int, bool]:
    data = client.get("/api/v1/standards/", {"q": q, "page_size": 10}).json()
    ids, count, capped = [row["id"] for row in data["results"]], data["count"], data["count_capped"]
    while data["next"]:
        data = client.get(data["next"]).json()
        ids += [row["id"] for row in data["results"]]
    return ids, count, capped


def page_answer(client, q: str) -> list[int]:
    ids, number = [], 1
    while True:
        page = client.get(reverse("declarations:search"), {"q": q, "page": number}).context["page"]
        ids += [s.pk for s in page.object_list]
        if not page.has_next():
            return ids
        number += 1


def analyse():
    """ANALYZE the standards (as autovacuum would after an import) and forget what the
    process had read, so the search plans from these statistics."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE declarations_standard")
    forget()


def queries(corpus) -> list[str]:
    return [
        *COMMON, *RARE, *SYNONYM, corpus[1].uscc, corpus[2].uscc.lower(), *NO_MATCH, MISJUDGED
    ]  # fmt: skip


def check(client, q: str):
    expected = ilike_ids(q)
    ids, count, capped = api_answer(client, q)
    assert ids == expected, q
    assert count == min(len(expected), CAP), q
    assert capped is (len(expected) > CAP), q
    assert page_answer(client, q) == expected, q


@pytest.mark.parametrize(
    ("plan", "dense", "index_plan_matches"),
    [("index", 2.0, 10**9), ("scan", 0.0, 0)],
)
def test_each_plan_gives_the_ilike_answer(
    corpus, client, monkeypatch, plan, dense, index_plan_matches
):
    monkeypatch.setattr(CappedPaginator, "cap", CAP)
    monkeypatch.setattr(StandardSearch, "dense", dense)
    monkeypatch.setattr(StandardSearch, "probe_rows", CAP - 2)  # never reaches cap + 1
    monkeypatch.setattr(StandardSearch, "index_plan_matches", index_plan_matches)
    monkeypatch.setattr(StandardSearch, "key_order_count_matches", 0)
    assert all(ilike_ids(q) for q in [*COMMON, *RARE, *SYNONYM])  # each finds something
    assert not any(ilike_ids(q) for q in [*NO_MATCH, MISJUDGED])
    for analysed in (False, True):  # without statistics, then with them
        if analysed:
            analyse()
        for q in queries(corpus):
            check(client, q)
            search = StandardSearch(public_standards(), q)
            search.cap = CAP
            assert search.plan[1] is (plan == "scan"), q


def test_the_plan_follows_the_statistics(corpus, client, monkeypatch):
    """Analysed, the common terms are confirmed by a few rows and scanned in order; the rare,
    synonym, USCC and unknown ones go to the index without reading a row to decide."""
    monkeypatch.setattr(CappedPaginator, "cap", CAP)
    monkeypatch.setattr(StandardSearch, "probe_rows", 10)
    monkeypatch.setattr(StandardSearch, "dense", 0.3)
    monkeypatch.setattr(StandardSearch, "key_order_count_matches", 0)
    analyse()
    statistics = gram_statistics(connection)
    assert statistics.known
    assert statistics.term_share("企业") > 0.8 > 0.2 > statistics.term_share("锂离")
    for q in queries(corpus):
        search = StandardSearch(public_standards(), q)
        search.cap = CAP
        matches, scanned = search.plan
        if q in COMMON:
            assert (search.decided_by, scanned) == ("probe", True), q
        elif q == MISJUDGED:
            # The bound said common; the newest rows hold no match, so the index counts.
            assert search.expansion.share > 0.9, q
            assert (search.decided_by, matches, scanned) == ("probe", 0, False), q
        else:
            assert (search.decided_by, scanned) == ("statistics", False), q
        check(client, q)


def test_one_character_is_judged_by_the_bigrams_it_starts(corpus):
    """A character has no lexeme of its own: its share is estimated from the bigrams starting
    with it (an upper bound as far as they are listed), so a common one is confirmed by the
    probe and a rare one goes to the index (its prefix query), both with ILIKE's answer."""
    analyse()
    statistics = gram_statistics(connection)
    assert statistics.term_share("企") >= statistics.term_share("企业") > 0.8
    assert statistics.term_share("锂") == statistics.term_share("锂离") < 0.2
    assert statistics.term_share("龘") == statistics.floor
    for q in ["企", "锂", "龘", "k", "Q", "'", "\\"]:
        search = StandardSearch(public_standards(), q)
        assert search.plan[0] == len(ilike_ids(q)), q


@pytest.mark.parametrize("many_candidates", [search_stats.MANY_CANDIDATES, 1])
def test_statistics_give_the_same_tsquery_as_the_database(corpus, monkeypatch, many_candidates):
    """The selective tsquery computed from the cached statistics asks the index for grams as
    rare as those the database's own declarations_search_query_selective picks (the same
    grams, up to ties between equally common ones), also when the rarest gram leaves many
    candidates (here: a threshold of one row) and commoner grams are asked for too."""
    monkeypatch.setattr(search_stats, "MANY_CANDIDATES", many_candidates)
    analyse()
    statistics = gram_statistics(connection)
    widened = 0
    for q in ["企业标准", "空气调节器", "kfr-35gw", "北京燕山企业有限公司", "q/plan 001"]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT declarations_search_query_selective(%s, 3, %s, %s)::text, "
                "%s::tsquery::text",
                [q, many_candidates, search_stats.WIDE, statistics.selective_tsquery(q, 3)],
            )
            database, ours = cursor.fetchone()
        shares = [
            sorted(statistics.gram_share(lexeme.strip("'")) for lexeme in text.split(" & "))
            for text in (database, ours)
        ]
        assert shares[0] == shares[1], (q, database, ours)
        widened += any(share >= search_stats.NARROWING for share in shares[1][1:])
    assert (widened > 0) is (many_candidates == 1)


def test_a_dense_term_with_a_short_posting_list_is_counted_by_the_index(
    corpus, client, monkeypatch
):
    """A key-order count pays only against a long posting list (a large, lossy bitmap): on a
    table this small, the index counts even the commonest term."""
    monkeypatch.setattr(CappedPaginator, "cap", CAP)
    monkeypatch.setattr(StandardSearch, "probe_rows", CAP - 2)  # never reaches cap + 1
    monkeypatch.setattr(StandardSearch, "dense", 0.3)
    analyse()
    for q in ["企业", "有限公司", "Q/Plan"]:
        search = StandardSearch(public_standards(), q)
        search.cap = CAP
        assert search.plan == (CAP + 1, False), q
        assert search.decided_by == "probe", q
        assert search.key_order_count_matches > len(ilike_ids(q)), q
        check(client, q)
