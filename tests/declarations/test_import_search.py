"""Standards imported in a batch are searchable exactly as standards written one by one.

The `standards` import fills `search_text` for the whole batch in its INSERT
(apps/declarations/imports.py) instead of the per-row trigger and leaves `search_document` to
the background job queued at its commit (`search_index_pending`); these tests hold both to
the trigger's values and search, before and after the job, to a plain substring (ILIKE)
answer through the public API.
"""

import io
import random

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from apps.declarations import services
from apps.declarations.models import Standard
from tests.factories.uscc import make_uscc

pytestmark = pytest.mark.django_db

FIRMS = [
    (make_uscc(101), "北京华创电器有限公司"),
    (make_uscc(102), "Beijing Zhongguancun Hi-Tech Co., Ltd."),
    (make_uscc(103), "北京100%纯净水_饮品厂"),
    (make_uscc(104), "北京'引号'与\\反斜杠公司"),
]
NAMES = [
    "电饭锅",
    "IH电饭煲技术条件",
    "家用电饭锅 第2部分：性能",
    "Wi-Fi智能电饭锅能效限定值及能效等级",
    "电饭锅（容量≥5L）安全要求",
    "ABC-def 混合Case电饭锅",
    "100%不锈钢内胆电饭锅_通用技术要求",
    "饭",
]
PRODUCTS = ["", "FB-30A", "IH电饭煲 FB-40A；FB-50A", "型号 A1/A2", "全系列"]


def import_csv(tmp_path, kind, content, name="data.csv"):
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_csv", kind, str(path), stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue().strip(), [line for line in err.getvalue().splitlines() if line]


@pytest.fixture
def firms(tmp_path):
    rows = "".join(f'{uscc},"{name}"\n' for uscc, name in FIRMS)
    code, _, err = import_csv(tmp_path, "enterprises", "uscc,name\n" + rows, "firms.csv")
    assert code == 0, err
    return FIRMS


def standards_file(count: int, seed: int = 3, suffix: str = "") -> str:
    rng = random.Random(seed)
    lines = ["uscc,standard_no,name,category_code,published_on,status,products"]
    for i in range(count):
        uscc, _ = FIRMS[i % len(FIRMS)]
        name = rng.choice(NAMES) + suffix + ("" if i % 3 else str(i))
        status = "abolished" if i % 11 == 0 else "public"
        products = rng.choice(PRODUCTS)
        lines.append(
            f'{uscc},Q/BJ{i % 7} {i:03d}-2025,"{name}",C-RICE,2025-0{1 + i % 9}-1{i % 10},'
            f'{status},"{products}"'
        )
    return "\n".join(lines) + "\n"


def reference_ids(q: str) -> set[int]:
    """Substring match without the index, on the four fields, as ILIKE defines it."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT s.id FROM declarations_standard s
               JOIN enterprises_enterprise e ON e.id = s.enterprise_id
               WHERE s.status <> 'draft' AND (
                  s.standard_no ILIKE %s OR s.name ILIKE %s OR s.products ILIKE %s
                  OR e.name ILIKE %s)""",
            ["%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"] * 4,
        )
        return {row[0] for row in cursor.fetchall()}


def api_ids(client, q: str) -> set[int]:
    ids, url, params = set(), "/api/v1/standards/", {"q": q, "page_size": 100}
    while url:
        data = client.get(url, params).json()
        ids |= {row["id"] for row in data["results"]}
        url, params = data["next"], None
    return ids


def pieces(texts: list[str], rng: random.Random, count: int) -> list[str]:
    """Random 1-4 character pieces of the given texts (what people type)."""
    found = []
    while len(found) < count:
        text = rng.choice(texts)
        size = rng.randint(1, min(4, len(text)))
        start = rng.randint(0, len(text) - size)
        piece = text[start : start + size]
        if piece.strip():
            found.append(piece)
    return found


