#!/usr/bin/env python3
"""Deterministic Backstage catalog generator (stdlib only).

This is the generator the side-by-side benchmarks against a real Backstage catalog
backend use, kept in the project so anyone can run benchmarks/catalog_ingest.py;
tests/catalog/test_gen_catalog.py checks that both write the same bytes.

Writes a multi-document catalog YAML with exactly N entities plus a JSON
manifest describing what a server must expose once ingestion is complete
(counts per kind, expected relations of sample entities, query words).

    python3 gen_catalog.py --n 10000 --out catalog-10000.yaml \
        [--manifest catalog-10000.manifest.json] [--seed 42]

The same (N, seed) always produces byte-identical output (no dict ordering,
clock or hash randomisation is involved; only random.Random(seed)).

Proportions (rounded, minimums so tiny N still works):
  Group ~N/50 (tree: parent/children), User ~N/5 (memberOf 1-2 groups),
  Domain ~N/250, System ~N/20 (domain + owner), Component ~N/2 (owner,
  system, providesApis, consumesApis, dependsOn components/resources, tags,
  annotations, links), API ~N/5 (openapi with a small inline definition),
  Resource = remainder (~N/40).
"""

import argparse
import hashlib
import json
import random
import sys

GENERATOR_VERSION = 1

WORDS = [
    "payments",
    "billing",
    "identity",
    "search",
    "catalog",
    "checkout",
    "inventory",
    "shipping",
    "notifications",
    "analytics",
    "ledger",
    "pricing",
    "orders",
    "accounts",
    "profile",
    "auth",
    "gateway",
    "media",
    "reporting",
    "fraud",
    "loyalty",
    "recommendations",
    "booking",
    "quotes",
    "invoices",
    "ratings",
    "messaging",
    "scheduler",
    "storage",
    "metrics",
    "audit",
    "compliance",
    "onboarding",
    "feeds",
    "maps",
    "telemetry",
]
COMP_SUFFIX = {
    "service": ["service", "api-server", "worker", "processor", "backend"],
    "website": ["web", "ui", "portal", "dashboard"],
    "library": ["lib", "sdk", "client", "utils"],
}
COMP_TYPES = [("service", 55), ("website", 20), ("library", 25)]
LIFECYCLES = [("production", 60), ("experimental", 25), ("deprecated", 15)]
TAGS = [
    "java",
    "python",
    "go",
    "nodejs",
    "typescript",
    "kotlin",
    "rust",
    "grpc",
    "rest",
    "graphql",
    "kafka",
    "postgres",
    "redis",
    "critical",
    "pci",
    "gdpr",
    "internal",
    "public",
    "legacy",
    "beta",
]
RESOURCE_TYPES = ["database", "s3-bucket", "queue", "cache", "topic"]
GROUP_TYPES_TOP = "business-unit"
GROUP_TYPES = [("department", 30), ("team", 70)]
FIRST = [
    "alex",
    "sam",
    "maria",
    "li",
    "noah",
    "emma",
    "omar",
    "yuki",
    "ivan",
    "sara",
    "lucas",
    "mia",
    "arjun",
    "chen",
    "fatima",
    "jonas",
    "ana",
    "tom",
    "nina",
    "diego",
    "lea",
    "kofi",
    "ines",
    "pavel",
]
LAST = [
    "smith",
    "garcia",
    "muller",
    "rossi",
    "kim",
    "nguyen",
    "silva",
    "khan",
    "novak",
    "dubois",
    "tanaka",
    "jensen",
    "costa",
    "ivanova",
    "okafor",
    "larsen",
    "moreau",
    "weber",
    "santos",
    "fischer",
]
# Words used by the full-text benchmark query; they appear in names/titles.
FULLTEXT_WORDS = ["payments", "ledger", "telemetry"]


def weighted(rng, choices):
    total = sum(w for _, w in choices)
    r = rng.randrange(total)
    for value, w in choices:
        if r < w:
            return value
        r -= w
    raise AssertionError


# ----------------------------------------------------------------- YAML out
def q(s):
    """Double-quoted YAML scalar (JSON string syntax is valid YAML)."""
    return json.dumps(s, ensure_ascii=False)


