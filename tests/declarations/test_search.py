"""The bigram index returns exactly what a substring match returns."""

import io
import random

import pytest
from django.db import connection

from apps.declarations.models import Standard
from apps.declarations.search import scan_standards, search_standards
from apps.declarations.selectors import CappedPaginator, StandardSearch
from tests.factories.declarations import CategoryFactory, StandardFactory
from tests.factories.enterprises import EnterpriseFactory

pytestmark = pytest.mark.django_db

ENTERPRISES = [
    "北京华创电器有限公司",
    "北京京东方科技集团股份有限公司",
    "Beijing Zhongguancun Hi-Tech Co., Ltd.",
    "北京小米Mi智能科技有限公司",
    "中国石化北京燕山分公司",
    "北京100%纯净水_饮品厂",
    "北京'引号'与\\反斜杠公司",
]
NUMBERS = [
    "Q/BJHD 001-2024",
    "Q/HC 0012-2023",
    "GB/T 7725-2022",
    "GB 21455-2019",
    "T/CAS 123-2023",
    "QB/T 4099-2010",
    "DB11/T 1234-2015",
    "Q/320581 KLJ001-2019",
    "JB/T 9876-2015",
]
NAMES = [
    "房间空气调节器",
    "电饭锅企业标准",
    "IH电饭煲技术条件",
    "Wi-Fi智能空调",
    "家用洗衣机 第2部分",
    "空气净化器（CADR≥400）",
    "电动自行车用锂离子电池",
    "物业服务规范",
    "ABC-def 混合Case",
]
PRODUCTS = ["", "KFR-35GW/BpX", "FB-30A；FB-40A", "型号 A1/A2", "全系列", "50%含量", "a_b c"]


@pytest.fixture
def corpus(db):
    rng = random.Random(7)
    category = CategoryFactory()
    firms = [EnterpriseFactory(name=name) for name in ENTERPRISES]
    for i in range(90):
        StandardFactory(
            enterprise=firms[i % len(firms)],
            standard_no=NUMBERS[i % len(NUMBERS)] + (f".{i}" if i >= len(NUMBERS) else ""),
            name=rng.choice(NAMES) + ("" if i % 3 else str(i)),
            products=rng.choice(PRODUCTS),
            category=category,
        )
    return Standard.objects.select_related("enterprise")


def reference_ids(q: str) -> set[int]:
    """Substring test without the index: strpos over lower(), the definition of ILIKE."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT s.id FROM declarations_standard s
               JOIN enterprises_enterprise e ON e.id = s.enterprise_id
               WHERE strpos(lower(s.standard_no), lower(%s)) > 0
                  OR strpos(lower(s.name), lower(%s)) > 0
                  OR strpos(lower(s.products), lower(%s)) > 0
                  OR strpos(lower(e.name), lower(%s)) > 0""",
            [q] * 4,
        )
        return {row[0] for row in cursor.fetchall()}


