"""Search in the words people use (CONTRACT.md §6, 2026-12): the portal's results equal a plain
Python reading of the rule. E(q) = {q} ∪ {every canonical of a synonym whose term equals q,
case-insensitively}; a standard is found when some term of E(q) is a case-insensitive
substring of its number, name, enterprise name or products, or when q is the complete valid
USCC of its enterprise."""

import random

import pytest
from django.urls import reverse

from apps.core.uscc import uscc_problem
from apps.declarations.models import Standard, Synonym
from apps.declarations.selectors import CappedPaginator, StandardSearch, public_standards
from tests.factories.declarations import CategoryFactory, StandardFactory, SynonymFactory
from tests.factories.enterprises import EnterpriseFactory
from tests.factories.uscc import make_uscc

pytestmark = pytest.mark.django_db

ENTERPRISES = [
    "北京华创电器有限公司",
    "北京燕山物业管理有限公司",
    "Beijing CNC Works Ltd.",
    "北京小米Mi科技",
]
NAMES = [
    "房间空气调节器",
    "电饭锅企业标准",
    "IH电饭煲技术条件",
    "Wi-Fi智能空调",
    "吸油烟机",
    "数控机床 第2部分",
    "物业服务规范",
    "电动自行车用锂离子电池",
    "空气净化器（CADR≥400）",
]
PRODUCTS = ["", "KFR-35GW/BpX", "FB-30A；FB-40A", "CNC-5 加工中心", "全系列", "50%含量"]
SYNONYMS = [
    ("空调", "空气调节器"),
    ("空调", "冷水机组"),
    ("电饭煲", "电饭锅"),
    ("厨电", "吸油烟机"),
    ("厨电", "电饭锅"),
    ("CNC", "数控机床"),
    ("物管", "物业服务"),
    ("锂电", "锂离子电池"),
    ("净化", "净化器"),  # the canonical word contains the term
    ("50%", "全系列"),  # wildcards are plain characters
    ("电饭锅", "电饭锅"),  # maps onto itself: E(q) stays {q}
    ("无处", "不存在的词"),
    ("分隔", "华创\x1f电器"),  # holds search_text's separator: the per-field test
    ("分隔", "华创电器"),
]
QUERIES = [
    "空调", "空调 ", "  电饭煲", "电饭煲", "厨电", "cnc", "CNC", "Cnc", "物管", "锂电", "净化",
    "50%", "电饭锅", "无处", "空气调节器", "调节", "电", "Q/", "不存在", "燕山", "mi", "%", "_",
    "分隔",
]  # fmt: skip


def expected_terms(q: str) -> list[str]:
    """E(q) read plainly from the synonym rows: q first, then the canonical words sorted."""
    q = q.strip()
    canonical = {s.canonical for s in Synonym.objects.all() if s.term == q.lower()} - {q}
    return [q, *sorted(canonical)] if q else []


def expected_ids(q: str) -> set[int]:
    q = q.strip()
    terms = [t.lower() for t in expected_terms(q)]
    uscc = q.upper() if uscc_problem(q.upper()) is None else None
    found = set()
    for standard in public_standards().select_related("enterprise"):
        fields = [standard.standard_no, standard.name, standard.products, standard.enterprise.name]
        by_term = any(term in field.lower() for term in terms for field in fields)
        if by_term or standard.enterprise.uscc == uscc:
            found.add(standard.pk)
    return found


@pytest.fixture
def corpus(db):
    rng = random.Random(18)
    category = CategoryFactory()
    firms = [
        EnterpriseFactory(name=name, uscc=make_uscc(100 + i)) for i, name in enumerate(ENTERPRISES)
    ]
    for i in range(60):
        StandardFactory(
            enterprise=firms[i % len(firms)],
            standard_no=f"Q/SYN {i:03d}-2025",
            name=rng.choice(NAMES),
            products=rng.choice(PRODUCTS),
            category=category,
            status="abolished" if i % 13 == 0 else "public",
        )
    # Drafts are never found, whatever they contain.
    StandardFactory(enterprise=firms[0], name="空气调节器草稿", status="draft", published_on=None)
    for term, canonical in SYNONYMS:
        SynonymFactory(term=term, canonical=canonical)
    return firms


def api_ids(client, q: str) -> tuple[list[int], dict]:
    data = client.get("/api/v1/standards/", {"q": q, "page_size": 100}).json()
    ids, first = [row["id"] for row in data["results"]], data
    while data["next"]:
        data = client.get(data["next"]).json()
        ids += [row["id"] for row in data["results"]]
    return ids, first


def page_ids(client, q: str) -> list[int]:
    ids, number = [], 1
    while True:
        response = client.get(reverse("declarations:search"), {"q": q, "page": number})
        page = response.context["page"]
        ids += [s.pk for s in page.object_list]
        if not page.has_next():
            return ids
        number += 1


def test_api_and_page_find_what_the_rule_says(corpus, client):
    uscc = corpus[1].uscc
    # corpus[0] also has a draft, which its USCC does not find either.
    for q in [*QUERIES, uscc, uscc.lower(), f" {uscc} ", corpus[0].uscc]:
        expected = sorted(expected_ids(q), reverse=True)
        ids, data = api_ids(client, q)
        assert ids == expected, q
        assert data["count"] == len(expected), q
        assert data["expanded_terms"] == expected_terms(q), q
        assert page_ids(client, q) == expected, q


