"""The codebase keeps the promises a newcomer relies on: every document a docstring, comment
or page cites exists."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
SOURCES = [
    *ROOT.glob("apps/**/*.py"),
    *ROOT.glob("config/**/*.py"),
    *ROOT.glob("bench/**/*.py"),
    *ROOT.glob("scripts/**/*.py"),
    *ROOT.glob("tests/**/*.py"),
    ROOT / "README.md",
    *ROOT.glob("docs/*.md"),
    ROOT / "Makefile",
]
CITED_DOC = re.compile(
    r"(?<![\w/.])(?<!a )((?:docs|bench|apps|tests|scripts|config)/[\w/.-]+\.(?:md|py))"
)


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def test_every_cited_file_exists():
    missing = []
    for path in SOURCES:
        if "migrations" in path.parts:
            continue
        for cited in CITED_DOC.findall(_text(path)):
            if "*" in cited or "<" in cited:
                continue
            if not (ROOT / cited).exists():
                missing.append(f"{path.relative_to(ROOT)} cites {cited}")
    assert missing == []


def test_the_design_notes_are_cited_by_their_copies_in_docs():
    """The design folder's notes live outside the repository; the code cites docs/style.md
    and docs/domain.md, the team's copies."""
    bare = re.compile(r"(?<![\w/])(STYLE|DOMAIN)\.md")
    offenders = [
        str(path.relative_to(ROOT))
        for path in SOURCES
        if path.name not in {"domain.md", "style.md", "CONTRACT.md"} and bare.search(_text(path))
    ]
    assert offenders == []
