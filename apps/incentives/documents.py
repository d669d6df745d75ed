"""Checks on uploaded application documents: the content decides the type, not the name."""

import hashlib

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
SIGNATURES = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
]


def inspect_upload(upload, *, label: str) -> tuple[str, str]:
    """(content type, sha256) of an upload whose bytes are a PDF, PNG or JPEG file under the
    size limit; otherwise a ValidationError naming the document."""
    size = getattr(upload, "size", None) or 0
    if size == 0:
        raise ValidationError(_("“%(label)s”：上传的文件是空的") % {"label": label})
    if size > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            _("“%(label)s”：文件不能超过 %(limit)d MB，当前为 %(size).1f MB")
            % {
                "label": label,
                "limit": MAX_DOCUMENT_BYTES // (1024 * 1024),
                "size": size / (1024 * 1024),
            }
        )
    upload.seek(0)
    head = upload.read(16)
    content_type = next((kind for magic, kind in SIGNATURES if head.startswith(magic)), None)
    if content_type is None:
        raise ValidationError(
            _("“%(label)s”：文件内容不是 PDF、PNG 或 JPEG，请上传扫描件或 PDF 文件")
            % {"label": label}
        )
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return content_type, digest.hexdigest()
