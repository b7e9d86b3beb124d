"""``manage.py techdocs``: the CI side of TechDocs, with ``techdocs-cli``'s flags.

``generate`` builds a source directory into a site with the same hardened pipeline
the workers use (no database needed); ``publish`` uploads a built site in
Backstage's layout; ``build`` builds and publishes one catalog entity's docs now,
printing the log, and exits non-zero when the build fails.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from techdocs import config
from techdocs.generate.pipeline import generate
from techdocs.generate.problems import DocsProblem
from techdocs.publish import publish_directory, remove_stale
from techdocs.references import Triplet
from techdocs.storage import storage_for

_LEVEL_STYLE = {"warning": "WARNING", "error": "ERROR"}


class Command(BaseCommand):
    help = "Generate, publish and build TechDocs sites (for CI and operators)."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        gen = sub.add_parser("generate", aliases=["build-site"],
                             help="build a docs source directory into a static site")  # fmt: skip
        gen.add_argument("--source-dir", type=Path, default=Path("."),
                         help="folder with mkdocs.yml and docs/ (default: .)")
        gen.add_argument("--output-dir", type=Path, default=Path("site"),
                         help="where the site is written (default: ./site)")
        gen.add_argument("--etag", default="", help="stored in techdocs_metadata.json")
        gen.add_argument("--site-name", default="", help="used when mkdocs.yml has none")
        gen.add_argument("--verbose", "-v", action="store_true", help="print mkdocs' log")
        pub = sub.add_parser("publish", help="upload a built site to the docs storage")
        pub.add_argument("--entity", required=True, help="namespace/kind/name")
        pub.add_argument("--directory", type=Path, default=Path("site"),
                         help="the built site (default: ./site)")
        pub.add_argument("--publisher-type", choices=["local", "awsS3"],
                         help="override techdocs.publisher.type")
        pub.add_argument("--storage-name", help="bucket (awsS3) or directory (local)")
        pub.add_argument("--awsEndpoint", dest="aws_endpoint")
        pub.add_argument("--awsRegion", dest="aws_region")
        pub.add_argument("--awsS3ForcePathStyle", dest="aws_path_style", action="store_true")
        pub.add_argument("--awsBucketRootPath", dest="aws_root")
        build = sub.add_parser("build", help="build and publish one entity's docs now")
        build.add_argument("entity", help="entity ref, e.g. component:default/payments")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, "_" + options["action"].replace("-", "_"))(options)
        except DocsProblem as problem:
            raise CommandError(problem.message) from None

    def _print(self, level: str, message: str) -> None:
        style = getattr(self.style, _LEVEL_STYLE.get(level, ""), None)
        self.stdout.write(style(message) if style else message)

    def _generate(self, options: dict[str, Any]) -> None:
        source: Path = options["source_dir"].resolve()
        output: Path = options["output_dir"].resolve()
        if output.exists() and any(output.iterdir()):
            raise CommandError(f"{output} is not empty; give a new or empty --output-dir")
        log = self._print if options["verbose"] else self._important
        metadata = generate(source, output, site_name=options["site_name"] or source.name,
                            etag=options["etag"], options=config.generator_options(),
                            limits=config.build_limits(), log=log)  # fmt: skip
        self.stdout.write(self.style.SUCCESS(
            f"Generated {len(metadata['files'])} files into {output}"))  # fmt: skip

    _build_site = _generate

    def _important(self, level: str, message: str) -> None:
        if level in ("warning", "error"):
            self._print(level, message)

    def _publish(self, options: dict[str, Any]) -> None:
        try:
            triplet = Triplet.parse(options["entity"])
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        storage = storage_for(_publisher(options))
        keys = publish_directory(storage, triplet, options["directory"].resolve())
        removed = remove_stale(storage, triplet, keys)
        self.stdout.write(self.style.SUCCESS(
            f"Published {len(keys)} files to {triplet.path}/ ({removed} old files removed)"))

    def _build(self, options: dict[str, Any]) -> None:
        from portal.jobs import run_now
        from portal.models import JobLogEntry, JobStatus
        from techdocs.sites import BUILD_JOB, site_of

        try:
            kind, _, rest = options["entity"].partition(":")
            namespace, _, name = rest.rpartition("/")
            triplet = Triplet.of(namespace or "default", kind, name)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        site = site_of(triplet)
        if site is None:
            raise CommandError(f"{triplet.ref} is not in the catalog or has no "
                               "backstage.io/techdocs-ref annotation")  # fmt: skip
        job = run_now(BUILD_JOB, params={"site": site.pk, "force": True})
        for entry in JobLogEntry.objects.filter(job=job).order_by("id"):
            self._print(entry.level, entry.message)
        if job.status != JobStatus.COMPLETED:
            raise CommandError(job.error or f"the build {job.status}")
        self.stdout.write(self.style.SUCCESS(f"Built and published {triplet.path}/"))


def _publisher(options: dict[str, Any]) -> config.Publisher:
    """app-config's publisher with the command line's overrides, as techdocs-cli takes
    them (credentials stay in boto3's chain: AWS_ACCESS_KEY_ID and friends)."""
    publisher = config.publisher()
    kind = options.get("publisher_type") or publisher.type
    if kind == "local":
        directory = options.get("storage_name")
        return dataclasses.replace(publisher, type="local", directory=Path(directory)
                                   if directory else config.local_directory(publisher))  # fmt: skip
    return dataclasses.replace(
        publisher, type="awsS3", bucket=options.get("storage_name") or publisher.bucket,
        endpoint=options.get("aws_endpoint") or publisher.endpoint,
        region=options.get("aws_region") or publisher.region,
        force_path_style=options.get("aws_path_style") or publisher.force_path_style,
        root_path=(options.get("aws_root") or publisher.root_path).strip("/"))  # fmt: skip
