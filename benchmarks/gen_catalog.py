#!/usr/bin/env python3
"""Deterministic Backstage catalog generator (stdlib only).

This reproduces, byte for byte, the output of the shared benchmark generator used
for the measurements of a real Backstage catalog backend, so ingestion numbers taken
on this project compare directly with those. The project keeps its own copy because
it may not depend on the shared material at run time;
tests/catalog/input/test_gen_catalog.py checks that both write the same bytes.

Writes a multi-document catalog YAML with exactly N entities plus a JSON manifest of
what a server must expose once ingestion is complete (counts per kind, expected
relations of sample entities, query words):

    python3 benchmarks/gen_catalog.py --n 10000 --out catalog-10000.yaml \\
        [--manifest catalog-10000.manifest.json] [--seed 42]

The same (N, seed) always gives the same bytes: only ``random.Random(seed)`` is used,
no clock, no hash randomisation, no unordered iteration.

Proportions (rounded, with minimums so a small N still works): Group ~N/50 (a tree
of parents and children), User ~N/5 (member of 1-2 groups), Domain ~N/250, System
~N/20 (domain and owner), Component ~N/2 (owner, system, provided and consumed APIs,
dependencies on components and resources, tags, annotations, links), API ~N/5
(openapi with a small inline definition), Resource = the remainder (~N/40).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
from collections.abc import Callable
from typing import Any

__all__ = ["GENERATOR_VERSION", "build_manifest", "generate", "main", "render"]

GENERATOR_VERSION = 1

WORDS = [
    "payments", "billing", "identity", "search", "catalog", "checkout",
    "inventory", "shipping", "notifications", "analytics", "ledger",
    "pricing", "orders", "accounts", "profile", "auth", "gateway", "media",
    "reporting", "fraud", "loyalty", "recommendations", "booking", "quotes",
    "invoices", "ratings", "messaging", "scheduler", "storage", "metrics",
    "audit", "compliance", "onboarding", "feeds", "maps", "telemetry",
]  # fmt: skip
COMP_SUFFIX = {
    "service": ["service", "api-server", "worker", "processor", "backend"],
    "website": ["web", "ui", "portal", "dashboard"],
    "library": ["lib", "sdk", "client", "utils"],
}
COMP_TYPES = [("service", 55), ("website", 20), ("library", 25)]
LIFECYCLES = [("production", 60), ("experimental", 25), ("deprecated", 15)]
TAGS = [
    "java", "python", "go", "nodejs", "typescript", "kotlin", "rust",
    "grpc", "rest", "graphql", "kafka", "postgres", "redis", "critical",
    "pci", "gdpr", "internal", "public", "legacy", "beta",
]  # fmt: skip
RESOURCE_TYPES = ["database", "s3-bucket", "queue", "cache", "topic"]
GROUP_TYPES_TOP = "business-unit"
GROUP_TYPES = [("department", 30), ("team", 70)]
FIRST = [
    "alex", "sam", "maria", "li", "noah", "emma", "omar", "yuki", "ivan",
    "sara", "lucas", "mia", "arjun", "chen", "fatima", "jonas", "ana",
    "tom", "nina", "diego", "lea", "kofi", "ines", "pavel",
]  # fmt: skip
LAST = [
    "smith", "garcia", "muller", "rossi", "kim", "nguyen", "silva", "khan",
    "novak", "dubois", "tanaka", "jensen", "costa", "ivanova", "okafor",
    "larsen", "moreau", "weber", "santos", "fischer",
]  # fmt: skip
#: Words of the full-text benchmark query; they appear in names and titles.
FULLTEXT_WORDS = ["payments", "ledger", "telemetry"]
V1 = "backstage.io/v1alpha1"

Entity = dict[str, Any]


class Literal:
    """A string written as a YAML literal block (``|``)."""

    def __init__(self, text: str) -> None:
        self.text = text


def weighted(rng: random.Random, choices: list[tuple[str, int]]) -> str:
    total = sum(weight for _, weight in choices)
    pick = rng.randrange(total)
    for value, weight in choices:
        if pick < weight:
            return value
        pick -= weight
    raise AssertionError


# YAML output ---------------------------------------------------------------------------
def quoted(text: str) -> str:
    """Double-quoted YAML scalar (JSON string syntax is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return quoted(str(value))


def emit(obj: Any, indent: int, out: list[str]) -> None:
    pad = "  " * indent
    if isinstance(obj, dict):
        for key, value in obj.items():
            name = key if all(c.isalnum() or c in "-_./" for c in key) else quoted(key)
            if isinstance(value, Literal):
                out.append(f"{pad}{name}: |\n")
                for line in value.text.rstrip("\n").split("\n"):
                    out.append(f"{pad}  {line}\n" if line else "\n")
            elif isinstance(value, dict | list):
                empty = "{}" if isinstance(value, dict) else "[]"
                if not value:
                    out.append(f"{pad}{name}: {empty}\n")
                else:
                    out.append(f"{pad}{name}:\n")
                    emit(value, indent + 1, out)
            else:
                out.append(f"{pad}{name}: {scalar(value)}\n")
    elif isinstance(obj, list):
        for value in obj:
            if isinstance(value, dict):
                sub: list[str] = []
                emit(value, indent + 1, sub)
                out.append(f"{pad}- {sub[0][len(pad) + 2 :]}")
                out.extend(sub[1:])
            else:
                out.append(f"{pad}- {scalar(value)}\n")
    else:
        raise TypeError(type(obj))


def render(entities: list[Entity], n: int, seed: int) -> bytes:
    """The catalog file: a header comment, then one document per entity."""
    out = [f"# Generated by gen_catalog.py v{GENERATOR_VERSION} n={n} seed={seed}. Do not edit.\n"]
    for entity in entities:
        out.append("---\n")
        emit(entity, 0, out)
    return "".join(out).encode("utf-8")


# Generation ----------------------------------------------------------------------------
def plan_counts(n: int) -> dict[str, int]:
    if n < 100:
        raise SystemExit("N must be >= 100")
    counts = {
        "Group": max(3, round(n / 50)),
        "User": round(n / 5),
        "Domain": max(2, round(n / 250)),
        "System": max(2, round(n / 20)),
        "Component": round(n / 2),
        "API": round(n / 5),
    }
    counts["Resource"] = n - sum(counts.values())
    assert counts["Resource"] >= 1, counts
    return counts


def openapi_definition(title: str, word: str, version: str) -> str:
    return (
        f"openapi: 3.0.0\ninfo:\n  title: {title}\n  version: {version}\npaths:\n"
        f"  /{word}:\n    get:\n      summary: List {word}\n"
        "      responses:\n        '200':\n          description: OK\n"
        f"  /{word}/{{id}}:\n    get:\n      summary: Get one {word} item\n"
        "      parameters:\n        - name: id\n          in: path\n"
        "          required: true\n          schema:\n            type: string\n"
        "      responses:\n        '200':\n          description: OK\n"
        "        '404':\n          description: Not found\n"
    )


def meta(
    name: str,
    title: str | None = None,
    description: str | None = None,
    tags: list[str] | None = None,
    annotations: dict[str, str] | None = None,
    links: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    fields = {
        "title": title,
        "description": description,
        "annotations": annotations,
        "tags": tags,
        "links": links,
    }
    return {"name": name, **{key: value for key, value in fields.items() if value}}


def generate(n: int, seed: int) -> tuple[list[Entity], dict[str, int]]:
    """The N entities, in output order, and the count of each kind."""
    rng = random.Random(seed)
    counts = plan_counts(n)
    entities: list[Entity] = []
    teams = _groups(rng, counts["Group"], entities)

    def owner() -> str:
        return f"group:default/{rng.choice(teams)}"

    _users(rng, counts["User"], teams, entities)
    domains = []
    for i in range(counts["Domain"]):
        word = WORDS[i % len(WORDS)]
        name = f"dom-{word}-{i:04d}"
        entities.append(
            {
                "apiVersion": V1,
                "kind": "Domain",
                "metadata": meta(
                    name,
                    title=f"{word.capitalize()} domain",
                    description=f"Everything about {word}",
                ),
                "spec": {"owner": owner()},
            }
        )
        domains.append((name, word))
    systems = []
    for i in range(counts["System"]):
        domain, domain_word = domains[rng.randrange(len(domains))]
        word = rng.choice(WORDS)
        name = f"sys-{word}-{i:05d}"
        entities.append(
            {
                "apiVersion": V1,
                "kind": "System",
                "metadata": meta(
                    name,
                    title=f"{word.capitalize()} system {i}",
                    description=f"{word} capabilities within the {domain_word} domain",
                ),
                "spec": {"owner": owner(), "domain": f"domain:default/{domain}"},
            }
        )
        systems.append(name)
    resources = []
    for i in range(counts["Resource"]):
        rtype = RESOURCE_TYPES[i % len(RESOURCE_TYPES)]
        word = rng.choice(WORDS)
        resources.append((f"res-{word}-{rtype}-{i:05d}", rtype, word))
    _components_and_apis(rng, counts, systems, resources, owner, entities)
    for i, (name, rtype, word) in enumerate(resources):
        entities.append(
            {
                "apiVersion": V1,
                "kind": "Resource",
                "metadata": meta(
                    name, title=f"{word} {rtype} {i}", description=f"{rtype} used by {word}"
                ),
                "spec": {
                    "type": rtype,
                    "owner": owner(),
                    "system": f"system:default/{systems[rng.randrange(len(systems))]}",
                },
            }
        )
    assert len(entities) == n, (len(entities), n)
    return entities, counts


def _groups(rng: random.Random, count: int, entities: list[Entity]) -> list[str]:
    """A tree of groups; parents are earlier groups, biased to recent ones (depth)."""
    n_top = max(1, min(5, count // 10))
    groups = [f"grp-{rng.choice(WORDS)}-{i:05d}" for i in range(count)]
    parent = {groups[i]: groups[rng.randrange(max(0, i - 25), i)] for i in range(n_top, count)}
    children: dict[str, list[str]] = {group: [] for group in groups}
    for group, up in parent.items():
        children[up].append(group)
    for i, group in enumerate(groups):
        gtype = GROUP_TYPES_TOP if i < n_top else weighted(rng, GROUP_TYPES)
        word = group.split("-")[1]
        spec: dict[str, Any] = {
            "type": gtype,
            "profile": {
                "displayName": f"{word.capitalize()} {gtype.replace('-', ' ')} {i}",
                "email": f"{group}@example.com",
            },
        }
        if group in parent:
            spec["parent"] = f"group:default/{parent[group]}"
        spec["children"] = [f"group:default/{child}" for child in children[group]]
        entities.append(
            {
                "apiVersion": V1,
                "kind": "Group",
                "metadata": meta(group, description=f"The {word} {gtype}"),
                "spec": spec,
            }
        )
    return groups


def _users(rng: random.Random, count: int, teams: list[str], entities: list[Entity]) -> None:
    for i in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        name = f"{first}.{last}.{i:05d}"
        k = 1 if rng.random() < 0.8 else 2
        member = sorted(set(rng.sample(teams, k)))
        entities.append(
            {
                "apiVersion": V1,
                "kind": "User",
                "metadata": meta(name),
                "spec": {
                    "profile": {
                        "displayName": f"{first.capitalize()} {last.capitalize()}",
                        "email": f"{name}@example.com",
                    },
                    "memberOf": [f"group:default/{m}" for m in member],
                },
            }
        )


def _components_and_apis(
    rng: random.Random,
    counts: dict[str, int],
    systems: list[str],
    resources: list[tuple[str, str, str]],
    owner: Callable[[], str],
    entities: list[Entity],
) -> None:
    """Components, then APIs; each API is provided by exactly one service component."""
    ncomp, napi, nres = counts["Component"], counts["API"], len(resources)
    comps, comp_words, comp_sys = [], [], []
    for i in range(ncomp):
        ctype = weighted(rng, COMP_TYPES)
        word = rng.choice(WORDS)
        suffix = rng.choice(COMP_SUFFIX[ctype])
        comps.append((f"{word}-{suffix}-{i:05d}", ctype))
        comp_words.append(word)
        comp_sys.append(systems[rng.randrange(len(systems))])
    services = [i for i, (_, ctype) in enumerate(comps) if ctype == "service"] or list(range(ncomp))
    apis = []
    provided: dict[int, list[str]] = {i: [] for i in range(ncomp)}
    for j in range(napi):
        ci = services[rng.randrange(len(services))]
        name = f"{comp_words[ci]}-api-{j:05d}"
        apis.append((name, comp_words[ci], ci))
        provided[ci].append(name)
    for i, (name, ctype) in enumerate(comps):
        word = comp_words[i]
        tags = sorted(set(rng.sample(TAGS, rng.randint(1, 4))))
        consumes = sorted({apis[rng.randrange(napi)][0] for _ in range(rng.randint(0, 3))})
        consumes = [api for api in consumes if api not in provided[i]]
        deps = set()
        for _ in range(rng.randint(0, 3)):
            other = rng.randrange(ncomp)
            if other != i:
                deps.add(f"component:default/{comps[other][0]}")
        if ctype == "service" and rng.random() < 0.5:
            deps.add(f"resource:default/{resources[rng.randrange(nres)][0]}")
        annotations = {
            "github.com/project-slug": f"example-org/{name}",
            "backstage.io/techdocs-ref": "dir:.",
            "backstage.io/source-location": f"url:https://github.com/example-org/{name}/tree/main/",
        }
        if ctype == "service":
            digest = hashlib.sha1(name.encode()).hexdigest()
            annotations["pagerduty.com/service-id"] = "P" + digest[:6].upper()
        spec = {
            "type": ctype,
            "lifecycle": weighted(rng, LIFECYCLES),
            "owner": owner(),
            "system": f"system:default/{comp_sys[i]}",
        }
        if provided[i]:
            spec["providesApis"] = [f"api:default/{api}" for api in provided[i]]
        if consumes:
            spec["consumesApis"] = [f"api:default/{api}" for api in consumes]
        if deps:
            spec["dependsOn"] = sorted(deps)
        entities.append(
            {
                "apiVersion": V1,
                "kind": "Component",
                "metadata": meta(
                    name,
                    title=f"{word.capitalize()} {ctype} {i}",
                    description=f"The {word} {ctype} ({name}) handles {word} "
                    f"for the {comp_sys[i]} system.",
                    tags=tags,
                    annotations=annotations,
                    links=[{"url": f"https://{name}.example.com/dashboard", "title": "Dashboard"}],
                ),
                "spec": spec,
            }
        )
    for j, (name, word, ci) in enumerate(apis):
        title = f"{word.capitalize()} API {j}"
        entities.append(
            {
                "apiVersion": V1,
                "kind": "API",
                "metadata": meta(
                    name,
                    title=title,
                    description=f"REST API for {word}",
                    tags=["rest", word if len(word) <= 63 else "api"],
                ),
                "spec": {
                    "type": "openapi",
                    "lifecycle": weighted(rng, LIFECYCLES),
                    "owner": owner(),
                    "system": f"system:default/{comp_sys[ci]}",
                    "definition": Literal(openapi_definition(title, word, f"1.{j % 10}.0")),
                },
            }
        )


# Manifest ------------------------------------------------------------------------------
def ref(kind: str, name: str) -> str:
    return f"{kind.lower()}:default/{name}".lower()


_RELATION_FIELDS = [
    ("providesApis", "providesApi", "apiProvidedBy"),
    ("consumesApis", "consumesApi", "apiConsumedBy"),
    ("dependsOn", "dependsOn", "dependencyOf"),
    ("memberOf", "memberOf", "hasMember"),
]


def expected_relations(entities: list[Entity]) -> set[tuple[str, str, str]]:
    """The relations Backstage's BuiltinKindsEntityProcessor emits (both directions)."""
    relations = set()

    def add(source: str, forward: str, target: str, backward: str) -> None:
        relations.add((source, forward, target.lower()))
        relations.add((target.lower(), backward, source))

    for entity in entities:
        kind, spec = entity["kind"], entity["spec"]
        me = ref(kind, entity["metadata"]["name"])
        if "owner" in spec:
            add(me, "ownedBy", spec["owner"], "ownerOf")
        if kind in ("Component", "API", "Resource") and "system" in spec:
            add(me, "partOf", spec["system"], "hasPart")
        if kind == "System" and "domain" in spec:
            add(me, "partOf", spec["domain"], "hasPart")
        for field, forward, backward in _RELATION_FIELDS:
            for target in spec.get(field, []):
                add(me, forward, target, backward)
        if kind == "Group":
            if "parent" in spec:
                add(me, "childOf", spec["parent"], "parentOf")
            for child in spec.get("children", []):
                add(me, "parentOf", child, "childOf")
    return relations


def build_manifest(
    entities: list[Entity], counts: dict[str, int], n: int, seed: int, yaml_sha: str
) -> dict[str, Any]:
    relations = expected_relations(entities)
    by_source: dict[str, list[str]] = {}
    for source, rtype, target in relations:
        by_source.setdefault(source, []).append(f"{rtype}|{target}")
    names_by_kind: dict[str, list[str]] = {}
    for entity in entities:
        names_by_kind.setdefault(entity["kind"], []).append(entity["metadata"]["name"])
    # Samples checked for readiness: the last entity of each kind (written last, so
    # usually processed last) and the entities with the most relations.
    samples = [
        ref(kind, names_by_kind[kind][-1])
        for kind in ["Group", "User", "Domain", "System", "Component", "API", "Resource"]
    ]
    for busy in sorted(by_source, key=lambda r: (-len(by_source[r]), r))[:5]:
        if busy not in samples:
            samples.append(busy)
    components = names_by_kind["Component"]
    rng = random.Random(seed + 1)
    return {
        "generator_version": GENERATOR_VERSION,
        "n": n,
        "seed": seed,
        "yaml_sha256": yaml_sha,
        "counts": counts,
        "total_relations": len(relations),
        "samples": {r: sorted(by_source.get(r, [])) for r in samples},
        "bench": {
            "by_name_components": [components[rng.randrange(len(components))] for _ in range(1000)],
            "fulltext_words": FULLTEXT_WORDS,
            "service_components": sum(
                1 for e in entities if e["kind"] == "Component" and e["spec"]["type"] == "service"
            ),
            "apis": counts["API"],
        },
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--n", type=int, required=True)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", required=True)
    parser.add_argument("--manifest")
    args = parser.parse_args(argv)
    entities, counts = generate(args.n, args.seed)
    data = render(entities, args.n, args.seed)
    with open(args.out, "wb") as handle:
        handle.write(data)
    sha = hashlib.sha256(data).hexdigest()
    manifest = build_manifest(entities, counts, args.n, args.seed, sha)
    manifest_path = args.manifest or (args.out.rsplit(".", 1)[0] + ".manifest.json")
    with open(manifest_path, "w") as handle:
        json.dump(manifest, handle, indent=1, sort_keys=True)
        handle.write("\n")
    summary = {
        "out": args.out,
        "manifest": manifest_path,
        "bytes": len(data),
        "sha256": sha,
        "counts": counts,
        "total_relations": manifest["total_relations"],
    }
    print(json.dumps(summary), file=sys.stderr)


if __name__ == "__main__":
    main()
