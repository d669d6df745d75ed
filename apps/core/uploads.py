"""Uploaded files: check what they are, store them under random names, serve them safely.

Every upload path of the portal goes through here (docs/security.md, "Malicious uploads"):
- `check_upload` looks at the bytes, not the name or the browser's content type: a PDF must
  start with `%PDF-`, an .xlsx with the ZIP signature, a CSV must be text; markup (HTML, SVG,
  XML) is refused whatever it is called; the size is limited.
- `random_name` makes the stored name: a random hex name with the expected extension, so no
  part of the user's filename reaches the file system. The media folder (MEDIA_ROOT) is
  outside the web root and no URL serves it directly.
- `safe_filename` cleans the user's filename for display and for the download's
  `Content-Disposition`; `filename_for` also gives it the extension of the sniffed kind
  (`kind_by_content`), so a PDF sent as `evil.html` is kept and served as `evil.pdf`.
- `stored_files` saves and deletes stored files together with the database transaction: a
  failure removes the files it saved and keeps the ones the database still names; a replaced
  or dropped file is deleted only once the transaction commits.
- `attachment_response` serves a stored file from a permission-checked view: always as an
  attachment, `nosniff`, and a sandboxing CSP should a browser render it anyway.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import PurePosixPath, PureWindowsPath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from apps.core.formatting import megabytes


@dataclass(frozen=True)
class FileKind:
    extension: str
    label: str
    magic: tuple[bytes, ...] = ()  # the file starts with one of these; empty: text
    content_type: str = "application/octet-stream"


PDF = FileKind(".pdf", "PDF", (b"%PDF-",), "application/pdf")
XLSX = FileKind(
    ".xlsx",
    "Excel（.xlsx）",
    (b"PK\x03\x04",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
CSV = FileKind(".csv", "CSV", (), "text/csv")
PNG = FileKind(".png", "PNG", (b"\x89PNG\r\n\x1a\n",), "image/png")
JPEG = FileKind(".jpg", "JPEG", (b"\xff\xd8\xff",), "image/jpeg")
_BY_CONTENT_TYPE = {kind.content_type: kind for kind in (PDF, XLSX, CSV, PNG, JPEG)}

# Markup a browser would render (and run scripts in) if it ever displayed the file.
_MARKUP = re.compile(
    rb"^\s*(<\?xml|<!doctype|<html|<svg|<script|<body|<head|<iframe|<!--)", re.IGNORECASE
)
_UNSAFE_CHARS = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*;]')


def safe_filename(name: str | None, *, default: str = "file", max_length: int = 120) -> str:
    """A filename fit to show and to put in a download header: the last path part (of a
    Windows or POSIX path), NFC, without control characters, quotes, path or shell
    separators, and without leading dots; `default` if nothing is left."""
    text = unicodedata.normalize("NFC", str(name or ""))
    text = PureWindowsPath(PurePosixPath(text).name).name
    text = _UNSAFE_CHARS.sub("_", text)
    text = re.sub(r"\s+", " ", text).strip().lstrip(".").strip()
    if not text or set(text) <= {"_", " ", "."}:
        return default
    if len(text) > max_length:
        stem, dot, extension = text.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            text = stem[: max_length - len(extension) - 1] + "." + extension
        else:
            text = text[:max_length]
    return text


def filename_for(name: str | None, kind: FileKind, *, default: str = "file") -> str:
    """The user's filename cleaned (`safe_filename`) with the extension of the kind the
    content was found to be: a PDF uploaded as `evil.html` is kept and served as `evil.pdf`."""
    text = safe_filename(name, default=default)
    stem, dot, _extension = text.rpartition(".")
    return (stem if dot and stem else text) + kind.extension


def kind_by_content(upload, kinds: tuple[FileKind, ...]) -> FileKind | None:
    """The first of `kinds` (with a signature) the upload's bytes start with; the name and
    the browser's content type play no part."""
    head = _head(upload, 16)
    return next((kind for kind in kinds if kind.magic and head.startswith(kind.magic)), None)


def random_name(folder: str, extension: str) -> str:
    """`folder/<32 hex>.ext`: what a stored upload is called on disk."""
    extension = extension.lower()
    if not re.fullmatch(r"\.[a-z0-9]{1,10}", extension):
        raise ValueError(f"bad extension {extension!r}")
    return f"{folder.strip('/')}/{uuid.uuid4().hex}{extension}"


