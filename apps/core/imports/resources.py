"""django-import-export on top of the framework, for the admin's import of ordinary files.

The library provides the admin flow (import button, upload form, preview table with
new/update/skip per row, confirm step, temporary storage of the upload); the framework does
the reading, the validation and the writing, with the contract's messages. The library's
own decoding and row-by-row import are not used: `ContractFormat` hands the uploaded bytes
through untouched and `KindResource.import_data` delegates to the engine.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from import_export import resources
from import_export.fields import Field as ResourceField
from import_export.formats.base_formats import Format
from import_export.results import Error, Result, RowResult

from apps.core.imports import services
from apps.core.imports.spec import get_import_kind

ACTIONS = {
    "new": RowResult.IMPORT_TYPE_NEW,
    "update": RowResult.IMPORT_TYPE_UPDATE,
    "unchanged": RowResult.IMPORT_TYPE_SKIP,
}


class Upload:
    """What `ContractFormat` makes of an upload: its bytes, decoded later by the engine."""

    def __init__(self, data: bytes):
        self.data = data

    def __bool__(self) -> bool:
        return True  # an empty file is reported by the engine, in the contract's words


class ContractFormat(Format):
    """`.csv` (UTF-8 or GB18030, detected) or `.xlsx`, by the file's name."""

    def __init__(self, encoding=None):
        self.encoding = encoding  # ignored: the engine detects the encoding

    def get_title(self):
        return "CSV / Excel (.xlsx)"

    def create_dataset(self, in_stream):
        return Upload(in_stream if isinstance(in_stream, bytes) else in_stream.encode())

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def get_extension(self):
        return "csv"

    def get_content_type(self):
        return "text/csv"

    def can_import(self):
        return True

    def can_export(self):
        return False


class ImportProblem(Exception):
    """One `row N, column C: message` line, as a library error."""


class KindResource(resources.Resource):
    kind_name = ""

    @classmethod
    def for_kind(cls, kind_name: str) -> type[KindResource]:
        return type(
            f"{kind_name.title().replace('_', '')}Resource", (cls,), {"kind_name": kind_name}
        )

    @classmethod
    def get_display_name(cls):
        return str(get_import_kind(cls.kind_name).label)

    def get_user_visible_fields(self):
        return [
            ResourceField(column_name=f"{column.name} [{column.label}]")
            for column in get_import_kind(self.kind_name).columns
        ]

    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs):
        kind = get_import_kind(self.kind_name)
        run, outcome = services.import_bytes(
            kind=self.kind_name,
            data=dataset.data,
            file_name=kwargs.get("file_name") or "upload.csv",
            actor=kwargs.get("user"),
            dry_run=dry_run,
        )
        result = Result()
        result.import_run = run
        result.diff_headers = ["row", *kind.key]
        result.total_rows = outcome.rows
        for line in outcome.error_lines():
            result.append_base_error(Error(ImportProblem(line)))
        for preview in outcome.preview:
            row = RowResult()
            row.import_type = ACTIONS[preview.action]
            row.diff = [preview.row, *preview.key]
            result.append_row_result(row)
        result.totals[RowResult.IMPORT_TYPE_NEW] = outcome.created
        result.totals[RowResult.IMPORT_TYPE_UPDATE] = outcome.updated
        result.totals[RowResult.IMPORT_TYPE_SKIP] = outcome.unchanged
        if raise_errors and outcome.problems:
            raise ValidationError(outcome.error_lines())
        return result
