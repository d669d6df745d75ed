"""The import engine: stream a file into a staging table, validate, merge; all or nothing.
Longer than 500 lines because the stages share one staging table and its SQL; split, each
part would need the others' column plans.

1. The file is read one row at a time (`readers.RowSource`); each cell is trimmed and parsed
   by its column's parser, and the parsed row is streamed with `COPY` into a temporary
   staging table. Memory use does not grow with the file (only the problems found do).
2. Rules over all rows (duplicate keys, references, a kind's own checks) run as SQL queries
   on the staging table, each producing `row N, column C: message` problems.
3. If there is no problem and this is not a dry run, the kind merges the staged rows into
   its table with set-based SQL, in the same transaction. Otherwise everything is rolled back.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext as _

from apps.core.imports.parsers import NULL, CellError
from apps.core.imports.readers import FileProblem, RowSource
from apps.core.imports.spec import STAGE, STAGE_RAW, ImportKind

ProgressCallback = Callable[[str, float], None]
PREVIEW_ROWS = 200
CACHE_LIMIT = 100_000
FORMULA_PREFIXES = "=+-@"


@dataclass(frozen=True, order=True, slots=True)
class Problem:
    row: int
    position: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"row {self.row}, column {self.column}: {self.message}"


@dataclass
class PreviewRow:
    row: int
    action: str  # "new", "update" or "unchanged"
    key: list[str]
    values: dict[str, str | None] = field(default_factory=dict)  # the kind's preview_values


@dataclass
class ImportResult:
    kind: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    preview: list[PreviewRow] = field(default_factory=list)
    written: bool = False
    omitted: int = 0  # problems beyond IMPORT_MAX_PROBLEMS, counted but not listed

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def summary(self) -> str:
        return (
            f"{self.kind}: created {self.created}, updated {self.updated}, "
            f"unchanged {self.unchanged}"
        )

    def error_lines(self) -> list[str]:
        lines = [str(problem) for problem in self.problems]
        if self.omitted:
            lines.append(
                "row -, column -: "
                + _("另有 %(count)d 个问题未列出：请先改正以上问题") % {"count": self.omitted}
            )
        return lines


class _Problems(list):
    """The problems found, up to a limit (a file that is wrong on every one of a million
    rows must not exhaust memory); the rest are only counted."""

    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit
        self.omitted = 0

    def append(self, problem: Problem) -> None:
        if len(self) < self.limit:
            super().append(problem)
        else:
            self.omitted += 1


class _LineStream:
    """A read()-able view of an iterator of text lines, for `copy_expert`."""

    def __init__(self, lines: Iterator[str]):
        self._lines = lines

    def read(self, size: int = -1) -> str:
        parts, length = [], 0
        for line in self._lines:
            parts.append(line)
            length += len(line)
            if 0 < size <= length:
                break
        return "".join(parts)

    readline = read


_DECORATED = re.compile(r"^(.*?)\s*[\[［(（](.*?)[\]］)）]$")


def _column_for(text: str, known: dict[str, str]) -> str | None:
    """The column a header cell names: `uscc`, `USCC`, `统一社会信用代码`, also as written
    in the documentation (`uscc*`, `uscc [统一社会信用代码]`)."""
    candidates = [text]
    bare = text.rstrip("*＊").strip()
    candidates.append(bare)
    if match := _DECORATED.match(bare):
        candidates += [part.rstrip("*＊").strip() for part in match.groups()]
    for candidate in candidates:
        name = known.get(candidate) or known.get(candidate.casefold())
        if name is not None:
            return name
    return None


class _Run:
    def __init__(self, kind: ImportKind, source: RowSource, progress: ProgressCallback | None):
        self.kind = kind
        self.source = source
        self.progress = progress
        self.problems = _Problems(getattr(settings, "IMPORT_MAX_PROBLEMS", 100_000))
        self.positions: dict[str, int] = {}  # column name -> index in the file
        self.display: dict[str, str] = {}  # column name -> header as written in the file
        self.order = {column.name: index for index, column in enumerate(kind.columns)}
        self.rows = 0
        self.width = 0

    def problem(self, row: int, column: str, message: str) -> None:
        self.problems.append(
            Problem(row, self.order.get(column, -1), self.display.get(column, column), message)
        )

    # -- header --------------------------------------------------------------------------

    def read_header(self, cells: list[str]) -> bool:
        known: dict[str, str] = {}
        for column in self.kind.columns:
            known[column.name.casefold()] = column.name
            known[column.label] = column.name
        self.width = len(cells)
        self.unlabelled: list[int] = []
        for index, cell in enumerate(cells):
            text = cell.strip().lstrip("\ufeff").strip()
            if not text:
                self.unlabelled.append(index)
                continue
            name = _column_for(text, known)
            if name is None:
                self.problems.append(
                    Problem(
                        1,
                        index,
                        text,
                        _("未知的列“%(column)s”；此类数据可用的列：%(columns)s")
                        % {
                            "column": text,
                            "columns": ", ".join(
                                f"{c.name} [{c.label}]" for c in self.kind.columns
                            ),
                        },
                    )
                )
            elif name in self.positions:
                self.problems.append(
                    Problem(
                        1,
                        index,
                        text,
                        _("列“%(column)s”重复：与第 %(first)d 列是同一列")
                        % {"column": text, "first": self.positions[name] + 1},
                    )
                )
            else:
                self.positions[name] = index
                self.display[name] = text
        # Problems in a row are listed in the file's column order.
        self.order.update(
            {name: index for name, index in self.positions.items()},
        )
        for offset, column in enumerate(self.kind.columns):
            if column.name not in self.positions:
                self.order[column.name] = len(cells) + offset
        if not self.positions and not self.problems:
            self.problems.append(Problem(1, -1, "-", _("表头为空：第 1 行应为列名")))
            return False
        for column in self.kind.columns:
            if column.required and column.name not in self.positions:
                self.problems.append(
                    Problem(
                        1,
                        self.order[column.name],
                        column.name,
                        _("缺少必填列 %(name)s（%(label)s）")
                        % {"name": column.name, "label": column.label},
                    )
                )
        return not self.problems

    # -- rows ----------------------------------------------------------------------------

    def _converter(self, column, with_values: bool):
        """text -> (ok, COPY text or message, value), as fast as the column allows."""
        parser = column.parser
        if column.required:
            empty = (False, _("必填，不能为空"), None)
        else:
            empty = (True, column.default_copy, column.empty_value)

        def convert_slow(text: str):
            text = text.strip()
            if len(text) > 1 and text[0] == "'" and text[1] in FORMULA_PREFIXES:
                text = text[1:]  # undo the export's formula-injection guard
            if not text:
                return empty
            try:
                value = parser.parse(text)
            except CellError as error:
                return (False, error.args[0], None)
            return (True, parser.copy(value), value)

        simple = getattr(parser, "simple", None)
        if simple is not None and with_values:
            simple = None  # the rules need the parsed value
        if parser.cacheable:
            cache: dict[str, tuple] = {}
            plain = simple.fullmatch if simple is not None else None

            def convert_cached(text: str):
                hit = cache.get(text)
                if hit is None:
                    if plain is not None and plain(text):
                        return (True, text, None)  # as cheap as a look-up: not cached
                    if len(cache) >= CACHE_LIMIT:
                        cache.clear()
                    hit = cache[text] = convert_slow(text)
                return hit

            return convert_cached
        if simple is not None:
            # Text already in its canonical form goes to COPY as it is.
            match = simple.fullmatch

            def convert_simple(text: str):
                return (True, text, None) if match(text) else convert_slow(text)

            return convert_simple
        return convert_slow

    def copy_columns(self) -> list[str]:
        """The staging columns in COPY order: row_no, the file's columns, the absent ones."""
        present = [c.name for c in self.kind.columns if c.name in self.positions]
        absent = [c.name for c in self.kind.columns if c.name not in self.positions]
        return ["row_no", *present, *absent]

    def copy_lines(self, rows: Iterator[tuple[int, list[str]]]) -> Iterator[str]:
        rules = self.kind.row_rules
        plan = [
            (
                self.positions[column.name],
                self._converter(column, bool(rules)),
                self.display[column.name],
                self.order[column.name],
                column.name,
            )
            for column in self.kind.columns
            if column.name in self.positions
        ]
        absent = [column for column in self.kind.columns if column.name not in self.positions]
        tail = "".join("\t" + column.default_copy for column in absent) + "\n"
        absent_values = {column.name: column.empty_value for column in absent}
        width = self.width
        unlabelled = self.unlabelled
        problems = self.problems
        surplus = _("此行在没有列名的列中有内容（列数多于表头）")
        try:
            for number, cells in rows:
                if not "".join(cells).strip():
                    continue  # blank lines are not rows
                self.rows += 1
                size = len(cells)
                if (size > width and "".join(cells[width:]).strip()) or (
                    unlabelled and any(cells[i].strip() for i in unlabelled if i < size)
                ):
                    problems.append(Problem(number, -1, "-", surplus))
                parts = [str(number)]
                values: dict[str, Any] | None = dict(absent_values) if rules else None
                for index, convert, display, position, name in plan:
                    ok, out, value = convert(cells[index] if index < size else "")
                    if ok:
                        parts.append(out)
                    else:
                        problems.append(Problem(number, position, display, out))
                        parts.append(NULL)
                    if values is not None:
                        values[name] = value
                if values is not None:
                    for rule in rules:
                        for column_name, message in rule(values):
                            self.problem(number, column_name, message)
                if self.progress is not None and self.rows % 20_000 == 0:
                    self.progress("reading", self.source.progress())
                yield "\t".join(parts) + tail
        except FileProblem as problem:
            problems.append(Problem(problem.row, -1, "-", problem.message))
            self.file_problem = True

    file_problem = False


