# ruff: noqa: E501  (exact user-facing messages read best unbroken)
"""Idempotency, round trips (export -> import changes nothing), dry runs, updates, exports."""

import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from apps.catalog.models import Category, Indicator, KeyArea
from apps.core.models import AuditEntry, ImportRun
from apps.declarations.models import IndicatorValue, Standard
from apps.enterprises.models import Enterprise
from tests.imports.conftest import USCC_A, USCC_B, snapshot

pytestmark = pytest.mark.django_db

VALUES = (
    "uscc,standard_no,indicator_code,value\n"
    f"{USCC_A},Q/JDQ 001-2026,APF,5.30\n"
    f"{USCC_A},Q/JDQ 001-2026,NOISE,-3.5\n"
    f"{USCC_A},Q/JDQ 002-2026,EFF,88\n"
)


@pytest.fixture
def everything(run_import, standards):
    assert run_import("key_areas", "year,category_code\n2026,C-AC\n2026,C-RICE\n").code == 0
    assert run_import("indicator_values", VALUES).code == 0


def export(kind, tmp_path, name=None, **options):
    path = tmp_path / (name or f"{kind}.csv")
    out = io.StringIO()
    call_command("export_csv", kind, str(path), stdout=out, **options)
    return path, out.getvalue().strip()


@pytest.mark.parametrize(
    ("kind", "count"),
    [
        ("enterprises", 2),
        ("categories", 2),
        ("key_areas", 2),
        ("indicators", 3),
        ("standards", 3),
        ("indicator_values", 3),
    ],
)
@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_each_kind_round_trips(run_import, everything, tmp_path, kind, count, extension):
    before = snapshot()
    path, message = export(kind, tmp_path, name=f"{kind}.{extension}")
    assert message == f"{kind}: exported {count}"
    outcome = run_import(kind, path)
    assert (outcome.code, outcome.out) == (0, f"{kind}: created 0, updated 0, unchanged {count}")
    assert snapshot() == before


@pytest.mark.parametrize("kind", ["enterprises", "standards", "indicators"])
def test_chinese_header_export_round_trips(run_import, everything, tmp_path, kind):
    path, _message = export(kind, tmp_path, headers="zh")
    assert run_import(kind, path).out.endswith(
        "created 0, updated 0, unchanged "
        + str({"enterprises": 2, "standards": 3, "indicators": 3}[kind])
    )


def test_importing_twice_changes_nothing(run_import, everything):
    outcome = run_import("indicator_values", VALUES)
    assert outcome.out == "indicator_values: created 0, updated 0, unchanged 3"
    assert IndicatorValue.objects.count() == 3


def test_changed_rows_are_updated_and_counted(run_import, everything):
    outcome = run_import(
        "indicator_values",
        "uscc,standard_no,indicator_code,value\n"
        f"{USCC_A},Q/JDQ 001-2026,APF,5.3000\n"
        f"{USCC_A},Q/JDQ 001-2026,NOISE,41\n"
        f"{USCC_B},T/CAS 100-2025,APF,6\n",
    )
    assert outcome.out == "indicator_values: created 1, updated 1, unchanged 1"
    values = {
        (v.standard.standard_no, v.indicator.code): str(v.value)
        for v in IndicatorValue.objects.select_related("standard", "indicator")
    }
    assert values == {
        ("Q/JDQ 001-2026", "APF"): "5.300000",
        ("Q/JDQ 001-2026", "NOISE"): "41.000000",
        ("Q/JDQ 002-2026", "EFF"): "88.000000",
        ("T/CAS 100-2025", "APF"): "6.000000",
    }


def test_updates_and_absent_optional_columns(run_import, everything):
    Enterprise.objects.filter(uscc=USCC_A).update(address="北京市海淀区中关村大街1号")
    outcome = run_import(
        "enterprises",
        f"uscc,name\n{USCC_A},北京甲电器股份有限公司\n{USCC_B},北京乙科技有限公司\n",
    )
    assert outcome.out == "enterprises: created 0, updated 1, unchanged 1"
    enterprise = Enterprise.objects.get(uscc=USCC_A)
    # Columns not in the file keep their values.
    assert (enterprise.name, enterprise.district, enterprise.address) == (
        "北京甲电器股份有限公司",
        "haidian",
        "北京市海淀区中关村大街1号",
    )
    # An empty cell in a column that is present clears it.
    outcome = run_import("enterprises", f"uscc,name,address\n{USCC_A},北京甲电器股份有限公司,\n")
    assert outcome.out == "enterprises: created 0, updated 1, unchanged 0"
    assert Enterprise.objects.get(uscc=USCC_A).address == ""