def test_synonyms_add_what_the_words_alone_miss(corpus, client):
    assert expected_ids("空调") > {s.pk for s in Standard.objects.filter(name__contains="空调")}
    ids, data = api_ids(client, "空调")
    assert data["expanded_terms"] == ["空调", "冷水机组", "空气调节器"]
    names = set(Standard.objects.filter(pk__in=ids).values_list("name", flat=True))
    assert names == {"房间空气调节器", "Wi-Fi智能空调"}


@pytest.mark.parametrize(
    ("probe_rows", "dense", "index_plan_matches"),
    [(1000, 1, 0), (5, 2, 0), (5, 2, 10_000), (10, 0.01, 10_000)],
)
def test_both_plans_page_the_expanded_search_identically(
    corpus, monkeypatch, probe_rows, dense, index_plan_matches
):
    monkeypatch.setattr(StandardSearch, "probe_rows", probe_rows)
    monkeypatch.setattr(StandardSearch, "index_plan_matches", index_plan_matches)
    monkeypatch.setattr(StandardSearch, "dense", dense)
    monkeypatch.setattr(StandardSearch, "key_order_count_matches", 0)  # a table of ~90 rows
    monkeypatch.setattr(CappedPaginator, "cap", 7)
    for q in ["空调", "厨电", "cnc", "电", "50%", corpus[2].uscc]:
        search = StandardSearch(public_standards(), q)
        assert set(search.indexed().values_list("id", flat=True)) == expected_ids(q), q
        assert set(search.scanned().values_list("id", flat=True)) == expected_ids(q), q
        paginator = CappedPaginator(search, 4)
        expected = sorted(expected_ids(q), reverse=True)
        assert paginator.count == min(len(expected), 7), q
        got, number = [], 1
        while True:  # every match stays reachable past the cap
            page = paginator.page(number)
            got += [s.pk for s in page.object_list]
            if not page.has_next():
                break
            number += 1
        assert got == expected, q


def test_expanded_terms_order_and_case(client, db):
    for term, canonical in [("Ac", "空调器"), ("ac", "Air conditioner"), ("AC", "空气调节器")]:
        SynonymFactory(term=term, canonical=canonical)
    assert set(Synonym.objects.values_list("term", flat=True)) == {"ac"}  # stored lower-cased
    for q in ["AC", " ac ", "aC"]:
        data = client.get("/api/v1/standards/", {"q": q}).json()
        assert data["expanded_terms"] == [q.strip(), "Air conditioner", "空气调节器", "空调器"]
    assert client.get("/api/v1/standards/", {"q": "a"}).json()["expanded_terms"] == ["a"]


def test_a_complete_valid_uscc_finds_every_standard_of_its_enterprise(client, db):
    firm = EnterpriseFactory(uscc=make_uscc(7), name="北京甲电器有限公司")
    other = EnterpriseFactory(uscc=make_uscc(8))
    mine = {StandardFactory(enterprise=firm).pk for _ in range(3)}
    StandardFactory(enterprise=other)
    for q in [firm.uscc, firm.uscc.lower(), f"  {firm.uscc}  "]:
        ids, data = api_ids(client, q)
        assert set(ids) == mine, q
        assert data["expanded_terms"] == [q.strip()]
    # Not complete, or a wrong check character: only substrings count (and none match).
    wrong = firm.uscc[:17] + ("0" if firm.uscc[17] != "0" else "1")
    for q in [firm.uscc[:17], wrong]:
        assert api_ids(client, q)[0] == [], q
    # A valid USCC no enterprise has finds nothing.
    assert api_ids(client, make_uscc(9))[0] == []


def test_results_page_says_what_else_it_searched(corpus, client):
    page = client.get(reverse("declarations:search"), {"q": "空调"}).content.decode()
    assert "也搜索了：冷水机组、空气调节器" in page
    page = client.get(reverse("declarations:search"), {"q": "空气调节器"}).content.decode()
    assert "也搜索了" not in page
    page = client.get(reverse("declarations:search"), {"q": corpus[1].uscc}).content.decode()
    assert "也搜索了" not in page
    assert f"包括统一社会信用代码对应企业“{corpus[1].name}”的全部标准" in page


def test_results_stack_with_labels_on_a_phone(corpus, client):
    """At 390 px the table's rows become cards of labelled lines (portal.css `.table-stack`):
    every cell carries its column's label."""
    page = client.get(reverse("declarations:search"), {"q": "空调"}).content.decode()
    assert 'class="table table-hover align-middle table-stack"' in page
    for label in ["标准编号", "标准名称", "企业", "类别", "公开日期", "状态"]:
        assert page.count(f'data-label="{label}"') == page.count("<tr>") - 1


def test_synonym_look_up_costs_one_query(corpus, django_assert_max_num_queries):
    """The expansion (synonyms, tsqueries, USCC) is one statement, once the process has read
    the search's statistics (one statement every few minutes)."""
    assert StandardSearch(public_standards(), "电").expansion.terms == ("电",)
    with django_assert_max_num_queries(1):
        expansion = StandardSearch(public_standards(), "电饭煲").expansion
    assert expansion.terms == ("电饭煲", "电饭锅")


def test_schema_documents_expanded_terms(client):
    schema = client.get("/api/schema/").content.decode()
    assert "expanded_terms" in schema