def _head(upload, size: int = 1024) -> bytes:
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    head = upload.read(size)
    upload.seek(position)
    return head


def check_upload(upload, *, kinds: tuple[FileKind, ...], max_bytes: int) -> FileKind:
    """The kind the upload is, by its extension and its content; `ValidationError` with a
    message for the user otherwise."""
    name = str(getattr(upload, "name", "") or "")
    extension = PurePosixPath(name.lower()).suffix
    allowed = {kind.extension: kind for kind in kinds}
    kind = allowed.get(extension)
    if kind is None:
        raise ValidationError(
            _("不支持的文件类型“%(ext)s”：请上传 %(allowed)s 文件")
            % {"ext": extension or name[:40], "allowed": "、".join(k.label for k in kinds)},
            code="file_type",
        )
    size = upload.size
    if size is None or size > max_bytes:
        raise ValidationError(
            _("文件过大（%(size)s MB）：不能超过 %(limit)d MB")
            % {"size": megabytes(size or 0), "limit": max_bytes // 2**20},
            code="file_size",
        )
    if size == 0:
        raise ValidationError(_("文件是空的"), code="file_empty")
    head = _head(upload)
    if kind.magic:
        if not head.startswith(kind.magic):
            raise ValidationError(
                _("文件内容不是 %(label)s（文件头不符），请上传真正的 %(label)s 文件")
                % {"label": kind.label},
                code="file_content",
            )
    elif _MARKUP.match(head.removeprefix(b"\xef\xbb\xbf")):
        raise ValidationError(
            _("文件内容是网页或图形标记（HTML/SVG/XML），不是 %(label)s 文件")
            % {"label": kind.label},
            code="file_markup",
        )
    return kind


@dataclass
class StoredFiles:
    """The files one database transaction writes and drops (see `stored_files`)."""

    _saved: list = field(default_factory=list)

    def save(self, field_file, name: str, content) -> None:
        field_file.save(name, content, save=False)
        self._saved.append((field_file.storage, field_file.name))

    def delete_on_commit(self, storage, name: str | None) -> None:
        if name:
            transaction.on_commit(lambda: storage.delete(name))

    def _remove_saved(self) -> None:
        for storage, name in self._saved:
            storage.delete(name)


@contextmanager
def stored_files():
    """Use inside `transaction.atomic()`. Storage is not transactional: deleting the old file
    before the new row commits would lose it if anything after fails, and a file saved for a
    row that rolls back would stay behind. So new files go away when the block fails, and old
    ones only once the transaction has committed."""
    files = StoredFiles()
    try:
        yield files
    except BaseException:
        files._remove_saved()
        raise


def attachment_response(fileobj, *, filename: str, content_type: str) -> FileResponse:
    """Serve a stored upload: downloaded, never displayed inline, never sniffed. The
    filename's extension always follows the content type (which the content decided)."""
    kind = _BY_CONTENT_TYPE.get(content_type)
    if kind is not None:
        filename = filename_for(filename, kind, default="download")
    response = FileResponse(
        fileobj,
        as_attachment=True,
        filename=safe_filename(filename, default="download"),
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


# ---- refusing an oversized upload before its body is read -----------------------------------

PDF_MAX_BYTES = 20 * 2**20  # standard texts and objection evidence (one PDF per form)
MULTIPART_OVERHEAD = 2**20  # the other fields and the multipart framing
# Pages whose form carries one PDF: the request may be that PDF plus the other fields.
PDF_FORM_VIEWS = {"declarations:values", "leaders:notice_detail"}
IMPORT_VIEWS = {"admin:core_importrun_upload"}


def request_max_bytes(path: str) -> int:
    """The largest multipart body the page at `path` accepts: an import's file limit for the
    import pages (also django-import-export's admin "import" pages), one PDF for the PDF
    forms, UPLOAD_MAX_REQUEST_BYTES (several documents) for any other form."""
    try:
        view_name = resolve(path).view_name
    except Resolver404:
        view_name = ""
    admin_import = view_name.startswith("admin:") and view_name.endswith("_import")
    if view_name in IMPORT_VIEWS or admin_import:
        return getattr(settings, "IMPORT_MAX_BYTES", 300 * 2**20) + MULTIPART_OVERHEAD
    if view_name in PDF_FORM_VIEWS:
        return PDF_MAX_BYTES + MULTIPART_OVERHEAD
    return settings.UPLOAD_MAX_REQUEST_BYTES
