"""parse_documents: YAML 1.2 semantics like Backstage's parser, and the adversarial
corpus (security anchors A1-A12), each refused with a YamlError in bounded time."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from catalog.model.errors import YamlError
from catalog.model.yaml_docs import YamlLimits, parse_documents


def parse(text: str | bytes, **kwargs) -> list[tuple[int, object]]:
    return parse_documents(text, source="catalog-info.yaml", **kwargs)


def only(text: str) -> object:
    ((_, value),) = parse(text)
    return value


def rejected(data: str | bytes, match: str, **kwargs) -> YamlError:
    """Parse ``data``, expect a YamlError matching ``match`` within 10 seconds: a limit
    that is checked too late takes minutes, while a loaded CI machine may take 2 s."""
    started = time.perf_counter()
    with pytest.raises(YamlError, match=match) as caught:
        parse(data, **kwargs)
    assert time.perf_counter() - started < 10
    message = str(caught.value)
    assert message.startswith("catalog-info.yaml")
    assert "\n" not in message
    return caught.value


def billion_laughs() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 10):
        name, previous = chr(ord("a") + level), chr(ord("a") + level - 1)
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    return "\n".join(lines) + "\n"


# --- Adversarial corpus ---------------------------------------------------------------


def test_billion_laughs_is_refused_by_the_alias_limit():
    rejected(billion_laughs(), "more than 1,000 alias uses")


def test_alias_expansion_is_capped_per_file():
    big = "[" + ", ".join(["x"] * 1000) + "]"
    text = f"a: &a {big}\n" + "".join(f"b{i}: *a\n" for i in range(200))
    rejected(text, "aliases expand to more than 100,000 values")


@pytest.mark.parametrize("text", ["a: &a [*a]\n", "a: &a {b: *a}\n"])
def test_recursive_alias_is_refused(text):
    rejected(text, "an alias refers to a node that contains it")


@pytest.mark.parametrize(
    "text",
    [
        "[" * 10_000 + "]" * 10_000,
        "{a: " * 10_000 + "1" + "}" * 10_000,
        "- " * 10_000 + "x\n",
        "".join(" " * i + "a:\n" for i in range(1_500)),  # 10,000 would be 50 MB
    ],
    ids=["flow-seq", "flow-map", "block-seq", "block-map-1500"],
)
def test_ten_thousand_levels_fail_fast_without_recursion_error(text):
    error = rejected(text, "nest")
    assert error.line is not None


def test_depth_limit_counts_collections():
    assert only("[" * 64 + "]" * 64) is not None
    rejected("[" * 65 + "]" * 65, "nested deeper than 64 levels")


def test_depth_limit_applies_to_expanded_aliases():
    text = "a: &a " + "[" * 40 + "]" * 40 + "\nb: " + "[" * 40 + "*a" + "]" * 40 + "\n"
    rejected(text, "nested deeper than 64 levels")


def test_fifty_megabytes_are_refused_before_parsing():
    rejected(b"a: " + b"x" * (50 * 1024 * 1024), "larger than 10,485,760 bytes")


def test_size_limit_is_configurable():
    rejected("a: 1\n", "larger than 3 bytes", limits=YamlLimits(max_bytes=3))


def test_too_many_documents():
    rejected("---\na: 1\n" * 100_001, "more than 100,000 documents")


def test_document_limit_is_configurable():
    assert len(parse("---\na: 1\n" * 3, limits=YamlLimits(max_documents=3))) == 3
    rejected("---\na: 1\n" * 4, "more than 3 documents", limits=YamlLimits(max_documents=3))


@pytest.mark.parametrize(
    "text",
    [
        '!!python/object/apply:os.system ["id"]\n',
        "a: !!python/name:os.system\n",
        "a: !!python/object/new:os.system [id]\n",
        "a: !ENV AWS_SECRET_ACCESS_KEY\n",
        "a: !include /etc/passwd\n",
        "a: !!binary aGVsbG8=\n",
        "a: !!timestamp 2001-12-14\n",
        "a: !!set {x}\n",
        "%TAG !! tag:evil.example,2000:\n---\na: !!str x\n",
    ],
)
def test_only_core_tags_are_accepted(text):
    rejected(text, "the tag .* is not allowed")


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (b"a: \xff\xfe\n", r"not valid UTF-8 \(byte 3\)"),
        ("a: 1\n".encode("utf-16"), "not valid UTF-8"),
        (b"a: \xc0\xaf\n", "not valid UTF-8"),
        ("a: \ud800\n", "not valid UTF-8"),
        (b"a: \x00\n", "control characters are not allowed"),
    ],
    ids=["invalid", "utf-16", "overlong", "lone-surrogate", "nul"],
)
def test_bad_encodings(data, match):
    rejected(data, match)


def test_duplicate_keys_are_an_error_with_their_line():
    error = rejected("metadata:\n  name: a\n  name: b\n", "Map keys must be unique")
    assert error.line == 3
    assert str(error).startswith("catalog-info.yaml:3:3: ")


def test_keys_that_become_the_same_string_are_duplicates():
    rejected('1: a\n"1": b\n', "Map keys must be unique")


def test_syntax_errors_carry_line_and_column():
    error = rejected("a: b\n c: d\n", "mapping values are not allowed")
    assert error.line == 2
    assert str(error).startswith("catalog-info.yaml:2:")


def test_explicit_core_tags_must_fit_their_value():
    rejected("a: !!int abc\n", "'abc' is not a valid int")
    rejected("a: !!bool yes\n", "is not a valid bool")
    assert only('a: !!int "12"\nb: !!str 12\nc: !!null ""\n') == {"a": 12, "b": "12", "c": None}


def test_complex_keys_are_refused():
    rejected("? [a]\n: b\n", "mapping keys must be scalars")


def test_undefined_alias():
    rejected("a: *nope\n", "undefined alias")


# --- YAML 1.2 core schema, as Backstage's `yaml` library reads it -------------------


def test_yaml_11_words_stay_strings():
    value = only("a: yes\nb: no\nc: on\nd: off\ne: y\nf: n\ng: NO\nh: Yes\n")
    assert value == dict(
        zip("abcdefgh", ["yes", "no", "on", "off", "y", "n", "NO", "Yes"], strict=True)
    )


def test_dates_and_sexagesimals_stay_strings():
    assert only("a: 2021-01-01\nb: 2001-12-14t21:59:43.10-05:00\nc: 1:20\n") == {
        "a": "2021-01-01",
        "b": "2001-12-14t21:59:43.10-05:00",
        "c": "1:20",
    }


def test_core_scalars():
    value = only(
        "t: true\nT: True\nf: FALSE\nn: null\ntilde: ~\nempty:\n"
        "int: 42\nneg: -7\nplus: +3\nleading: 017\noct: 0o17\nhex: 0x1F\n"
        "float: 1.5\nexp: 1e3\nhalf: .5\nwhole: 1.0\nversion: 1.10\n"
        "inf: .inf\nnan: .NaN\nbinary: 0b101\nunder: 1_000\nquoted: 'true'\n"
    )
    assert value == {
        "t": True, "T": True, "f": False, "n": None, "tilde": None, "empty": None,
        "int": 42, "neg": -7, "plus": 3, "leading": 17, "oct": 15, "hex": 31,
        "float": 1.5, "exp": 1000, "half": 0.5, "whole": 1, "version": 1.1,
        "inf": None, "nan": None, "binary": "0b101", "under": "1_000", "quoted": "true",
    }  # fmt: skip
    assert isinstance(value["whole"], int)


def test_merge_key_is_an_ordinary_key():
    assert only("base: &b {x: 1}\nc:\n  <<: *b\n  y: 2\n") == {
        "base": {"x": 1},
        "c": {"<<": {"x": 1}, "y": 2},
    }


def test_keys_become_strings_like_javascript_objects():
    assert only("1: a\ntrue: b\n~: c\n1.5: d\n") == {"1": "a", "true": "b", "": "c", "1.5": "d"}


def test_aliased_values_are_copies():
    value = only("a: &x {k: [1]}\nb: *x\n")
    assert value == {"a": {"k": [1]}, "b": {"k": [1]}}
    assert value["a"] is not value["b"]
    assert value["a"]["k"] is not value["b"]["k"]


def test_key_order_is_kept():
    assert list(only("z: 1\na: 2\nm: 3\n")) == ["z", "a", "m"]


# --- Documents ----------------------------------------------------------------------


def test_documents_are_indexed_in_file_order_and_empty_ones_skipped():
    text = "a: 1\n---\n---\n- x\n---\nnull\n---\nhello\n---\n# just a comment\n"
    assert parse(text) == [(0, {"a": 1}), (2, ["x"]), (4, "hello")]


@pytest.mark.parametrize("text", ["", "# only a comment\n", "---\n", "null\n"])
def test_empty_files(text):
    assert parse(text) == []


def test_bytes_and_str_give_the_same_result():
    text = "\ufeffname: café\n"
    assert parse(text) == parse(text.encode("utf-8")) == [(0, {"name": "café"})]


def test_the_generated_ten_thousand_entity_catalog_parses_quickly(tmp_path):
    from benchmarks.gen_catalog import generate, render

    entities, _ = generate(10_000, 42)
    data = render(entities, 10_000, 42)
    timings = []
    for _ in range(2):  # the faster of two runs: a busy CI machine can stall one
        started = time.perf_counter()
        documents = parse(data)
        timings.append(time.perf_counter() - started)
    assert len(documents) == 10_000
    assert documents[0] == (0, _plain(entities[0]))
    assert min(timings) < 3  # about 0.6 s on the development machine; generous for CI


def _plain(entity: dict) -> dict:
    """The generator's entity as plain data (literal blocks are strings)."""
    from benchmarks.gen_catalog import Literal

    def plain(value):
        if isinstance(value, Literal):
            return value.text
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list):
            return [plain(v) for v in value]
        return value

    return plain(entity)


# --- Robustness ---------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_raise_only_yaml_error(data):
    try:
        parse(data)
    except YamlError:
        pass


YAMLISH = st.text(alphabet=st.sampled_from(list("ab:-[]{}&*!|>'\"#?,.% \n\t0\\")), max_size=120)


@settings(max_examples=500, deadline=None)
@given(YAMLISH)
def test_yaml_like_text_raises_only_yaml_error(text):
    try:
        documents = parse(text)
    except YamlError:
        return
    assert all(isinstance(index, int) for index, _ in documents)