def emit(obj, indent, out):
    pad = "  " * indent
    if isinstance(obj, dict):
        for k, v in obj.items():
            key = k if all(c.isalnum() or c in "-_./" for c in k) else q(k)
            if isinstance(v, Literal):
                out.append(f"{pad}{key}: |\n")
                for line in v.text.rstrip("\n").split("\n"):
                    out.append(f"{pad}  {line}\n" if line else "\n")
            elif isinstance(v, dict):
                if not v:
                    out.append(f"{pad}{key}: {{}}\n")
                else:
                    out.append(f"{pad}{key}:\n")
                    emit(v, indent + 1, out)
            elif isinstance(v, list):
                if not v:
                    out.append(f"{pad}{key}: []\n")
                else:
                    out.append(f"{pad}{key}:\n")
                    emit(v, indent + 1, out)
            else:
                out.append(f"{pad}{key}: {scalar(v)}\n")
    elif isinstance(obj, list):
        for v in obj:
            if isinstance(v, dict):
                sub = []
                emit(v, indent + 1, sub)
                first = sub[0]
                out.append(f"{pad}- {first[len(pad) + 2 :]}")
                out.extend(sub[1:])
            else:
                out.append(f"{pad}- {scalar(v)}\n")
    else:
        raise TypeError(type(obj))


