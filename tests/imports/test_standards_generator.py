"""bench/standards_csv.py writes files the portal imports as they are (CONTRACT.md §2)."""

import csv

import pytest

from apps.core.uscc import uscc_problem
from apps.declarations.models import Standard
from bench.standards_csv import generate

pytestmark = pytest.mark.django_db


def test_generated_files_import_in_order_and_every_standard_is_searchable(run_import, tmp_path):
    files = generate(tmp_path / "generated", 3000, seed=5)
    paths = files["paths"]
    with paths["enterprises"].open(encoding="utf-8") as handle:
        usccs = [row[0] for row in list(csv.reader(handle))[1:]]
    assert [uscc for uscc in usccs if uscc_problem(uscc)] == []
    assert len(set(usccs)) == len(usccs) == files["enterprises"]
    for kind, count in (("categories", 12), ("enterprises", len(usccs)), ("standards", 3000)):
        outcome = run_import(kind, paths[kind])
        assert (outcome.code, outcome.out) == (
            0,
            f"{kind}: created {count}, updated 0, unchanged 0",
        )
    names = list(Standard.objects.values_list("name", flat=True))
    lengths = sorted(len(name) for name in names)
    assert lengths[0] <= 6 and lengths[-1] >= 30  # short and long names both occur
    assert Standard.objects.filter(search_text__isnull=True).count() == 0
    assert Standard.objects.filter(status="abolished").exists()
    # The same seed gives the same files.
    again = generate(tmp_path / "again", 3000, seed=5)["paths"]
    assert again["standards"].read_bytes() == paths["standards"].read_bytes()