def ilike_ids(q: str) -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT s.id FROM declarations_standard s
               JOIN enterprises_enterprise e ON e.id = s.enterprise_id
               WHERE s.standard_no ILIKE %s OR s.name ILIKE %s OR s.products ILIKE %s
                  OR e.name ILIKE %s""",
            [f"%{q}%"] * 4,
        )
        return {row[0] for row in cursor.fetchall()}


def indexed_ids(q: str) -> set[int]:
    return set(search_standards(Standard.objects.all(), q).values_list("id", flat=True))


def scanned_ids(q: str) -> set[int]:
    return set(scan_standards(Standard.objects.all(), q).values_list("id", flat=True))


def queries(corpus) -> list[str]:
    rng = random.Random(11)
    texts = []
    for standard in corpus:
        texts += [standard.standard_no, standard.name, standard.products, standard.enterprise.name]
    texts = [t for t in texts if t]
    found = set()
    for _ in range(400):
        text = rng.choice(texts)
        length = rng.randint(1, min(6, len(text)))
        start = rng.randint(0, len(text) - length)
        found.add(text[start : start + length].strip())  # the search trims queries
    found |= {
        "电", "京", "Q/", "/", "-", "GB/T", "gb/t", "t/c", "wi-fi", "WI-FI", "ih", "2024", "0",
        "1-2", "%", "_", "a_b", "100%", "\\", "'", "'引号'", "空调器", "電", "xyz",
        "锂离子电池", "北京华创电器有限公司", "（cadr", "≥400", "；", "KFR-35gw", "Case",
    }  # fmt: skip
    return sorted(q for q in found if q)


def test_index_search_equals_substring_match(corpus):
    checked = 0
    for q in queries(corpus):
        expected = reference_ids(q)
        assert indexed_ids(q) == expected, q
        assert scanned_ids(q) == expected, q
        checked += 1
    assert checked > 150


def test_reference_agrees_with_plain_ilike_where_no_wildcards(corpus):
    for q in ["电饭", "GB/T", "wi-fi", "Q/BJHD 001", "2015", "科技"]:
        assert ilike_ids(q) == reference_ids(q) != set()


def test_common_and_rare_terms_are_found(corpus):
    assert len(indexed_ids("北京")) > 50
    assert indexed_ids("不存在的词") == set()
    assert indexed_ids("KLJ001") == ilike_ids("KLJ001") != set()


def test_enterprise_rename_is_searchable_at_once(corpus):
    firm = EnterpriseFactory(name="北京旧名称公司")
    standard = StandardFactory(enterprise=firm, name="测试", products="")
    assert indexed_ids("旧名称") == {standard.pk}
    firm.name = "北京新字号集团"
    firm.save()
    assert indexed_ids("旧名称") == set()
    assert indexed_ids("新字号") == {standard.pk}


def test_queryset_update_and_copy_stay_searchable(corpus):
    standard = StandardFactory(name="原名称")
    Standard.objects.filter(pk=standard.pk).update(name="冷水机组")
    assert indexed_ids("冷水机") == {standard.pk}
    # A bulk import writes with COPY and no Python: the trigger fills search_document.
    firm = EnterpriseFactory(name="北京批量导入公司")
    row = "\t".join(
        [
            str(firm.pk), "Q/PL 009-2025", "微型投影机", str(standard.category_id), "enterprise",
            "P-100 投影", "public", "2025-01-02", "2025-01-02 00:00:00+08",
            "2025-01-02 00:00:00+08",
        ]
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            "COPY declarations_standard (enterprise_id, standard_no, name, category_id,"
            " standard_type, products, status, published_on, created_at, updated_at)"
            " FROM STDIN",
            io.StringIO(row + "\n"),
        )
    copied = Standard.objects.get(standard_no="Q/PL 009-2025")
    for q in ["投影", "P-100", "批量导入", "pl 009"]:
        assert indexed_ids(q) == {copied.pk}, q


def test_empty_query_returns_everything(corpus):
    assert search_standards(Standard.objects.all(), "  ").count() == Standard.objects.count()


@pytest.mark.parametrize(
    ("probe_rows", "dense", "index_plan_matches", "scanned"),
    [(1000, 1, 0, True), (5, 2, 0, True), (5, 2, 10_000, False), (10, 0.01, 10_000, True)],
)
def test_both_plans_page_identically(
    corpus, monkeypatch, probe_rows, dense, index_plan_matches, scanned
):
    """Whichever plan serves the pages (primary-key scan for common terms, the index for the
    others), the pages are the ILIKE result, newest first, all of it (the count stops at
    the cap, the pages do not)."""
    monkeypatch.setattr(StandardSearch, "probe_rows", probe_rows)
    monkeypatch.setattr(StandardSearch, "index_plan_matches", index_plan_matches)
    monkeypatch.setattr(StandardSearch, "dense", dense)
    monkeypatch.setattr(StandardSearch, "key_order_count_matches", 0)  # a table of ~90 rows
    for q, cap in [("北京", 10), ("KLJ001", 1000), ("电", 5), ("电饭", 1000), ("gb/t 7", 3)]:
        monkeypatch.setattr(CappedPaginator, "cap", cap)
        search = StandardSearch(Standard.objects.all(), q)
        paginator = CappedPaginator(search, 4)
        expected = sorted(reference_ids(q), reverse=True)
        assert paginator.count == min(len(expected), cap), q
        assert paginator.capped is (len(expected) > cap), q
        got, number = [], 1
        while True:  # paging goes on past the cap: every match is reachable
            page = paginator.page(number)
            got += [s.pk for s in page.object_list]
            if not page.has_next():
                break
            number += 1
        assert got == expected, q
        if q in ("北京", "电"):  # common in every probe: the plan follows the settings
            assert search.plan[1] is scanned, q


def test_text_containing_the_internal_marker_is_indexed_exactly(db):
    standard = StandardFactory(name="控制\x1f字符AB", products="")
    for q in ["制\x1f", "\x1f字", "控制", "符a", "\x1f"]:
        assert indexed_ids(q) == reference_ids(q) == {standard.pk}, repr(q)


def test_a_match_never_spans_two_fields(db):
    """search_text joins the fields with U+001F: a query matching only across the join of
    name and products (or holding the separator) finds nothing, as the per-field ILIKE says."""
    standard = StandardFactory(standard_no="Q/XY 001-2024", name="控制器AB", products="CD型")
    for q in ["b\x1fc", "ab\x1fcd", "2024\x1f控制"]:
        assert indexed_ids(q) == scanned_ids(q) == reference_ids(q) == set(), repr(q)
    for q in ["器ab", "cd型", "xy 001"]:
        assert indexed_ids(q) == scanned_ids(q) == reference_ids(q) == {standard.pk}, q
    standard.refresh_from_db()
    assert standard.search_text == "q/xy 001-2024\x1f控制器ab\x1fcd型\x1f" + (
        standard.enterprise.name.lower()
    )


def test_one_character_is_found_wherever_it_stands_in_a_field(db):
    """The document holds no single characters: a one-character query asks for the bigrams
    starting with it, and every field ends in a space so that its last character starts one."""
    enterprise = EnterpriseFactory(name="北京X有限公司")
    standard = StandardFactory(
        enterprise=enterprise, standard_no="Q/A 9", name="空调器", products="型 B"
    )
    for q in ["9", "器", "司", "x", "X", "型", "b", "空", "/"]:
        assert indexed_ids(q) == reference_ids(q) == {standard.pk}, q
    for q in ["z", "冰", "'", "\\"]:
        assert indexed_ids(q) == reference_ids(q) == set(), q