def scalar(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    return q(str(v))


class Literal:
    def __init__(self, text):
        self.text = text


# ------------------------------------------------------------- generation
def plan_counts(n):
    if n < 100:
        raise SystemExit("N must be >= 100")
    c = {
        "Group": max(3, round(n / 50)),
        "User": round(n / 5),
        "Domain": max(2, round(n / 250)),
        "System": max(2, round(n / 20)),
        "Component": round(n / 2),
        "API": round(n / 5),
    }
    c["Resource"] = n - sum(c.values())
    assert c["Resource"] >= 1, c
    return c


def openapi_definition(title, word, version):
    return (
        "openapi: 3.0.0\n"
        "info:\n"
        f"  title: {title}\n"
        f"  version: {version}\n"
        "paths:\n"
        f"  /{word}:\n"
        "    get:\n"
        f"      summary: List {word}\n"
        "      responses:\n"
        "        '200':\n"
        "          description: OK\n"
        f"  /{word}/{{id}}:\n"
        "    get:\n"
        f"      summary: Get one {word} item\n"
        "      parameters:\n"
        "        - name: id\n"
        "          in: path\n"
        "          required: true\n"
        "          schema:\n"
        "            type: string\n"
        "      responses:\n"
        "        '200':\n"
        "          description: OK\n"
        "        '404':\n"
        "          description: Not found\n"
    )


def generate(n, seed):
    rng = random.Random(seed)
    counts = plan_counts(n)
    ents = []  # list of entity dicts, in output order

    def meta(name, title=None, description=None, tags=None, annotations=None, links=None):
        m = {"name": name}
        if title:
            m["title"] = title
        if description:
            m["description"] = description
        if annotations:
            m["annotations"] = annotations
        if tags:
            m["tags"] = tags
        if links:
            m["links"] = links
        return m

    # ---- Groups (tree)
    ng = counts["Group"]
    n_top = max(1, min(5, ng // 10))
    groups = [f"grp-{rng.choice(WORDS)}-{i:05d}" for i in range(ng)]
    parent = {}
    for i in range(n_top, ng):
        # parent among earlier groups, biased toward recent ones (depth)
        lo = max(0, i - 25)
        parent[groups[i]] = groups[rng.randrange(lo, i)]
    children = {g: [] for g in groups}
    for g, p in parent.items():
        children[p].append(g)
    teams = []
    for i, g in enumerate(groups):
        gtype = GROUP_TYPES_TOP if i < n_top else weighted(rng, GROUP_TYPES)
        word = g.split("-")[1]
        spec = {
            "type": gtype,
            "profile": {
                "displayName": f"{word.capitalize()} {gtype.replace('-', ' ')} {i}",
                "email": f"{g}@example.com",
            },
        }
        if g in parent:
            spec["parent"] = f"group:default/{parent[g]}"
        spec["children"] = [f"group:default/{c}" for c in children[g]]
        ents.append(
            {
                "apiVersion": "backstage.io/v1alpha1",
                "kind": "Group",
                "metadata": meta(g, description=f"The {word} {gtype}"),
                "spec": spec,
            }
        )
        teams.append(g)

    # ---- Users
    users = []
    for i in range(counts["User"]):
        f, l = rng.choice(FIRST), rng.choice(LAST)
        name = f"{f}.{l}.{i:05d}"
        k = 1 if rng.random() < 0.8 else 2
        member = sorted(set(rng.sample(teams, k)))
        ents.append(
            {
                "apiVersion": "backstage.io/v1alpha1",
                "kind": "User",
                "metadata": meta(name),
                "spec": {
                    "profile": {
                        "displayName": f"{f.capitalize()} {l.capitalize()}",
                        "email": f"{name}@example.com",
                    },
                    "memberOf": [f"group:default/{m}" for m in member],
                },
            }
        )
        users.append(name)

    def owner():
        return f"group:default/{rng.choice(teams)}"

    # ---- Domains
    domains = []
    for i in range(counts["Domain"]):
        word = WORDS[i % len(WORDS)]
        name = f"dom-{word}-{i:04d}"
        ents.append(
            {
                "apiVersion": "backstage.io/v1alpha1",
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

    # ---- Systems
    systems = []
    for i in range(counts["System"]):
        dname, dword = domains[rng.randrange(len(domains))]
        word = rng.choice(WORDS)
        name = f"sys-{word}-{i:05d}"
        ents.append(
            {
                "apiVersion": "backstage.io/v1alpha1",
                "kind": "System",
                "metadata": meta(
                    name,
                    title=f"{word.capitalize()} system {i}",
                    description=f"{word} capabilities within the {dword} domain",
                ),
                "spec": {"owner": owner(), "domain": f"domain:default/{dname}"},
            }
        )
        systems.append(name)

    # ---- Resources (names first; components depend on them)
    nres = counts["Resource"]
    resources = []
    for i in range(nres):
        rtype = RESOURCE_TYPES[i % len(RESOURCE_TYPES)]
        word = rng.choice(WORDS)
        resources.append((f"res-{word}-{rtype}-{i:05d}", rtype, word))

    # ---- Components + APIs (APIs each provided by exactly one component)
    ncomp, napi = counts["Component"], counts["API"]
    comp_names, comp_words, comp_sys = [], [], []
    for i in range(ncomp):
        ctype = weighted(rng, COMP_TYPES)
        word = rng.choice(WORDS)
        suffix = rng.choice(COMP_SUFFIX[ctype])
        comp_names.append((f"{word}-{suffix}-{i:05d}", ctype))
        comp_words.append(word)
        comp_sys.append(systems[rng.randrange(len(systems))])
    service_idx = [i for i, (_, t) in enumerate(comp_names) if t == "service"]
    if not service_idx:
        service_idx = list(range(ncomp))
    apis = []
    provided = {i: [] for i in range(ncomp)}
    for j in range(napi):
        ci = service_idx[rng.randrange(len(service_idx))]
        word = comp_words[ci]
        name = f"{word}-api-{j:05d}"
        apis.append((name, word, ci))
        provided[ci].append(name)

    for i, (name, ctype) in enumerate(comp_names):
        word = comp_words[i]
        ntags = rng.randint(1, 4)
        tags = sorted(set(rng.sample(TAGS, ntags)))
        consumes = sorted(set(apis[rng.randrange(napi)][0] for _ in range(rng.randint(0, 3))))
        consumes = [a for a in consumes if a not in provided[i]]
        deps = set()
        for _ in range(rng.randint(0, 3)):
            o = rng.randrange(ncomp)
            if o != i:
                deps.add(f"component:default/{comp_names[o][0]}")
        if ctype == "service" and rng.random() < 0.5:
            deps.add(f"resource:default/{resources[rng.randrange(nres)][0]}")
        annotations = {
            "github.com/project-slug": f"example-org/{name}",
            "backstage.io/techdocs-ref": "dir:.",
            "backstage.io/source-location": f"url:https://github.com/example-org/{name}/tree/main/",
        }
        if ctype == "service":
            annotations["pagerduty.com/service-id"] = (
                "P" + hashlib.sha1(name.encode()).hexdigest()[:6].upper()
            )
        spec = {
            "type": ctype,
            "lifecycle": weighted(rng, LIFECYCLES),
            "owner": owner(),
            "system": f"system:default/{comp_sys[i]}",
        }
        if provided[i]:
            spec["providesApis"] = [f"api:default/{a}" for a in provided[i]]
        if consumes:
            spec["consumesApis"] = [f"api:default/{a}" for a in consumes]
        if deps:
            spec["dependsOn"] = sorted(deps)
        ents.append(
            {
                "apiVersion": "backstage.io/v1alpha1",
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
        ents.append(
            {
                "apiVersion": "backstage.io/v1alpha1",
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

    for i, (name, rtype, word) in enumerate(resources):
        ents.append(
            {
                "apiVersion": "backstage.io/v1alpha1",
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

    assert len(ents) == n, (len(ents), n)
    return ents, counts


# -------------------------------------------------- expected relations
def ref(kind, name):
    return f"{kind.lower()}:default/{name}".lower()


def expected_relations(ents):
    """Relations Backstage's BuiltinKindsEntityProcessor emits (both ways)."""
    rel = set()

    def add(src, fwd, tgt, back):
        rel.add((src, fwd, tgt.lower()))
        rel.add((tgt.lower(), back, src))

    for e in ents:
        k, s = e["kind"], e["spec"]
        me = ref(k, e["metadata"]["name"])
        if "owner" in s:
            add(me, "ownedBy", s["owner"], "ownerOf")
        if k in ("Component", "API", "Resource") and "system" in s:
            add(me, "partOf", s["system"], "hasPart")
        if k == "System" and "domain" in s:
            add(me, "partOf", s["domain"], "hasPart")
        for a in s.get("providesApis", []):
            add(me, "providesApi", a, "apiProvidedBy")
        for a in s.get("consumesApis", []):
            add(me, "consumesApi", a, "apiConsumedBy")
        for d in s.get("dependsOn", []):
            add(me, "dependsOn", d, "dependencyOf")
        for g in s.get("memberOf", []):
            add(me, "memberOf", g, "hasMember")
        if k == "Group":
            if "parent" in s:
                add(me, "childOf", s["parent"], "parentOf")
            for c in s.get("children", []):
                add(me, "parentOf", c, "childOf")
    return rel


def build_manifest(ents, counts, n, seed, yaml_sha):
    rel = expected_relations(ents)
    by_src = {}
    for src, t, tgt in rel:
        by_src.setdefault(src, []).append(f"{t}|{tgt}")
    names_by_kind = {}
    for e in ents:
        names_by_kind.setdefault(e["kind"], []).append(e["metadata"]["name"])
    # Sample entities whose relations are checked for readiness: the last
    # entity of each kind (written last, so typically processed last) and
    # the entities with the most relations (many originators must be
    # stitched in).
    samples = []
    for k in ["Group", "User", "Domain", "System", "Component", "API", "Resource"]:
        samples.append(ref(k, names_by_kind[k][-1]))
    busiest = sorted(by_src, key=lambda r: (-len(by_src[r]), r))[:5]
    for r in busiest:
        if r not in samples:
            samples.append(r)
    comps = names_by_kind["Component"]
    rng = random.Random(seed + 1)
    # Deterministic request lists for the latency/throughput benchmarks.
    by_name = [comps[rng.randrange(len(comps))] for _ in range(1000)]
    return {
        "generator_version": GENERATOR_VERSION,
        "n": n,
        "seed": seed,
        "yaml_sha256": yaml_sha,
        "counts": counts,
        "total_relations": len(rel),
        "samples": {r: sorted(by_src.get(r, [])) for r in samples},
        "bench": {
            "by_name_components": by_name,
            "fulltext_words": FULLTEXT_WORDS,
            "service_components": sum(
                1 for e in ents if e["kind"] == "Component" and e["spec"]["type"] == "service"
            ),
            "apis": counts["API"],
        },
    }


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--out", required=True)
    ap.add_argument("--manifest")
    a = ap.parse_args(argv)
    ents, counts = generate(a.n, a.seed)
    out = [
        f"# Generated by gen_catalog.py v{GENERATOR_VERSION} n={a.n} seed={a.seed}. Do not edit.\n"
    ]
    for e in ents:
        out.append("---\n")
        emit(e, 0, out)
    text = "".join(out)
    data = text.encode("utf-8")
    with open(a.out, "wb") as f:
        f.write(data)
    sha = hashlib.sha256(data).hexdigest()
    manifest = build_manifest(ents, counts, a.n, a.seed, sha)
    mpath = a.manifest or (a.out.rsplit(".", 1)[0] + ".manifest.json")
    with open(mpath, "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
        f.write("\n")
    print(
        json.dumps(
            {
                "out": a.out,
                "manifest": mpath,
                "bytes": len(data),
                "sha256": sha,
                "counts": counts,
                "total_relations": manifest["total_relations"],
            }
        ),
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
