"""$text/$json/$yaml placeholders: Backstage's replacement rules, and confinement of
relative targets to the entity's directory (CVE-2026-106498's lesson)."""

from __future__ import annotations

import copy
from pathlib import Path

import httpx
import pytest

from catalog.model.errors import PlaceholderError
from catalog.model.placeholders import MAX_READS, resolve_placeholders
from catalog.readers import ReadingPolicy, read


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    """``<tmp>/repo/services/a/catalog-info.yaml`` and the files its placeholders name."""
    directory = tmp_path / "repo" / "services" / "a"
    (directory / "sub").mkdir(parents=True)
    (directory / "catalog-info.yaml").write_text("kind: API\n")
    (directory / "api.yaml").write_text("openapi: 3.0.0\n")
    (directory / "data.json").write_text('{"a": [1, 2]}')
    (directory / "sub" / "conf.yaml").write_text("retries: 3\nenabled: yes\n")
    (tmp_path / "repo" / "shared.txt").write_text("shared\n")
    (tmp_path / "secret.txt").write_text("password\n")
    return directory


class Reader:
    """The real readers under ``policy``, recording what was asked."""

    def __init__(self, policy: ReadingPolicy) -> None:
        self.policy = policy
        self.calls: list[tuple[str, str]] = []

    def __call__(self, location_type: str, target: str) -> bytes:
        self.calls.append((location_type, target))
        return read(location_type, target, self.policy).data


def resolve(entity: dict, base: Path, reader: Reader, **kwargs) -> dict:
    return resolve_placeholders(
        entity, base_type="file", base_target=str(base), read=reader, **kwargs
    )


@pytest.fixture
def reader(catalog: Path) -> Reader:
    return Reader(ReadingPolicy(file_roots=(catalog.parent.parent.parent,)))


def test_text_json_and_yaml_relative_to_a_file(catalog, reader):
    entity = {
        "kind": "API",
        "spec": {
            "definition": {"$text": "./api.yaml"},
            "data": {"$json": "data.json"},
            "config": {"$yaml": "sub/conf.yaml"},
        },
    }
    before = copy.deepcopy(entity)
    resolved = resolve(entity, catalog / "catalog-info.yaml", reader)
    assert resolved["spec"] == {
        "definition": "openapi: 3.0.0\n",
        "data": {"a": [1, 2]},
        "config": {"retries": 3, "enabled": "yes"},
    }
    assert entity == before
    assert reader.calls[0] == ("file", str(catalog / "api.yaml"))


def test_placeholders_nested_in_lists(catalog, reader):
    entity = {"spec": {"items": [{"a": {"$text": "api.yaml"}}, {"$json": "data.json"}, 3]}}
    resolved = resolve(entity, catalog / "catalog-info.yaml", reader)
    assert resolved == {"spec": {"items": [{"a": "openapi: 3.0.0\n"}, {"a": [1, 2]}, 3]}}


def test_errors_name_the_field_of_the_placeholder(catalog, reader):
    entity = {"spec": {"items": [{"ok": 1}, {"doc": {"$text": "./missing.txt"}}]}}
    with pytest.raises(PlaceholderError) as caught:
        resolve(entity, catalog / "catalog-info.yaml", reader)
    assert caught.value.field == "spec.items.1.doc"
    assert str(caught.value).startswith("Placeholder $text could not read location ./missing.txt, ")


@pytest.mark.parametrize(
    "target", ["../../../secret.txt", "../../../../../../../etc/passwd", "/etc/passwd"]
)
def test_targets_escaping_the_entity_directory_are_refused_before_reading(catalog, reader, target):
    entity = {"spec": {"definition": {"$text": target}}}
    with pytest.raises(PlaceholderError, match="outside the directory") as caught:
        resolve(entity, catalog / "catalog-info.yaml", reader)
    assert caught.value.field == "spec.definition"
    assert reader.calls == []


def test_a_symlink_out_of_the_directory_is_refused(catalog, reader):
    (catalog / "innocent.txt").symlink_to(catalog.parent.parent.parent / "secret.txt")
    with pytest.raises(PlaceholderError, match="outside the directory"):
        resolve({"a": {"$text": "innocent.txt"}}, catalog / "catalog-info.yaml", reader)


def test_confine_to_widens_the_allowed_tree(catalog, reader):
    repo = catalog.parent.parent
    entity = {"a": {"$text": "../../shared.txt"}}
    resolved = resolve(entity, catalog / "catalog-info.yaml", reader, confine_to=str(repo))
    assert resolved == {"a": "shared\n"}


