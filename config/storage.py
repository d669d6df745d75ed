"""Where uploaded files live (STORAGES["default"]), chosen by the environment.

- `MEDIA_STORAGE=filesystem` (default): a folder, `MEDIA_ROOT`. Enough for one application
  server; several need it shared (an NFS mount) or object storage.
- `MEDIA_STORAGE=s3`: an S3-compatible bucket through django-storages (AWS S3, MinIO, Ceph,
  or a cloud provider's S3-compatible service): every web server and worker reads and writes
  the same files. The bucket stays private (`default_acl` private, signed URLs): the portal
  serves each file from a permission-checked view (apps/core/uploads.py), never by a link to
  the bucket.

Every upload and download goes through Django's storage API (`FieldFile.save/open`,
`storage.delete`), never a path (tests/core/test_shared_media.py runs them on a storage that
has none).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path


def media_storage(environ: Mapping[str, str], *, default_root: Path | str = "") -> dict:
    kind = environ.get("MEDIA_STORAGE", "filesystem").strip().lower() or "filesystem"
    if kind == "filesystem":
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": environ.get("MEDIA_ROOT") or str(default_root)},
        }
    if kind != "s3":
        raise ValueError(f"MEDIA_STORAGE must be filesystem or s3, not {kind!r}")
    bucket = environ.get("AWS_STORAGE_BUCKET_NAME", "")
    if not bucket:
        raise ValueError("MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME")
    options = {
        "bucket_name": bucket,
        # Key prefix inside the bucket.
        "location": environ.get("AWS_LOCATION", "media"),
        "default_acl": "private",
        "querystring_auth": True,
        # Stored names are random (apps/core/uploads.random_name): never overwrite one.
        "file_overwrite": False,
        "signature_version": environ.get("AWS_S3_SIGNATURE_VERSION", "s3v4"),
    }
    optional = {
        "endpoint_url": "AWS_S3_ENDPOINT_URL",  # MinIO, Ceph, another S3-compatible service
        "region_name": "AWS_S3_REGION_NAME",
        "access_key": "AWS_ACCESS_KEY_ID",  # unset: boto3's own chain (instance role, ...)
        "secret_key": "AWS_SECRET_ACCESS_KEY",
        "addressing_style": "AWS_S3_ADDRESSING_STYLE",  # "path" for most MinIO set-ups
    }
    for option, variable in optional.items():
        if environ.get(variable):
            options[option] = environ[variable]
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