def test_standard_abolished_by_import_gets_its_date_and_is_never_republished(
    run_import, everything
):
    content = "uscc,standard_no,name,category_code,published_on,status\n{uscc},Q/JDQ 001-2026,房间空气调节器,C-AC,2026-03-15,{status}\n"
    assert run_import("standards", content.format(uscc=USCC_A, status="废止")).out == (
        "standards: created 0, updated 1, unchanged 0"
    )
    abolished_on = Standard.objects.get(standard_no="Q/JDQ 001-2026").abolished_on
    assert abolished_on is not None
    # Statuses move only forward (CONTRACT.md §2): abolished -> public is refused.
    outcome = run_import("standards", content.format(uscc=USCC_A, status="public"))
    assert (outcome.code, outcome.lines) == (
        1,
        ["row 2, column status: 当前状态“废止”的标准不能变为“公开”"],
    )
    standard = Standard.objects.get(standard_no="Q/JDQ 001-2026")
    assert (standard.status, standard.abolished_on) == ("abolished", abolished_on)


def test_dry_run_reports_counts_and_writes_nothing(run_import, catalogue):
    before = snapshot()
    outcome = run_import(
        "indicators",
        "category_code,code,name,direction\nC-AC,APF,新名称,higher\nC-AC,SEER,季节能效比,higher\n",
        dry_run=True,
    )
    assert (outcome.code, outcome.out.splitlines()) == (
        0,
        ["indicators: created 1, updated 1, unchanged 0", "dry run: nothing written"],
    )
    assert snapshot() == before
    run = ImportRun.objects.latest("id")
    assert (run.dry_run, run.status, run.created, run.updated) == (True, "validated", 1, 1)


def test_every_import_is_recorded_and_writes_are_audited(run_import, catalogue, tmp_path):
    import hashlib

    content = "code,name,sector\nC-NEW,新类别,emerging\n"
    run_import("categories", content)
    run = ImportRun.objects.latest("id")
    assert (run.kind, run.file_name, run.source, run.status, run.created) == (
        "categories",
        "data.csv",
        "command",
        "succeeded",
        1,
    )
    assert run.sha256 == hashlib.sha256(content.encode()).hexdigest()
    assert run.finished_at is not None
    entry = AuditEntry.objects.get(action="import.categories", object_id=str(run.pk))
    assert entry.changes["created"] == [None, 1]


def test_export_neutralises_formula_injection_and_round_trips(run_import, catalogue, tmp_path):
    content = "code,name,sector\nC-F1,=SUM(A1:A9),emerging\nC-F2,+86 电话,emerging\nC-F3,@cmd,emerging\nC-F4,-1,emerging\n"
    assert run_import("categories", content).code == 0
    path, _message = export("categories", tmp_path)
    text = path.read_bytes()
    assert text.startswith(b"\xef\xbb\xbf")
    lines = text.decode("utf-8-sig").splitlines()
    assert lines[:1] == ["code,name,sector,kind"]
    assert "C-F1,'=SUM(A1:A9),emerging,product" in lines
    assert "C-F2,'+86 电话,emerging,product" in lines
    assert "C-F3,'@cmd,emerging,product" in lines
    assert "C-F4,'-1,emerging,product" in lines
    assert run_import("categories", path).out == "categories: created 0, updated 0, unchanged 6"
    assert Category.objects.get(code="C-F1").name == "=SUM(A1:A9)"


def test_xlsx_export_is_neutralised_too(run_import, catalogue, tmp_path):
    run_import("categories", "code,name,sector\nC-F1,=1+1,emerging\n")
    path, _message = export("categories", tmp_path, name="c.xlsx")
    sheet = load_workbook(path, read_only=True).worksheets[0]
    assert ["C-F1", "'=1+1", "emerging", "product"] in [
        list(row) for row in sheet.iter_rows(values_only=True)
    ]


def test_export_filters(run_import, everything, tmp_path):
    assert run_import("key_areas", "year,category_code\n2025,C-AC\n").code == 0
    path, message = export("key_areas", tmp_path, year=2025)
    assert message == "key_areas: exported 1"
    assert path.read_text(encoding="utf-8-sig").splitlines() == ["year,category_code", "2025,C-AC"]
    path, message = export("standards", tmp_path, year=2025)
    assert (
        path.read_text(encoding="utf-8-sig").splitlines()[1].startswith(f"{USCC_B},T/CAS 100-2025")
    )
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="不支持选项：--scheme"):
        export("standards", tmp_path, scheme="S-1")
    assert KeyArea.objects.count() == 3


def test_draft_standards_are_not_exported(run_import, everything, tmp_path):
    Standard.objects.filter(standard_no="Q/JDQ 002-2026").update(status="draft")
    _path, message = export("standards", tmp_path)
    assert message == "standards: exported 2"
    assert Indicator.objects.count() == 3
