import datetime

import pytest
from django.core.management import call_command

from apps.leaders.models import Leader
from apps.leaders.services.rankings import ranking_compile
from tests.factories.evaluators import (
    StandardFactory,
    approved_scheme,
    evaluator_user,
    indicator_values,
)
from tests.factories.leaders import LeaderCategoryFactory

pytestmark = pytest.mark.django_db


def run_import(tmp_path, text, *args):
    path = tmp_path / "leaders.csv"
    path.write_text(text, encoding="utf-8")
    try:
        call_command("import_csv", "leaders", str(path), *args)
    except SystemExit as exit_:
        return exit_.code
    return 0


@pytest.fixture
def standard():
    return StandardFactory(category=LeaderCategoryFactory(), standard_no="Q/LP 001-2025")


def test_import_leaders_creates_active_titles_valid_one_year(tmp_path, standard, capsys):
    csv = (
        "year,uscc,standard_no,category_code,published_on\n"
        f"2025,{standard.enterprise.uscc},Q/LP 001-2025,C-AC,2025-12-01\n"
    )
    assert run_import(tmp_path, csv) == 0
    assert "leaders: created 1, updated 0, unchanged 0" in capsys.readouterr().out
    leader = Leader.objects.get()
    assert (leader.status, leader.source, leader.valid_until) == (
        "active",
        "import",
        datetime.date(2026, 11, 30),
    )
    assert len(leader.verification_code) == 12
    assert run_import(tmp_path, csv) == 0
    assert "leaders: created 0, updated 0, unchanged 1" in capsys.readouterr().out


def test_import_leaders_with_chinese_headers_and_revoked_status(tmp_path, standard):
    csv = (
        "年度,统一社会信用代码,标准编号,类别代码,发布日期,状态\n"
        f"2025,{standard.enterprise.uscc},Q/LP 001-2025,C-AC,2025/12/1,revoked\n"
    )
    assert run_import(tmp_path, csv) == 0
    leader = Leader.objects.get()
    assert leader.status == "revoked" and leader.revoked_on is not None


def test_import_leaders_reports_every_bad_row_and_writes_nothing(tmp_path, standard, capsys):
    other = StandardFactory(standard_no="Q/OT 001-2025")
    csv = (
        "year,uscc,standard_no,category_code,published_on\n"
        f"2025,{standard.enterprise.uscc},Q/LP 001-2025,C-AC,2025-12-01\n"
        f"2025,{standard.enterprise.uscc},Q/NONE 9-2025,C-AC,2025-12-01\n"
        f"2025,{other.enterprise.uscc},Q/OT 001-2025,C-AC,2025-12-01\n"
        f"2025,{standard.enterprise.uscc},Q/LP 001-2025,C-XX,2025-13-01\n"
    )
    assert run_import(tmp_path, csv) == 1
    err = capsys.readouterr()
    output = err.out + err.err
    assert (
        f"row 3, column standard_no: 企业 {standard.enterprise.uscc} "
        "没有编号为 Q/NONE 9-2025 的已声明标准" in output
    )
    assert "row 4, column category_code: 标准 Q/OT 001-2025 不属于类别 C-AC" in output
    assert "row 5, column published_on:" in output
    assert not Leader.objects.exists()


def test_leaders_export_round_trips(tmp_path, standard, capsys):
    csv = (
        "year,uscc,standard_no,category_code,published_on,status,rank,score\n"
        f"2025,{standard.enterprise.uscc},Q/LP 001-2025,C-AC,2025-12-01,active,1,93.33\n"
    )
    run_import(tmp_path, csv)
    out = tmp_path / "out.csv"
    call_command("export_csv", "leaders", str(out), year=2025)
    capsys.readouterr()
    call_command("import_csv", "leaders", str(out))
    assert "leaders: created 0, updated 0, unchanged 1" in capsys.readouterr().out


def test_ranking_export_lists_entries_in_order(tmp_path):
    scheme = approved_scheme(code="S-EXPORT")
    evaluator = evaluator_user(scheme.agency)
    standard = StandardFactory(category=scheme.category, standard_no="=HYPERLINK(1)")
    indicator_values(standard, EFF=96, NOISE=44, STANDBY="0.4")
    below = StandardFactory(category=scheme.category)
    indicator_values(below, EFF=10, NOISE=44, STANDBY="0.4")
    from apps.evaluators.models import Assessment, SchemeCriterion

    for code in ("Q1", "Q2"):
        for s in (standard, below):
            Assessment.objects.create(
                scheme=scheme,
                standard=s,
                evaluator=evaluator,
                criterion=SchemeCriterion.objects.get(scheme=scheme, criterion_code=code),
                score=50,
            )
    ranking_compile(scheme=scheme)
    out = tmp_path / "ranking.csv"
    call_command("export_csv", "ranking", str(out), scheme="S-EXPORT")
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == "rank,uscc,enterprise,standard_no,score,candidate,excluded_reason"
    assert (
        lines[1]
        == f"1,{standard.enterprise.uscc},{standard.enterprise.name},'=HYPERLINK(1),80.00,false,"
    )
    assert (
        lines[2] == f",{below.enterprise.uscc},{below.enterprise.name},{below.standard_no},,"
        "false,below_baseline"
    )