def test_metadata_service_is_refused_by_the_reader(catalog, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the reader tried to connect")

    monkeypatch.setattr(httpx.Client, "send", refuse)
    for policy, reason in [
        (ReadingPolicy(), "is not allowed"),
        (ReadingPolicy(allowed_hosts=("169.254.169.254",)), "non-public address"),
    ]:
        entity = {"spec": {"definition": {"$text": "http://169.254.169.254/latest/meta-data"}}}
        with pytest.raises(PlaceholderError, match=reason) as caught:
            resolve(entity, catalog / "catalog-info.yaml", Reader(policy))
        assert caught.value.field == "spec.definition"


@pytest.mark.parametrize("value", [1, None, True, ["x"], {"a": "b"}])
def test_the_value_must_be_a_string(catalog, reader, value):
    with pytest.raises(PlaceholderError, match="expected a string value") as caught:
        resolve({"spec": {"definition": {"$json": value}}}, catalog / "c.yaml", reader)
    assert caught.value.field == "spec.definition"


def test_unknown_keys_and_multi_key_objects_are_left_alone(catalog, reader):
    entity = {
        "spec": {
            "unknown": {"$foo": "api.yaml"},
            "ref": {"$ref": "#/components/schemas/x"},
            "mixed": {"$text": "api.yaml", "other": 1},
            "inside": {"$text": "api.yaml", "deeper": {"$text": "api.yaml"}},
        }
    }
    assert resolve(entity, catalog / "catalog-info.yaml", reader) == entity
    assert reader.calls == []


@pytest.mark.parametrize(
    ("key", "content", "match"),
    [
        ("$json", "{not json", "Placeholder \\$json failed to parse JSON data at bad"),
        ("$json", "NaN", "failed to parse JSON data"),
        ("$json", "[" * 100 + "]" * 100, "nested deeper than 64 levels"),
        ("$yaml", "a: [", "Placeholder \\$yaml failed to parse YAML data at bad"),
        ("$yaml", "a: 1\n---\nb: 2\n", "exactly one document of data at bad, found 2"),
        ("$yaml", "", "exactly one document of data at bad, found 0"),
        ("$yaml", "!!python/object/apply:os.system [id]", "is not allowed"),
        ("$text", b"\xff\xfe", "not UTF-8"),
    ],
)
def test_content_errors(catalog, reader, key, content, match):
    path = catalog / "bad"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    with pytest.raises(PlaceholderError, match=match) as caught:
        resolve({"spec": {"x": {key: "bad"}}}, catalog / "catalog-info.yaml", reader)
    assert caught.value.field == "spec.x"


def test_reads_per_entity_are_capped(catalog, reader):
    entity = {"spec": {f"p{i}": {"$text": "api.yaml"} for i in range(MAX_READS + 1)}}
    with pytest.raises(PlaceholderError, match=f"more than {MAX_READS} placeholders"):
        resolve(entity, catalog / "catalog-info.yaml", reader)
    assert len(reader.calls) == MAX_READS


# --- url and git bases (a recording fake reader) ------------------------------------


class FakeReader:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    def __call__(self, location_type: str, target: str) -> bytes:
        self.calls.append((location_type, target))
        return b"content"


BLOB = "https://github.com/o/r/blob/main/services/a/catalog-info.yaml"
GIT = "https://git.example.com/acme/repo.git#main:services/a/catalog-info.yaml"


@pytest.mark.parametrize(
    ("base_type", "base", "target", "expected"),
    [
        (
            "url",
            BLOB,
            "./api.yaml",
            ("url", "https://github.com/o/r/blob/main/services/a/api.yaml"),
        ),
        ("url", BLOB, "https://other.example/x", ("url", "https://other.example/x")),
        ("git", GIT, "sub/x.yaml", ("git", GIT.replace("catalog-info.yaml", "sub/x.yaml"))),
    ],
)
def test_relative_to_url_and_git_bases(base_type, base, target, expected):
    fake = FakeReader()
    entity = {"a": {"$text": target}}
    assert resolve_placeholders(entity, base_type=base_type, base_target=base, read=fake) == {
        "a": "content"
    }
    assert fake.calls == [expected]


@pytest.mark.parametrize(
    ("base_type", "base", "target"),
    [
        ("url", BLOB, "../b/x.yaml"),
        ("url", BLOB, "%2e%2e/b/x.yaml"),
        ("url", BLOB, "sub/%2E%2E/%2e%2e/b/x.yaml"),
        ("url", BLOB, "//evil.example/x"),
        ("url", BLOB, "/other.yaml"),
        ("git", GIT, "../b/x.yaml"),
        ("git", GIT, "/root.yaml"),
    ],
)
def test_url_and_git_targets_must_stay_in_the_directory(base_type, base, target):
    fake = FakeReader()
    with pytest.raises(PlaceholderError, match="outside the directory"):
        resolve_placeholders(
            {"a": {"$yaml": target}}, base_type=base_type, base_target=base, read=fake
        )
    assert fake.calls == []


def test_confine_to_a_repository_allows_sibling_directories():
    fake = FakeReader()
    resolve_placeholders(
        {"a": {"$text": "../b/x.yaml"}, "b": {"$text": "/root.yaml"}},
        base_type="git",
        base_target=GIT,
        read=fake,
        confine_to="https://git.example.com/acme/repo.git#main:",
    )
    assert [target for _, target in fake.calls] == [
        "https://git.example.com/acme/repo.git#main:services/b/x.yaml",
        "https://git.example.com/acme/repo.git#main:root.yaml",
    ]
