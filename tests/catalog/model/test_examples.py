"""Backstage's own example catalog (catalog/demo/backstage) gets Backstage's verdicts.

Every entity document validates except those only Backstage's opt-in model layers know
(``AiResource``, the ``mcp-server`` API) and the scaffolder's Nunjucks skeleton; relations of
representative entities are spelled out in full.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from catalog.model.errors import EntityValidationError
from catalog.model.relations import Relation, derive_relations
from catalog.model.validation import validate_entity

DEMO = Path(__file__).resolve().parents[3] / "catalog" / "demo" / "backstage"
MODEL_EXAMPLES = "catalog-model-examples"
SKELETON = "create-app-examples/template/content/catalog-info.yaml"
MCP_SERVER = "catalog-model-examples/apis/backstage-mcp-server-api.yaml"


def resolved(value: Any) -> Any:
    """Stand in for placeholder resolution (``$text``/``$json``/``$yaml``), which precedes
    validation in the pipeline and needs file or network reads."""
    if isinstance(value, dict):
        if len(value) == 1 and next(iter(value)).startswith("$"):
            return "resolved placeholder"
        return {key: resolved(item) for key, item in value.items()}
    if isinstance(value, list):
        return [resolved(item) for item in value]
    return value


def load_documents() -> list[tuple[str, dict[str, Any]]]:
    """``(relative path, document)`` for every entity document; the OpenAPI file is data."""
    documents = []
    for path in sorted(DEMO.rglob("*.yaml")):
        if path.name.endswith(".oas.yaml"):
            continue
        with path.open(encoding="utf-8") as stream:
            for document in yaml.safe_load_all(stream):
                if document is not None:
                    documents.append((path.relative_to(DEMO).as_posix(), resolved(document)))
    return documents


DOCUMENTS = load_documents()


def is_special(path: str, document: dict[str, Any]) -> bool:
    return document["kind"] == "AiResource" or path in (MCP_SERVER, SKELETON)


ACCEPTED = [(path, doc) for path, doc in DOCUMENTS if not is_special(path, doc)]


def find(file: str, name: str, namespace: str) -> dict[str, Any]:
    """The validated entity called ``name`` in ``namespace`` from ``file``."""
    (document,) = [
        validate_entity(doc)
        for path, doc in ACCEPTED
        if path.endswith(file)
        and (doc["metadata"]["name"], doc["metadata"].get("namespace", "default"))
        == (name, namespace)
    ]
    return document


def test_the_example_set_is_complete() -> None:
    kinds = Counter(doc["kind"] for path, doc in DOCUMENTS if path.startswith(MODEL_EXAMPLES))
    assert kinds == {
        "Location": 9,
        "Component": 13,
        "API": 10,
        "Resource": 1,
        "System": 3,
        "Domain": 3,
        "Group": 8,
        "User": 17,
        "AiResource": 3,
    }
    assert len(DOCUMENTS) == 67 + 6 + 1


@pytest.mark.parametrize(
    "document",
    [doc for _, doc in ACCEPTED],
    ids=[f"{path}:{doc['metadata']['name']}" for path, doc in ACCEPTED],
)
def test_example_validates(document: dict[str, Any]) -> None:
    result = validate_entity(document)
    namespace = document["metadata"].get("namespace", "default")
    assert result == {**document, "metadata": {**document["metadata"], "namespace": namespace}}


def test_ai_resources_need_backstages_opt_in_module() -> None:
    ai_resources = [doc for _, doc in DOCUMENTS if doc["kind"] == "AiResource"]
    assert len(ai_resources) == 3
    for document in ai_resources:
        with pytest.raises(EntityValidationError) as caught:
            validate_entity(document)
        ref = f"airesource:default/{document['metadata']['name']}"
        assert str(caught.value) == (
            f"No processor recognized the entity {ref} as valid, possibly caused by a foreign "
            "kind or apiVersion"
        )


def test_mcp_server_api_lacks_the_definition_builtin_apis_require() -> None:
    ((_, document),) = [(path, doc) for path, doc in DOCUMENTS if path == MCP_SERVER]
    with pytest.raises(EntityValidationError) as caught:
        validate_entity(document)
    assert str(caught.value) == (
        "/spec must have required property 'definition' - missingProperty: definition"
    )
    assert caught.value.field == "spec.definition"


def test_template_skeleton_is_not_an_entity_until_rendered() -> None:
    ((_, document),) = [(path, doc) for path, doc in DOCUMENTS if path == SKELETON]
    with pytest.raises(EntityValidationError) as caught:
        validate_entity(document)
    assert caught.value.field == "metadata.name"
    assert str(caught.value).startswith('"metadata.name" is not valid;')


def both(source: str, forward: str, inverse: str, target: str) -> list[Relation]:
    return [Relation(source, forward, target), Relation(target, inverse, source)]


def owned(source: str, owner: str) -> list[Relation]:
    return both(source, "ownedBy", "ownerOf", owner)


WAYBACK_SEARCH = "component:default/wayback-search"
INGESTION = "component:default/wayback-archive-ingestion"
WEBSITE = "component:default/example-website"
PORTAL = "system:default/artist-engagement-portal"
TEAM_A = "group:default/team-a"

# (file, name, namespace) -> every relation the entity declares, in emission order.
EXPECTED = {
    ("components/wayback-search-component.yaml", "wayback-search", "default"): [
        *owned(WAYBACK_SEARCH, TEAM_A),
        *both(WAYBACK_SEARCH, "providesApi", "apiProvidedBy", "api:default/wayback-search"),
        *both(WAYBACK_SEARCH, "consumesApi", "apiConsumedBy", "api:default/wayback-archive"),
    ],
    ("wayback-archive-ingestion-component.yaml", "wayback-archive-ingestion", "default"): [
        *owned(INGESTION, "group:default/team-d"),
        *both(INGESTION, "partOf", "hasPart", "component:default/wayback-archive"),
    ],
    ("entities.yaml", "example-website", "default"): [
        *owned(WEBSITE, "group:default/guests"),
        *both(WEBSITE, "providesApi", "apiProvidedBy", "api:default/example-grpc-api"),
        *both(WEBSITE, "partOf", "hasPart", "system:default/examples"),
    ],
    # ``owner: guest`` is a Group by default, and there is no such group: kept dangling.
    ("playback-order-component.yaml", "playback-order", "default"): owned(
        "component:default/playback-order", "group:default/guest"
    ),
    ("entities.yaml", "example-grpc-api", "default"): [
        *owned("api:default/example-grpc-api", "group:default/guests"),
        *both("api:default/example-grpc-api", "partOf", "hasPart", "system:default/examples"),
    ],
    ("artists-db-resource.yaml", "artists-db", "default"): [
        *owned("resource:default/artists-db", TEAM_A),
        *both("resource:default/artists-db", "partOf", "hasPart", PORTAL),
    ],
    ("artist-engagement-portal-system.yaml", "artist-engagement-portal", "default"): [
        *owned(PORTAL, TEAM_A),
        *both(PORTAL, "partOf", "hasPart", "domain:default/artists"),
    ],
    ("artists-domain.yaml", "artists", "default"): [
        *owned("domain:default/artists", TEAM_A),
        *both("domain:default/artists", "partOf", "hasPart", "domain:default/audio"),
    ],
    ("backstage-group.yaml", "backstage", "default"): [
        *both("group:default/backstage", "childOf", "parentOf", "group:default/infrastructure"),
        *both("group:default/backstage", "parentOf", "childOf", TEAM_A),
        *both("group:default/backstage", "parentOf", "childOf", "group:default/team-b"),
    ],
    ("team-a-group.yaml", "guest", "default"): both(
        "user:default/guest", "memberOf", "hasMember", TEAM_A
    ),
    # Same name in another namespace, pointing back at a group in ``default``.
    ("team-a-group.yaml", "guest", "development"): both(
        "user:development/guest", "memberOf", "hasMember", TEAM_A
    ),
    ("template/template.yaml", "example-nodejs-template", "default"): owned(
        "template:default/example-nodejs-template", "user:default/guest"
    ),
}


@pytest.mark.parametrize(
    ("key", "expected"),
    EXPECTED.items(),
    ids=[f"{name}@{namespace}" for _, name, namespace in EXPECTED],
)
def test_relations_of_representative_entities(
    key: tuple[str, str, str], expected: list[Relation]
) -> None:
    if key == ("team-a-group.yaml", "guest", "default"):
        documents = [
            validate_entity(doc)
            for path, doc in ACCEPTED
            if path.startswith(MODEL_EXAMPLES) and doc["metadata"]["name"] == "guest"
        ]
        entity = next(doc for doc in documents if doc["metadata"]["namespace"] == "default")
    else:
        entity = find(*key)
    assert derive_relations(entity) == expected


def test_location_entities_declare_no_relations() -> None:
    locations = [validate_entity(doc) for _, doc in ACCEPTED if doc["kind"] == "Location"]
    assert len(locations) == 9
    assert all(derive_relations(location) == [] for location in locations)


def test_relation_count_of_the_model_examples() -> None:
    relations = {
        relation
        for path, doc in ACCEPTED
        if path.startswith(MODEL_EXAMPLES)
        for relation in derive_relations(validate_entity(doc))
    }
    # The demo README counts 146: these 144 plus the owner pair of the mcp-server API, which
    # only Backstage's opt-in model layer accepts.
    assert len(relations) == 144
