"""docs/imports.md documents every kind and column, and its example files import cleanly."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from apps.core.imports import import_kinds
from apps.declarations.models import IndicatorValue

pytestmark = pytest.mark.django_db

DOC = Path(settings.BASE_DIR) / "docs" / "imports.md"
EXAMPLE = re.compile(r"Example \(`(\w+)\.csv`\):\n\n```csv\n(.*?)\n```", re.S)


def test_every_kind_and_column_is_documented():
    text = DOC.read_text(encoding="utf-8")
    for name, kind in import_kinds().items():
        assert f"### `{name}`" in text
        for column in kind.columns:
            assert f"| `{column.name}` | {column.label} |" in text


def test_documented_examples_import_in_order(run_import):
    examples = EXAMPLE.findall(DOC.read_text(encoding="utf-8"))
    assert [name for name, _content in examples] == [
        "enterprises",
        "categories",
        "key_areas",
        "indicators",
        "standards",
        "indicator_values",
        "synonyms",
    ]
    for name, content in examples:
        outcome = run_import(name, content + "\n")
        assert (outcome.code, outcome.out) == (0, f"{name}: created 1, updated 0, unchanged 0")
    assert str(IndicatorValue.objects.get().value) == "5.300000"
