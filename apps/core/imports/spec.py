"""What an import or export kind is, declared as data, and the registry apps add theirs to.

An app declares a kind in `apps/<app>/imports.py` and calls `register(kind)`; core discovers
those modules at start-up (`CoreConfig.ready`) and never imports an app itself.

An import kind has:
- `columns`: the file's columns, each with its Chinese alias, parser, required flag, default;
- `key`: the columns that identify a row (its natural key; the same key twice is an error);
- `joins` and `resolved`: SQL that resolves references for every staged row at once. The raw
  staged row is `s` (one column per file column, already parsed), e.g.
  `LEFT JOIN catalog_category cat ON cat.code = s.category_code` with
  `resolved={"category_id": "cat.id"}`;
- `checks`: rules over the staged rows as SQL, each a query on `import_stage` returning
  `row_no` and the message's arguments, one result row per problem;
- `row_rules`: Python rules over one row's parsed values (cross-column rules);
- `stage_rules`: Python rules over all staged rows at once, after the SQL checks, for rules
  another app's service already states (e.g. a scheme's criteria taken together); each is
  called with the cursor and the set of row numbers that already have a problem (to leave
  them out) and yields `(row_no, column, message)`;
- `target_key` / `fields`: how the staged row maps onto the target table (`table`), used to
  classify rows as created/updated/unchanged and to merge them in SQL. `on_insert` and
  `on_update` add columns on those statements; their expressions see the staged row as `st`
  and the existing row as `t`;
- `status_rule`, for a kind with a status: the (stored, new) statuses it may write and the
  message for any other pair (CONTRACT.md §2, statuses move only forward; `StatusRule`).
`target_may_exist`, optional, is SQL over the joins that is false where a staged row cannot
have an existing target row (e.g. its standard has no values yet): the look-up is skipped.
`preview_values`, optional, adds values to each previewed row beside its key: name -> SQL over
the staged row (e.g. the new and the stored score).
A kind whose rows cannot be merged in plain SQL overrides `write`.

A `Workspace` is an import a role makes from its own pages rather than the admin: a
registered kind narrowed, run by run, to what that person may write (e.g. an evaluator's
scores of one scheme, `apps/evaluators/score_upload.py`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils.translation import gettext as _

from apps.core.imports.parsers import NULL, Parser, Text
from apps.core.imports.references import insert_new_rows
from apps.core.workflow import Pair, pairs_sql

RowRule = Callable[[dict[str, Any]], Iterable[tuple[str, str]]]

STAGE_RAW = "import_stage_raw"
STAGE = "import_stage"
TIMESTAMPS_ON_INSERT = {"created_at": "now()", "updated_at": "now()"}


@dataclass(frozen=True)
class Column:
    name: str
    label: str  # the Chinese title, accepted as an alias of `name` in a header
    parser: Parser = field(default_factory=Text)
    required: bool = False
    default: Any = None  # an empty optional cell: this value (None: "" for text, else NULL)
    help: str = ""

    @property
    def empty_value(self) -> Any:
        if self.default is None and self.parser.sql_type == "text":
            return ""
        return self.default

    def header(self, language: str = "en") -> str:
        return self.label if language.startswith("zh") else self.name

    @property
    def default_copy(self) -> str:
        value = self.empty_value
        return NULL if value is None else self.parser.copy(value)


@dataclass(frozen=True)
class Field:
    """A target table column: `expr` computes it from the staged row. `column` names the file
    column it comes from: when that column is absent from a file, existing rows keep their
    value (and a new row gets the column's default)."""

    target: str
    expr: str
    column: str | None = None


@dataclass(frozen=True)
class Check:
    """A rule over all staged rows: `sql` selects `row_no` and the arguments of `message`
    from `import_stage` (one result row per problem); `column` is the column reported."""

    column: str
    sql: str
    message: str


@dataclass(frozen=True)
class StatusRule:
    """Statuses move only forward (CONTRACT.md §2). `pairs` are the (stored, new) statuses an
    import may write, derived from the app's transition table by
    `apps.core.workflow.forward_pairs`; `message(stored, new)` is the text the app's
    status-changing service gives for any other move. The same status is always allowed
    (unchanged). `stored` is SQL for the stored status over the existing target row `t` (a
    kind with its own `stage_sql` selects it as `_stored_status` itself). Rows without a
    stored status (new rows) are not checked, nor files without the status column (existing
    rows keep their status)."""

    pairs: frozenset[Pair]
    message: Callable[[str, str], str]
    stored: str = "t.status"
    column: str = "status"

    def sql(self) -> str:
        # One pass over the staged rows; the allowed pairs are a hashed list.
        return (
            f'SELECT row_no, _stored_status::text, "{self.column}"::text FROM {STAGE} '
            f'WHERE _stored_status::text <> "{self.column}"::text '
            f'AND (_stored_status::text, "{self.column}"::text) NOT IN {pairs_sql(self.pairs)} '
            "ORDER BY row_no"
        )


@dataclass(frozen=True)
class ExportFilter:
    """An export option (`--year`, `--scheme`): a SQL condition with a `%s` placeholder."""

    condition: str
    parser: Parser = field(default_factory=Text)


class ExportKind(ABC):
    """Something `export_csv KIND PATH` can write: a header and rows of values."""

    name: str
    label: str
    columns: list[Column]
    filters: dict[str, ExportFilter]

    def headers(self, language: str = "en") -> list[str]:
        return [column.header(language) for column in self.columns]

    @abstractmethod
    def rows(self, filters: dict[str, Any], pks: list[int] | None = None) -> Iterator[list[str]]:
        """The rows to write, each a list of cell texts, for the given filters (or pks)."""


@dataclass
class SqlExport(ExportKind):
    """An export defined by a query returning the columns in order. `sql` contains `{where}`
    where the filter conditions go (as `WHERE ...` or nothing)."""

    name: str
    label: str
    columns: list[Column]
    sql: str
    filters: dict[str, ExportFilter] = field(default_factory=dict)
    pk_expr: str | None = None
    condition: str = ""  # always applied, e.g. leave drafts out

    def rows(self, filters: dict[str, Any], pks: list[int] | None = None) -> Iterator[list[str]]:
        conditions, params = [self.condition] if self.condition else [], []
        for name, value in filters.items():
            if value is None:
                continue
            conditions.append(self.filters[name].condition)
            params.append(value)
        if pks is not None and self.pk_expr:
            conditions.append(f"{self.pk_expr} = ANY(%s)")
            params.append(list(pks))
        where = ("WHERE " + " AND ".join(conditions)) if conditions else ""
        parsers = [column.parser for column in self.columns]
        with transaction.atomic(), connection.chunked_cursor() as cursor:
            cursor.itersize = 5000
            cursor.execute(self.sql.format(where=where), params)
            for record in cursor:
                yield [parser.export(value) for parser, value in zip(parsers, record, strict=True)]


@dataclass
class ImportKind(SqlExport):
    table: str = ""
    key: tuple[str, ...] = ()
    target_key: list[Field] = field(default_factory=list)
    fields: list[Field] = field(default_factory=list)
    joins: str = ""
    resolved: dict[str, str] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    row_rules: list[RowRule] = field(default_factory=list)
    stage_rules: list[Callable[[Any, set[int]], Iterable[tuple[int, str, str]]]] = field(
        default_factory=list
    )
    on_insert: dict[str, str] = field(default_factory=dict)
    on_update: list[Field] = field(default_factory=list)
    status_rule: StatusRule | None = None
    target_may_exist: str = ""
    preview_values: dict[str, str] = field(default_factory=dict)
    # Triggers on INSERT into `table` that leave the kind's new rows alone (see
    # `references.insert_new_rows`).
    insert_triggers_standing_aside: tuple[str, ...] = ()
    # New rows go to fresh pages, not into the gaps of old ones (`pages.on_fresh_pages`):
    # for kinds whose rows are written smaller than the table's usual row.
    fresh_pages: bool = False
    description: str = ""
    example: list[list[str]] = field(default_factory=list)

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)

    # -- SQL the engine runs -------------------------------------------------------------

    def stage_sql(self, present: set[str]) -> str:
        selects = ["s.*"]
        selects += [f"{expr} AS {alias}" for alias, expr in self.resolved.items()]
        selects += [f"{item.expr} AS _k_{item.target}" for item in self.target_key]
        selects += [f"{item.expr} AS _f_{item.target}" for item in self.fields]
        compared = [
            f"t.{item.target} IS DISTINCT FROM {item.expr}"
            for item in self.fields
            if item.column is None or item.column in present
        ]
        changed = f"(t.id IS NOT NULL AND ({' OR '.join(compared)}))" if compared else "false"
        selects += ["t.id AS _target_id", f"{changed} AS _changed"]
        if self.status_rule is not None:
            selects.append(f"{self.status_rule.stored} AS _stored_status")
        conditions = [f"t.{item.target} = {item.expr}" for item in self.target_key]
        if self.target_may_exist:
            conditions.insert(0, self.target_may_exist)  # a one-time filter before the probe
        match = " AND ".join(conditions)
        # The existing row, if any, by its key's unique index: one probe per staged row. (A
        # plain join lets the planner hash the staged rows and pass over the whole target
        # table, 15.8 M indicator values at national scale, to find a few.)
        return (
            f"CREATE TEMP TABLE {STAGE} AS SELECT {', '.join(selects)} "
            f"FROM {STAGE_RAW} s {self.joins} LEFT JOIN LATERAL "
            f"(SELECT * FROM {self.table} t WHERE {match} LIMIT 1) t ON true"
        )

    def write(self, cursor, present: set[str]) -> None:
        """Merge the staged rows into the target table (all rows are valid here)."""
        updates = [
            f"{item.target} = st._f_{item.target}"
            for item in self.fields
            if item.column is None or item.column in present
        ]
        updates += [
            f"{item.target} = {item.expr}"
            for item in self.on_update
            if item.column is None or item.column in present
        ]
        if updates:
            cursor.execute(
                f"UPDATE {self.table} t SET {', '.join(updates)} FROM {STAGE} st "
                "WHERE t.id = st._target_id AND st._changed"
            )
        columns = [item.target for item in self.target_key + self.fields]
        values = [f"st._k_{item.target}" for item in self.target_key]
        values += [f"st._f_{item.target}" for item in self.fields]
        columns += list(self.on_insert)
        values += list(self.on_insert.values())
        # In key order: the new rows then reach the target's indexes (and, where the
        # per-row foreign-key checks run, those the referenced rows) in order rather than at
        # random (the staging table is in whatever order its joins left it).
        order = ", ".join(f"st._k_{item.target}" for item in self.target_key) or "st.row_no"
        insert_new_rows(
            cursor,
            self.table,
            columns,
            values,
            f"FROM {STAGE} st WHERE st._target_id IS NULL",
            order,
            self.insert_triggers_standing_aside,
            self.fresh_pages,
        )


