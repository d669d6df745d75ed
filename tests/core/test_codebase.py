"""The codebase keeps the promises a newcomer relies on: every document a docstring, comment
or page cites exists, and no module under apps/ is longer than a newcomer can read in one
sitting (MODULE_LINE_LIMIT lines) unless its docstring says why."""

import ast
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


# A module a newcomer can read in one sitting: past this many lines it is split into a
# package by sub-domain (docs/style.md), e.g. apps/leaders/services/, apps/evaluators/views/.
MODULE_LINE_LIMIT = 500
# A module that must stay longer says why in its docstring, in a sentence starting so.
OVERSIZE_REASON = "Longer than 500 lines because"


def _oversized(path: Path) -> str | None:
    source = _text(path)
    lines = source.count("\n")
    if lines <= MODULE_LINE_LIMIT:
        return None
    docstring = ast.get_docstring(ast.parse(source)) or ""
    if OVERSIZE_REASON in docstring:
        return None
    return f"{path.relative_to(ROOT)}: {lines} lines"


def test_no_module_in_apps_is_over_the_limit_without_its_reason():
    """Large modules hide where things are: every non-migration module under apps/ stays
    within MODULE_LINE_LIMIT lines, or its docstring states why it cannot be split."""
    offenders = [
        problem
        for path in sorted(ROOT.glob("apps/**/*.py"))
        if "migrations" not in path.parts and (problem := _oversized(path))
    ]
    assert offenders == []


def test_the_size_rule_counts_lines_and_accepts_a_stated_reason(tmp_path, monkeypatch):
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    long_body = "x = 1\n" * (MODULE_LINE_LIMIT + 1)
    plain = tmp_path / "plain.py"
    plain.write_text('"""A module."""\n' + long_body, encoding="utf-8")
    assert _oversized(plain) == f"plain.py: {MODULE_LINE_LIMIT + 2} lines"
    reasoned = tmp_path / "reasoned.py"
    reasoned.write_text(
        f'"""A module. {OVERSIZE_REASON} its one table is read as a whole."""\n' + long_body,
        encoding="utf-8",
    )
    assert _oversized(reasoned) is None
    short = tmp_path / "short.py"
    short.write_text(long_body[: -len("x = 1\n") * 2], encoding="utf-8")
    assert _oversized(short) is None


def test_function_level_imports_break_a_real_cycle_and_say_so():
    """An import inside a function hides a dependency: under apps/ it stands only where a
    module-level import would be a cycle (a comment on the line says so), or in
    `AppConfig.ready`, which connects receivers once the apps are loaded."""
    offenders = []
    for path in sorted(ROOT.glob("apps/**/*.py")):
        if "migrations" in path.parts:
            continue
        source = _text(path)
        lines = source.splitlines()
        for function in ast.walk(ast.parse(source)):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            if function.name == "ready":
                continue
            offenders += [
                f"{path.relative_to(ROOT)}:{node.lineno}"
                for node in ast.walk(function)
                if isinstance(node, ast.Import | ast.ImportFrom)
                and "cycle" not in lines[node.end_lineno - 1]
            ]
    assert offenders == []