def _drop_stage(cursor) -> None:
    cursor.execute(
        f"DROP TABLE IF EXISTS pg_temp.{STAGE}; DROP TABLE IF EXISTS pg_temp.{STAGE_RAW}"
    )


def _check_duplicates(run: _Run, cursor) -> None:
    """The same key twice in one file. Rows whose references resolved are compared on the
    target table's key (integers: fast, and it also catches two rows that would write the
    same record); the others on the key as written."""
    key = run.kind.key
    columns = ", ".join(key)
    resolved = " AND ".join(f"_k_{item.target} IS NOT NULL" for item in run.kind.target_key)
    target_key = ", ".join(f"_k_{item.target}" for item in run.kind.target_key)
    not_null = " AND ".join(f"{name} IS NOT NULL" for name in key)
    aggregate = "array_agg(row_no ORDER BY row_no)"
    as_written = (
        f"SELECT {', '.join(f'{name}::text' for name in key)}, {aggregate} FROM {STAGE} "
        f"WHERE {f'NOT ({resolved}) AND ' if resolved else ''}{not_null} "
        f"GROUP BY {columns} HAVING count(*) > 1"
    )
    if resolved:  # kinds with a custom writer may have no target key to compare on
        # The repeated keys first (a hash aggregate over integers), then the rows' details
        # for those keys only: aggregating the texts of every row cost more than the rest.
        repeated = (
            f"SELECT {target_key} FROM {STAGE} WHERE {resolved} "
            f"GROUP BY {target_key} HAVING count(*) > 1"
        )
        as_written = (
            f"SELECT {', '.join(f'min({name}::text)' for name in key)}, {aggregate} "
            f"FROM {STAGE} WHERE ({target_key}) IN ({repeated}) GROUP BY {target_key} "
            f"UNION ALL {as_written}"
        )
    cursor.execute(as_written)
    for record in cursor.fetchall():
        values, rows = record[:-1], record[-1]
        label = " / ".join(str(value) for value in values)
        for row in rows[1:]:
            run.problem(
                row,
                key[0],
                _("与第 %(first)d 行重复：%(key)s 在同一文件中只能出现一次")
                % {"first": rows[0], "key": label},
            )