@pytest.mark.parametrize("indexed", [False, True], ids=["waiting", "indexed"])
def test_imported_standards_are_found_as_a_substring_match_finds_them(
    category, firms, tmp_path, client, indexed
):
    code, out, err = import_csv(tmp_path, "standards", standards_file(60))
    assert (code, out, err) == (0, "standards: created 60, updated 0, unchanged 0", [])
    assert Standard.objects.filter(search_document__isnull=True).count() == 60
    if indexed:
        assert services.search_index_pending(batch=25) == 60  # three batches
        assert not Standard.objects.filter(search_document__isnull=True).exists()
    stored = list(Standard.objects.values_list("standard_no", "name", "products"))
    texts = [text for row in stored for text in row if text] + [name for _, name in FIRMS]
    queries = [*pieces(texts, random.Random(11), 60), "电饭锅", "100%", "_", "'", "\\", "ABC"]
    for q in queries:
        assert api_ids(client, q) == reference_ids(q.strip()), q  # the API trims q
    assert reference_ids("电饭锅")  # the comparison is not between two empty answers


def search_columns_and_recomputed():
    """The stored search columns once the background job has run, then the same after the
    per-row trigger recomputed them."""
    services.search_index_pending()
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, search_document::text, search_text FROM declarations_standard")
        stored = sorted(cursor.fetchall())
        # Writing the column fires the update trigger, which recomputes both from the row.
        cursor.execute("UPDATE declarations_standard SET search_document = NULL")
        cursor.execute("SELECT id, search_document::text, search_text FROM declarations_standard")
        return stored, sorted(cursor.fetchall())


def test_imported_rows_carry_what_the_per_row_trigger_computes(category, firms, tmp_path):
    code, _, err = import_csv(tmp_path, "standards", standards_file(40))
    assert code == 0, err
    imported, recomputed = search_columns_and_recomputed()
    assert len(imported) == 40
    assert all(document and text for _, document, text in imported)
    assert imported == recomputed


@pytest.mark.parametrize("with_products", [True, False])
def test_updated_rows_carry_what_the_per_row_trigger_computes(
    category, firms, tmp_path, with_products
):
    assert import_csv(tmp_path, "standards", standards_file(30))[0] == 0
    changed = standards_file(30, seed=4, suffix="改")
    if not with_products:  # the stored products stay, and stay searchable
        changed = "\n".join(line.rsplit(",", 1)[0] for line in changed.splitlines()) + "\n"
    code, out, err = import_csv(tmp_path, "standards", changed, "changed.csv")
    assert (code, out, err) == (0, "standards: created 0, updated 30, unchanged 0", [])
    updated, recomputed = search_columns_and_recomputed()
    assert len(updated) == 30
    assert all("改" in text for _, _, text in updated)
    assert updated == recomputed


def test_other_writes_in_the_same_transaction_still_go_through_the_trigger(
    category, firms, tmp_path, client
):
    assert import_csv(tmp_path, "standards", standards_file(5))[0] == 0
    standard = Standard.objects.order_by("pk").first()
    Standard.objects.filter(pk=standard.pk).update(name="手改的名称", products="手改型号")
    assert api_ids(client, "手改的名") == {standard.pk}
    assert api_ids(client, "手改型") == {standard.pk}


def test_a_file_without_products_column_is_searchable_on_the_other_fields(
    category, firms, tmp_path, client
):
    content = (
        "uscc,standard_no,name,category_code,published_on\n"
        f"{FIRMS[0][0]},Q/X 1-2025,蒸饭柜,C-RICE,2025-01-01\n"
    )
    code, _, err = import_csv(tmp_path, "standards", content)
    assert code == 0, err
    standard = Standard.objects.get()
    assert api_ids(client, "蒸饭") == {standard.pk}
    assert api_ids(client, "华创") == {standard.pk}
    assert api_ids(client, "q/x 1") == {standard.pk}


def test_reimport_with_new_names_finds_the_new_names_only(category, firms, tmp_path, client):
    assert import_csv(tmp_path, "standards", standards_file(20))[0] == 0
    code, out, err = import_csv(tmp_path, "standards", standards_file(20, suffix="蒸汽版"), "b.csv")
    assert (code, out, err) == (0, "standards: created 0, updated 20, unchanged 0", [])
    assert api_ids(client, "蒸汽版") == set(Standard.objects.values_list("pk", flat=True))
    assert api_ids(client, "蒸汽版") == reference_ids("蒸汽版")


