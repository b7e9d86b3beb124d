"""Location refs and targets resolved against the file that names them."""

from __future__ import annotations

import pytest

from catalog.model.errors import ReadError
from catalog.readers.targets import parse_location_ref, resolve_target

BLOB = "https://github.com/o/r/blob/main/services/a/catalog-info.yaml"
GIT = "https://git.example.com/acme/repo.git#main:services/a/catalog-info.yaml"


@pytest.mark.parametrize(
    ("base_type", "base", "target", "expected"),
    [
        # url: joined like a browser; /path starts at the repository root on SCM URLs
        ("url", BLOB, "./api.yaml", ("url", "https://github.com/o/r/blob/main/services/a/api.yaml")),
        ("url", BLOB, "api.yaml", ("url", "https://github.com/o/r/blob/main/services/a/api.yaml")),
        ("url", BLOB, "../b/x.yaml", ("url", "https://github.com/o/r/blob/main/services/b/x.yaml")),
        ("url", BLOB, "/docs/x.yaml", ("url", "https://github.com/o/r/blob/main/docs/x.yaml")),
        ("url", "https://h.example/c/c.yaml", "/x.yaml", ("url", "https://h.example/x.yaml")),
        ("url", "https://h.example/c/c.yaml", "//o.example/x", ("url", "https://o.example/x")),
        ("url", BLOB, "https://other.example/x.yaml", ("url", "https://other.example/x.yaml")),
        # file: relative to the base file's directory, absolute paths as they are
        ("file", "/srv/cat/catalog-info.yaml", "./team/a.yaml", ("file", "/srv/cat/team/a.yaml")),
        ("file", "/srv/cat/catalog-info.yaml", "team/a.yaml", ("file", "/srv/cat/team/a.yaml")),
        ("file", "/srv/cat/catalog-info.yaml", "../x.yaml", ("file", "/srv/x.yaml")),
        ("file", "/srv/cat/catalog-info.yaml", "/etc/x.yaml", ("file", "/etc/x.yaml")),
        ("file", "/srv/cat/catalog-info.yaml", "https://h.example/x", ("url", "https://h.example/x")),
        # git: same repository and ref, path joined with the base file's directory
        ("git", GIT, "./x.yaml", ("git", GIT.replace("catalog-info.yaml", "x.yaml"))),
        ("git", GIT, "../b/x.yaml", ("git", GIT.replace("a/catalog-info.yaml", "b/x.yaml"))),
        ("git", GIT, "/root.yaml", ("git", "https://git.example.com/acme/repo.git#main:root.yaml")),
        ("git", GIT, "../../x.yaml", ("git", "https://git.example.com/acme/repo.git#main:x.yaml")),
        ("git", GIT, "file:///srv/o.git#v1:x.yaml", ("git", "file:///srv/o.git#v1:x.yaml")),
        ("git", GIT, "https://h.example/x.yaml", ("url", "https://h.example/x.yaml")),
    ],
)  # fmt: skip
def test_resolve_target(base_type, base, target, expected):
    assert resolve_target(base_type, base, target) == expected


@pytest.mark.parametrize(
    ("base_type", "base", "target", "match"),
    [
        ("git", GIT, "../../../x.yaml", "leaves the repository"),
        ("git", GIT, "/../x.yaml", "leaves the repository"),
        ("git", GIT, "https://h/o.git#a..b:x", "not a valid git branch"),
        ("file", "/srv/cat/c.yaml", "./team/", "must name a file"),
        ("file", "/srv/cat/c.yaml", "file:///etc/hosts", "file: targets are not supported"),
        ("url", BLOB, "javascript:alert(1)", "javascript: targets are not supported"),
        ("url", BLOB, "", "empty"),
        ("s3", "s3://bucket/c.yaml", "x.yaml", "relative to a s3 location"),
    ],
)
def test_resolve_target_errors(base_type, base, target, match):
    with pytest.raises(ReadError, match=match):
        resolve_target(base_type, base, target)


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("url:https://h.example/c.yaml", ("url", "https://h.example/c.yaml")),
        ("file:/srv/catalog-info.yaml", ("file", "/srv/catalog-info.yaml")),
        (" url : https://h.example/c.yaml ", ("url", "https://h.example/c.yaml")),
        ("git:https://h/r.git#main:c.yaml", ("git", "https://h/r.git#main:c.yaml")),
    ],
)
def test_parse_location_ref(ref, expected):
    assert parse_location_ref(ref) == expected


@pytest.mark.parametrize(
    ("ref", "match"),
    [
        ("https://h.example/c.yaml", "please prefix it with 'url:', e.g. 'url:https://h"),
        ("http://h.example/c.yaml", "please prefix it with 'url:'"),
        ("no-colon", "expected '<type>:<target>'"),
        ("url:", "expected '<type>:<target>'"),
        (":target", "expected '<type>:<target>'"),
        ("url:javascript:alert(1)", "javascript: targets are not allowed"),
        ("url: JavaScript:alert(1)", "javascript: targets are not allowed"),
    ],
)
def test_parse_location_ref_errors(ref, match):
    with pytest.raises(ReadError, match=match):
        parse_location_ref(ref)