def _run_checks(run: _Run, cursor) -> None:
    for check in run.kind.checks:
        cursor.execute(check.sql)
        names = [description[0] for description in cursor.description]
        while batch := cursor.fetchmany(10_000):
            for record in batch:
                arguments = dict(zip(names, record, strict=True))
                run.problem(arguments["row_no"], check.column, check.message % arguments)


def _check_statuses(run: _Run, cursor, present: set[str]) -> None:
    """Statuses move only forward (CONTRACT.md §2): a row that would move its stored status
    to one the workflow does not reach from it is invalid, with the service's message."""
    rule = run.kind.status_rule
    if rule is None or rule.column not in present:
        return  # without the column existing rows keep their status
    cursor.execute(rule.sql())
    while batch := cursor.fetchmany(10_000):
        for row_no, stored, new in batch:
            run.problem(row_no, rule.column, rule.message(stored, new))


def run_import(
    kind: ImportKind,
    fileobj: BinaryIO,
    filename: str,
    *,
    size: int | None = None,
    dry_run: bool = False,
    progress: ProgressCallback | None = None,
    preview_rows: int = 0,
) -> ImportResult:
    """Validate `fileobj` as rows of `kind` and, unless `dry_run` or invalid, write them."""
    result = ImportResult(kind=kind.name, dry_run=dry_run)
    try:
        source = RowSource(fileobj, filename, size=size)
    except FileProblem as problem:
        result.problems = [Problem(problem.row, -1, "-", problem.message)]
        return result
    run = _Run(kind, source, progress)
    rows = source.rows()
    try:
        first = next(rows, None)
    except FileProblem as problem:
        result.problems = [Problem(problem.row, -1, "-", problem.message)]
        return result
    if first is None:
        result.problems = [Problem(1, -1, "-", _("文件为空：没有表头，也没有数据行"))]
        return result
    if not run.read_header(first[1]):
        result.problems = sorted(run.problems)
        result.omitted = run.problems.omitted
        return result

    with transaction.atomic(), connection.cursor() as cursor:
        _drop_stage(cursor)
        cursor.execute("SET LOCAL work_mem = '64MB'")
        if not dry_run:
            # Two imports of the same kind never interleave.
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"import:{kind.name}"])
        # Quoted: a column may be named like an SQL keyword (`leading`).
        definitions = ", ".join(f'"{c.name}" {c.parser.sql_type}' for c in kind.columns)
        cursor.execute(f"CREATE TEMP TABLE {STAGE_RAW} (row_no integer, {definitions})")
        columns = ", ".join(f'"{name}"' for name in run.copy_columns())
        cursor.copy_expert(
            f"COPY {STAGE_RAW} ({columns}) FROM STDIN", _LineStream(run.copy_lines(rows)), 65536
        )
        result.rows = run.rows
        if run.rows == 0 and not run.file_problem:
            run.problems.append(Problem(2, -1, "-", _("文件只有表头，没有数据行")))
        if not run.file_problem and run.rows:
            if progress:
                progress("validating", 1.0)
            cursor.execute(f"ANALYZE {STAGE_RAW}")
            present = set(run.positions)
            cursor.execute(kind.stage_sql(present))
            _check_duplicates(run, cursor)
            _run_checks(run, cursor)
            _check_statuses(run, cursor, present)
            if kind.stage_rules:
                bad_rows = {problem.row for problem in run.problems}
                for rule in kind.stage_rules:
                    for row, column, message in rule(cursor, bad_rows):
                        run.problem(row, column, message)
            if not run.problems:
                _count(result, cursor)
                if preview_rows:
                    _preview(result, kind, cursor, preview_rows)
                if not dry_run:
                    if progress:
                        progress("writing", 1.0)
                    kind.write(cursor, present)
                    result.written = True
        result.problems = sorted(run.problems)
        result.omitted = run.problems.omitted
        if result.written:
            _drop_stage(cursor)
        else:
            transaction.set_rollback(True)
    return result


