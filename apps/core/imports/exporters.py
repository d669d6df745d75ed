"""Writing kinds out: CSV (UTF-8 with BOM so Excel shows Chinese) and XLSX, and templates.

A cell starting with `=`, `+`, `-` or `@` gets a leading `'` so that a spreadsheet never runs
it as a formula; the importer removes that `'` again, so exports round-trip.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from apps.core.imports.spec import ExportKind, ImportKind

FORMULA_PREFIXES = ("=", "+", "-", "@")


def neutralise(cell: str) -> str:
    return "'" + cell if cell.startswith(FORMULA_PREFIXES) else cell


def export_rows(
    kind: ExportKind, *, filters: dict[str, Any] | None = None, pks: list[int] | None = None
) -> Iterator[list[str]]:
    filters = {name: value for name, value in (filters or {}).items() if value is not None}
    unknown = sorted(set(filters) - set(kind.filters))
    if unknown:
        raise ValueError(
            _("导出类型 %(kind)s 不支持选项：%(options)s")
            % {"kind": kind.name, "options": ", ".join(f"--{name}" for name in unknown)}
        )
    return kind.rows(filters, pks)


def write_csv(handle: TextIO, header: list[str], rows: Iterable[list[str]]) -> int:
    """Write `header` and `rows` to a text handle opened with newline=''; returns the count."""
    writer = csv.writer(handle)
    writer.writerow([neutralise(cell) for cell in header])
    count = 0
    for row in rows:
        writer.writerow([neutralise(cell) for cell in row])
        count += 1
    return count


class Echo:
    """A pseudo-buffer for streaming CSV responses: write() returns what was written."""

    def write(self, value: str) -> str:
        return value


def stream_csv(header: list[str], rows: Iterable[list[str]]) -> Iterator[str]:
    """CSV text in pieces, BOM first, for a `StreamingHttpResponse`."""
    writer = csv.writer(Echo())
    yield codecs.BOM_UTF8.decode("utf-8")
    yield writer.writerow([neutralise(cell) for cell in header])
    for row in rows:
        yield writer.writerow([neutralise(cell) for cell in row])


def write_xlsx(path_or_handle, header: list[str], rows: Iterable[list[str]], notes=None) -> int:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("data")
    bold = Font(bold=True)
    cells = []
    for title in header:
        cell = WriteOnlyCell(sheet, value=neutralise(title))
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    count = 0
    for row in rows:
        # Text cells throughout: Excel must not reinterpret codes, dates or long numbers.
        sheet.append([neutralise(cell) for cell in row])
        count += 1
    if notes:
        help_sheet = workbook.create_sheet(_("说明"))
        for line in notes:
            help_sheet.append(line)
    workbook.save(path_or_handle)
    return count


def column_notes(kind: ImportKind) -> list[list[str]]:
    """The template's second sheet: one line per column."""
    lines = [[_("列名"), _("中文列名"), _("必填"), _("说明")]]
    for column in kind.columns:
        lines.append(
            [
                column.name,
                column.label,
                _("是") if column.required else _("否"),
                str(column.help or column.parser.describe()),
            ]
        )
    return lines


def _filename(stem: str, extension: str) -> str:
    return f"{stem}.{extension}"


def export_response(
    kind: ExportKind,
    *,
    filters: dict[str, Any] | None = None,
    pks: list[int] | None = None,
    file_format: str = "csv",
    language: str = "en",
    filename: str | None = None,
):
    """An HTTP download of `kind` (CSV streamed, or XLSX), for the admin and public pages."""
    rows = export_rows(kind, filters=filters, pks=pks)
    header = kind.headers(language)
    stem = filename or kind.name
    if file_format == "xlsx":
        buffer = io.BytesIO()
        write_xlsx(buffer, header, rows)
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{_filename(stem, "xlsx")}"'
        return response
    response = StreamingHttpResponse(stream_csv(header, rows), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{_filename(stem, "csv")}"'
    return response


def template_response(kind: ImportKind, *, file_format: str, language: str):
    """An empty file with the kind's header (and a notes sheet in XLSX), to fill in."""
    header = kind.headers(language)
    stem = f"{kind.name}-template-{language}"
    if file_format == "xlsx":
        buffer = io.BytesIO()
        write_xlsx(buffer, header, [], notes=column_notes(kind))
        response = HttpResponse(
            buffer.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{stem}.xlsx"'
        return response
    response = HttpResponse("".join(stream_csv(header, [])), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
    return response