def test_an_enterprise_renamed_after_the_import_is_found_by_its_new_name(
    category, firms, tmp_path, client
):
    assert import_csv(tmp_path, "standards", standards_file(8))[0] == 0
    renamed = f"uscc,name\n{FIRMS[0][0]},北京新名字电器有限公司\n"
    assert import_csv(tmp_path, "enterprises", renamed, "renamed.csv")[0] == 0
    assert api_ids(client, "新名字") == reference_ids("新名字") != set()
    assert api_ids(client, "华创") == set()


def test_a_file_with_bad_rows_writes_nothing_and_says_where(category, firms, tmp_path, client):
    good = standards_file(5).splitlines()
    content = "\n".join(
        [
            *good,
            f"{make_uscc(999)},Q/BJ9 900-2025,无主之标准,C-RICE,2025-01-01,public,",
            f"{FIRMS[0][0]},Q/BJ9 901-2025,坏日期之标准,C-RICE,2025-13-01,public,",
            f"{FIRMS[0][0]},Q/BJ9 902-2025,无类别之标准,C-NONE,2025-01-01,public,",
            good[1],
        ]
    )
    code, out, err = import_csv(tmp_path, "standards", content + "\n")
    assert code == 1
    assert out == ""
    assert [line.split(":")[0] for line in err] == [
        "row 7, column uscc",
        "row 8, column published_on",
        "row 9, column category_code",
        "row 10, column uscc",
    ]
    assert Standard.objects.count() == 0
    assert api_ids(client, "之标准") == set()


def test_a_standard_declared_in_the_form_after_an_import_is_searchable(
    category, firms, tmp_path, enterprise_user, client_for, pdf
):
    assert import_csv(tmp_path, "standards", standards_file(10))[0] == 0
    person = client_for(enterprise_user)
    person.post(
        reverse("declarations:create"),
        {
            "standard_type": "enterprise",
            "standard_no": "Q/FORM 7-2026",
            "name": "蒸汽电饭锅",
            "category": category.pk,
            "products": "ZQ-1",
        },
    )
    standard = Standard.objects.get(standard_no="Q/FORM 7-2026")
    person.post(
        reverse("declarations:values", args=[standard.pk]),
        {"value_EFF": "85", "value_NOISE": "40", "value_STANDBY": "0.8", "text_file": pdf()},
    )
    response = person.post(
        reverse("declarations:publish", args=[standard.pk]), {"commitment": "on"}
    )
    assert response["Location"] == reverse("declarations:detail", args=[standard.pk])
    public = client_for(None)
    assert api_ids(public, "蒸汽电") == {standard.pk}
    assert api_ids(public, "电饭") == reference_ids("电饭")
    assert standard.pk in api_ids(public, "电饭")


def test_the_import_queues_the_search_index_job_at_its_commit(
    category, firms, tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert import_csv(tmp_path, "standards", standards_file(12))[0] == 0
    assert len(callbacks) == 1
    # Tests run tasks eagerly: the job ran, every document is there.
    assert not Standard.objects.filter(search_document__isnull=True).exists()
    assert Standard.objects.count() == 12


def test_an_operator_without_a_worker_indexes_the_waiting_standards_by_command(
    category, firms, tmp_path, client
):
    assert import_csv(tmp_path, "standards", standards_file(9))[0] == 0
    out = io.StringIO()
    call_command("index_search", stdout=out)
    assert out.getvalue().strip() == "search: indexed 9 standards"
    assert not Standard.objects.filter(search_document__isnull=True).exists()
    assert api_ids(client, "电饭") == reference_ids("电饭") != set()
    out = io.StringIO()
    call_command("index_search", stdout=out)
    assert out.getvalue().strip() == "search: indexed 0 standards"


def test_a_status_change_keeps_the_document(category, firms, tmp_path):
    assert import_csv(tmp_path, "standards", standards_file(6))[0] == 0
    services.search_index_pending()
    abolished = standards_file(6).replace(",public,", ",abolished,")
    code, out, _ = import_csv(tmp_path, "standards", abolished, "abolished.csv")
    assert (code, out) == (0, "standards: created 0, updated 5, unchanged 1")
    assert not Standard.objects.filter(search_document__isnull=True).exists()