def _count(result: ImportResult, cursor) -> None:
    cursor.execute(
        "SELECT count(*) FILTER (WHERE _target_id IS NULL), count(*) FILTER (WHERE _changed), "
        f"count(*) FILTER (WHERE _target_id IS NOT NULL AND NOT _changed) FROM {STAGE}"
    )
    result.created, result.updated, result.unchanged = cursor.fetchone()


def _preview(result: ImportResult, kind: ImportKind, cursor, limit: int) -> None:
    keys = ", ".join(kind.key)
    extra = "".join(f", ({expr})::text" for expr in kind.preview_values.values())
    cursor.execute(
        f"SELECT row_no, CASE WHEN _target_id IS NULL THEN 'new' WHEN _changed THEN 'update' "
        f"ELSE 'unchanged' END, {keys}{extra} FROM {STAGE} ORDER BY row_no LIMIT %s",
        [limit],
    )
    parsers = [kind.column(name).parser for name in kind.key]
    width = 2 + len(parsers)
    result.preview = [
        PreviewRow(
            row=record[0],
            action=record[1],
            key=[
                parser.export(value) for parser, value in zip(parsers, record[2:width], strict=True)
            ],
            values=dict(zip(kind.preview_values, record[width:], strict=True)),
        )
        for record in cursor.fetchall()
    ]
