"""TechDocs settings from app-config, in Backstage's shape (``techdocs.*``), read when
they are needed so tests and reloads see changes. Each has a documented default."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings

from techdocs.generate.mkdocs_config import GeneratorOptions
from techdocs.generate.sandbox import BuildLimits

__all__ = ["BUILDER_EXTERNAL", "BUILDER_LOCAL", "build_limits", "builder", "generator_options",
           "local_directory", "publisher"]

BUILDER_LOCAL = "local"
BUILDER_EXTERNAL = "external"


def _techdocs() -> dict[str, Any]:
    return settings.APP_CONFIG.get("techdocs") or {}


def builder() -> str:
    """``techdocs.builder``: ``local`` (default: Greenroom builds on first view and when
    the source changed) or ``external`` (CI publishes; Greenroom only serves)."""
    return _techdocs().get("builder") or BUILDER_LOCAL


@dataclass(frozen=True)
class Publisher:
    """Where sites are stored: ``local`` (a directory) or ``awsS3`` (any S3 API)."""

    type: str
    directory: Path | None = None
    bucket: str = ""
    root_path: str = ""
    region: str = ""
    endpoint: str = ""
    force_path_style: bool = False
    access_key_id: str = ""
    secret_access_key: str = ""


def publisher() -> Publisher:
    """``techdocs.publisher``. ``local.publishDirectory`` defaults to
    ``<var>/techdocs``; ``awsS3`` takes Backstage's ``bucketName``, ``bucketRootPath``,
    ``region``, ``endpoint``, ``s3ForcePathStyle`` and ``credentials`` (else boto3's
    own chain: environment, profile, instance role)."""
    configured = _techdocs().get("publisher") or {}
    kind = configured.get("type") or "local"
    if kind == "awsS3":
        s3 = configured.get("awsS3") or {}
        credentials = s3.get("credentials") or {}
        return Publisher(type=kind, bucket=str(s3.get("bucketName") or ""),
                         root_path=str(s3.get("bucketRootPath") or "").strip("/"),
                         region=str(s3.get("region") or ""),
                         endpoint=str(s3.get("endpoint") or ""),
                         force_path_style=s3.get("s3ForcePathStyle") is True,
                         access_key_id=str(credentials.get("accessKeyId") or ""),
                         secret_access_key=str(credentials.get("secretAccessKey") or ""))
    directory = (configured.get("local") or {}).get("publishDirectory")
    return Publisher(type="local", directory=Path(directory) if directory else None)


def local_directory(publisher: Publisher) -> Path:
    """Where a ``local`` publisher writes: ``publishDirectory`` or ``<var>/techdocs``."""
    return publisher.directory or settings.VAR_DIR / "techdocs"


def generator_options() -> GeneratorOptions:
    """``techdocs.generator.mkdocs``: Backstage's ``omitTechdocsCorePlugin``,
    ``dangerouslyAllowAdditionalPlugins``, ``dangerouslyAllowAdditionalExtensions``,
    ``dangerouslyAllowAdditionalKeys`` and ``disableExternalFonts`` (default on here:
    the portal's pages load no third-party fonts)."""
    mkdocs = (_techdocs().get("generator") or {}).get("mkdocs") or {}
    return GeneratorOptions(
        allowed_plugins=frozenset(mkdocs.get("dangerouslyAllowAdditionalPlugins") or ()),
        allowed_extensions=frozenset(mkdocs.get("dangerouslyAllowAdditionalExtensions") or ()),
        allowed_extra_keys=frozenset(mkdocs.get("dangerouslyAllowAdditionalKeys") or ()),
        omit_techdocs_core=mkdocs.get("omitTechdocsCorePlugin") is True,
        disable_external_fonts=mkdocs.get("disableExternalFonts") is not False,
    )


#: Seconds a build leaves before Celery's soft time limit, to record its outcome.
RECORDING_MARGIN = 30


def build_limits() -> BuildLimits:
    """``techdocs.generator.limits``: ``timeout`` (seconds, default 300, at most
    Celery's soft time limit less :data:`RECORDING_MARGIN`, so a slow build is stopped
    and explained by the build, not cut off by the worker) and ``memoryMb`` (default
    2048) of one build."""
    limits = (_techdocs().get("generator") or {}).get("limits") or {}
    defaults = BuildLimits()
    timeout = float(limits.get("timeout") or defaults.timeout_seconds)
    ceiling = (settings.CELERY_TASK_SOFT_TIME_LIMIT or 0) - RECORDING_MARGIN
    return BuildLimits(
        timeout_seconds=min(timeout, ceiling) if ceiling > 0 else timeout,
        memory_bytes=int(limits.get("memoryMb") or defaults.memory_bytes // 2**20) * 2**20,
    )
