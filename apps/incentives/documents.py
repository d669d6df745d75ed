"""Checks on uploaded application documents: the content decides the type, not the name."""

import hashlib

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from apps.core import uploads
from apps.core.formatting import megabytes

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
KINDS = (uploads.PDF, uploads.PNG, uploads.JPEG)  # decided by content (apps/core/uploads)


def inspect_upload(upload, *, label: str) -> tuple[str, str]:
    """(content type, sha256) of an upload whose bytes are a PDF, PNG or JPEG file under the
    size limit; otherwise a ValidationError naming the document."""
    size = getattr(upload, "size", None) or 0
    if size == 0:
        raise ValidationError(_("“%(label)s”：上传的文件是空的") % {"label": label})
    if size > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            _("“%(label)s”：文件不能超过 %(limit)d MB，当前为 %(size)s MB")
            % {
                "label": label,
                "limit": MAX_DOCUMENT_BYTES // (1024 * 1024),
                "size": megabytes(size),
            }
        )
    kind = uploads.kind_by_content(upload, KINDS)
    if kind is None:
        raise ValidationError(
            _("“%(label)s”：文件内容不是 PDF、PNG 或 JPEG，请上传扫描件或 PDF 文件")
            % {"label": label}
        )
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return kind.content_type, digest.hexdigest()


def document_filename(upload, *, content_type: str, default: str) -> str:
    """The name kept for display: the user's, cleaned, with the sniffed type's extension."""
    kind = next(kind for kind in KINDS if kind.content_type == content_type)
    return uploads.filename_for(getattr(upload, "name", ""), kind, default=default)