Narrow = Callable[[ImportKind, dict, Any], ImportKind]


@dataclass(frozen=True)
class Workspace:
    """An import made from a role's workspace (not the admin, which needs `core.import_data`).
    `narrow(kind, scope, actor)` returns the registered `kind` with the workspace's own rules
    added for this person and scope (which rows they may write, as `stage_rules`); every
    validation and every write of such a run uses the narrowed kind
    (`apps.core.imports.services`), so those rules cannot be skipped. The workspace's service
    checks that the person may use it at all before it stores an upload."""

    name: str
    kind: str
    narrow: Narrow


_IMPORTS: dict[str, ImportKind] = {}
_EXPORTS: dict[str, ExportKind] = {}
_WORKSPACES: dict[str, Workspace] = {}


def register_workspace(workspace: Workspace) -> Workspace:
    _WORKSPACES[workspace.name] = workspace
    return workspace


def get_workspace(name: str) -> Workspace:
    try:
        return _WORKSPACES[name]
    except KeyError:
        raise LookupError(_("未知的工作台导入“%(name)s”") % {"name": name}) from None


def register(kind: ExportKind) -> ExportKind:
    """Register an import kind (also exportable) or an export-only kind."""
    if isinstance(kind, ImportKind):
        _IMPORTS[kind.name] = kind
    _EXPORTS[kind.name] = kind
    return kind


def import_kinds() -> dict[str, ImportKind]:
    return dict(sorted(_IMPORTS.items()))


def export_kinds() -> dict[str, ExportKind]:
    return dict(sorted(_EXPORTS.items()))


def get_import_kind(name: str) -> ImportKind:
    try:
        return _IMPORTS[name]
    except KeyError:
        raise LookupError(
            _("未知的导入类型“%(kind)s”；可用：%(kinds)s")
            % {"kind": name, "kinds": ", ".join(sorted(_IMPORTS))}
        ) from None


def get_export_kind(name: str) -> ExportKind:
    try:
        return _EXPORTS[name]
    except KeyError:
        raise LookupError(
            _("未知的导出类型“%(kind)s”；可用：%(kinds)s")
            % {"kind": name, "kinds": ", ".join(sorted(_EXPORTS))}
        ) from None
