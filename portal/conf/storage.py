"""Choose where artefacts (built docs, task files) are stored.

Local disk under the var directory by default; any S3 API (AWS, SeaweedFS, MinIO)
when ``S3_BUCKET`` is set. Static files always go through WhiteNoise, so the web
process serves them itself in both modes.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from portal.conf.environ import env_bool, env_str

__all__ = ["storage_settings"]

STATICFILES_BACKEND = "whitenoise.storage.CompressedManifestStaticFilesStorage"


def storage_settings(environ: Mapping[str, str], var_dir: Path) -> dict[str, Any]:
    """Return Django's ``STORAGES``."""
    return {
        "default": _default_storage(environ, var_dir),
        "staticfiles": {"BACKEND": STATICFILES_BACKEND},
    }


def _default_storage(environ: Mapping[str, str], var_dir: Path) -> dict[str, Any]:
    bucket = env_str(environ, "S3_BUCKET")
    if not bucket:
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(var_dir / "storage")},
        }
    options: dict[str, Any] = {
        "bucket_name": bucket,
        "location": env_str(environ, "S3_PREFIX"),
        "default_acl": None,
        "file_overwrite": True,
        "querystring_auth": True,
    }
    endpoint = env_str(environ, "S3_ENDPOINT_URL")
    if endpoint:
        options["endpoint_url"] = endpoint
    region = env_str(environ, "S3_REGION")
    if region:
        options["region_name"] = region
    if env_bool(environ, "S3_FORCE_PATH_STYLE", default=bool(endpoint)):
        options["addressing_style"] = "path"
    # Credentials come from boto3's own chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY,
    # a profile, or an instance role), so Greenroom never stores them itself.
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
