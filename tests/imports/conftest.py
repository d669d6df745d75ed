# ruff: noqa: E501  (exact user-facing messages read best unbroken)
"""Helpers for import tests: write a file, run `import_csv`, capture output and exit code."""

import io
from dataclasses import dataclass

import pytest
from django.core.management import call_command

from apps.catalog.models import Category, Indicator
from apps.enterprises.models import Enterprise
from tests.factories.uscc import make_uscc

CATEGORIES = "code,name,sector,kind\nC-AC,房间空气调节器,consumer_goods,product\nC-RICE,电饭锅,consumer_goods,\n"
INDICATORS = (
    "category_code,code,name,unit,direction,national_value,international_value\n"
    "C-AC,APF,全年能源消耗效率,W·h/W·h,higher,4.00,\n"
    "C-AC,NOISE,室内机噪声,dB(A),lower,42,\n"
    "C-RICE,EFF,热效率,%,higher,80,\n"
)
USCC_A = make_uscc(1)
USCC_B = make_uscc(2)


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploaded import files go to a temporary directory, not the developer's media."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
    }


@dataclass
class Outcome:
    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line]


def write(tmp_path, content, name="data.csv", encoding="utf-8"):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_bytes(content.encode(encoding))
    return path


@pytest.fixture
def run_import(tmp_path):
    """run_import(kind, content, name=..., encoding=..., dry_run=False) -> Outcome."""

    def run(kind, content, name="data.csv", encoding="utf-8", dry_run=False):
        path = (
            content
            if not isinstance(content, (str, bytes))
            else write(tmp_path, content, name, encoding)
        )
        out, err = io.StringIO(), io.StringIO()
        args = ["import_csv", kind, str(path)] + (["--dry-run"] if dry_run else [])
        try:
            call_command(*args, stdout=out, stderr=err)
            code = 0
        except SystemExit as exit_:
            code = exit_.code
        return Outcome(code, out.getvalue().strip(), err.getvalue())

    return run


@pytest.fixture
def catalogue(run_import):
    assert run_import("categories", CATEGORIES).code == 0
    assert run_import("indicators", INDICATORS).code == 0
    return {c.code: c for c in Category.objects.all()}


@pytest.fixture
def enterprises(run_import):
    content = f"uscc,name,district\n{USCC_A},北京甲电器有限公司,海淀区\n{USCC_B},北京乙科技有限公司,chaoyang\n"
    assert run_import("enterprises", content).code == 0
    return list(Enterprise.objects.order_by("uscc"))


@pytest.fixture
def standards(run_import, catalogue, enterprises):
    content = (
        "uscc,standard_no,name,category_code,published_on,status,products\n"
        f"{USCC_A},Q/JDQ 001-2026,房间空气调节器,C-AC,2026-03-15,public,KFR-35GW\n"
        f"{USCC_A},Q/JDQ 002-2026,电饭锅,C-RICE,2026/4/1,,\n"
        f"{USCC_B},T/CAS 100-2025,房间空气调节器团体标准,C-AC,2025-12-01,abolished,\n"
    )
    outcome = run_import("standards", content)
    assert outcome.code == 0, outcome.err
    return outcome


def snapshot():
    """Every row this issue's kinds write, to assert that nothing changed."""
    from apps.catalog.models import KeyArea
    from apps.declarations.models import IndicatorValue, Standard

    return {
        model.__name__: sorted(map(str, model.objects.values_list()))
        for model in (Category, Indicator, KeyArea, Enterprise, Standard, IndicatorValue)
    }
