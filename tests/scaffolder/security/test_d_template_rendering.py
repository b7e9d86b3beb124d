"""Group D of the security corpus (template rendering), through the dry-run API.

A template author controls step inputs, skeleton file names and contents; a form user
controls parameter values. Every case posts a template to ``POST /api/scaffolder/v2/dry-run``
and checks what the author gets back: a clean, one-line ``TemplateRenderError`` for a
skeleton, a string kept as written for a step input (as Backstage keeps it), nothing
executed, nothing mutated, and bounded time.

The engine itself is also tested case by case, without HTTP, in
``tests/scaffolder/templating/test_security.py``:

====  ===========================================================================
Case  Engine-level coverage (not repeated here)
====  ===========================================================================
D1    ``test_sandbox_escapes_reach_nothing`` (``__class__``/``__mro__``/``__subclasses__``)
D2    ``test_sandbox_escapes_reach_nothing`` (cycler, joiner, lipsum, namespace, self,
      config, request, ``__builtins__``), ``test_functions_expose_no_attributes``
D3    ``test_sandbox_escapes_reach_nothing`` (``values.name.format``, ``'…'.format``)
D4    ``test_sandbox_escapes_reach_nothing`` (``attr``, ``format`` filter)
D6    ``test_resource_bombs_fail_fast`` (string/list repetition, power, nested loops,
      captured output, ``center``/``indent``/``replace`` blow-ups, deep nesting)
D7    ``test_resource_bombs_fail_fast`` (self-recursive macro)
D9    ``test_sandbox_escapes_reach_nothing`` (``pop``, ``append``, ``{}.update``)
====  ===========================================================================
"""

from __future__ import annotations

import importlib.metadata
import json
import time

import pytest

from scaffolder.templating.render import MAX_OUTPUT
from tests.scaffolder.conftest import dry_run_body, files_of, messages, post_dry_run, template

pytestmark = pytest.mark.django_db

SECRET = "s3cr3t-d-value"
FETCH = {"id": "fetch", "action": "fetch:template",
         "input": {"url": "./skeleton", "values": {"name": "${{ parameters.name }}",
                                                  "x": "abc"}}}  # fmt: skip


def _log(message: str, step_id: str = "log") -> dict:
    return {"id": step_id, "action": "debug:log", "input": {"message": message}}


def _skeleton(api, text: str, values: dict | None = None):
    """Dry-run a fetch:template step whose one skeleton file holds ``text``."""
    body = dry_run_body(template([FETCH]), values or {"name": "n"}, {"skeleton/a.txt": text})
    return post_dry_run(api, body)


def _refused(response, fragment: str) -> str:
    """The response is the clean render failure of a skeleton: a one-line message."""
    assert response.status_code == 500, response.content
    error = response.json()["error"]
    assert error["name"] == "TemplateRenderError"
    assert "\n" not in error["message"] and "Traceback" not in error["message"]
    assert fragment in error["message"]
    return error["message"]


def _logged(api, message: str, values: dict | None = None, secrets: dict | None = None):
    body = dry_run_body(template([_log(message)]), values or {}, secrets=secrets)
    response = post_dry_run(api, body)
    assert response.status_code == 200, response.content
    return response.json()


def _debug_line(answer: dict, step_id: str = "log") -> str:
    """The message debug:log printed (its second line: the first is the input JSON)."""
    lines = [e["body"]["message"].removeprefix("\x1b[32minfo\x1b[39m: ")
             for e in answer["log"] if e["body"].get("stepId") == step_id]  # fmt: skip
    found = [m for m in lines if not m.startswith(("Beginning", "Running", "Finished", "{\n"))]
    assert len(found) == 1, messages(answer)
    return found[0]


def _no_python_objects(text: str) -> None:
    for leak in ("<class", "<function", "<module", "<built-in", "__globals__'", "Environment"):
        assert leak not in text


def _survives(api) -> None:
    """The process still renders templates after an abusive one."""
    answer = _skeleton(api, "ok ${{ values.name }}", {"name": "alive"})
    assert answer.status_code == 200 and files_of(answer.json()) == {"a.txt": "ok alive"}


def test_d1_class_mro_subclasses_is_refused(api) -> None:
    payload = "${{ ''.__class__.__mro__[1].__subclasses__() }}"
    _refused(_skeleton(api, payload), "Unable to call `__subclasses__`, which is undefined")
    answer = _logged(api, payload)
    assert _debug_line(answer) == payload  # a step input that fails is kept as written
    _no_python_objects(json.dumps(answer))


@pytest.mark.parametrize("payload", [
    "${{ cycler.__init__.__globals__.os.popen('touch MARKER').read() }}",
    "${{ joiner.__init__.__globals__.os.system('touch MARKER') }}",
    "${{ namespace.__init__.__globals__.os.system('touch MARKER') }}",
    "${{ lipsum.__globals__['os'].popen('touch MARKER').read() }}",
])  # fmt: skip
def test_d2_jinja_globals_do_not_exist_and_nothing_runs(api, payload, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _refused(_skeleton(api, payload), "which is undefined")
    answer = _logged(api, payload)
    assert _debug_line(answer) == payload
    assert not (tmp_path / "MARKER").exists()


@pytest.mark.parametrize("payload", [
    "${{ lipsum.__globals__ }}", "${{ self._TemplateReference__context }}", "${{ self }}",
    "${{ request }}", "${{ config }}", "${{ cycler }}", "${{ range }}", "${{ dict }}",
    "${{ values.__class__ }}", "${{ values['__dict__'] }}", "${{ values.x.__len__ }}",
])  # fmt: skip
def test_d2_globals_and_dunders_render_as_nothing(api, payload) -> None:
    response = _skeleton(api, f"[{payload}]")
    assert response.status_code == 200, response.content
    assert files_of(response.json()) == {"a.txt": "[]"}


@pytest.mark.parametrize("payload", [
    "${{ '{0.__class__.__init__.__globals__}'.format(values.x) }}",
    "${{ '{0}'.format_map(values) }}",
    "${{ values.x.format('{0.__class__}') }}",
])  # fmt: skip
def test_d3_str_format_and_format_map_are_not_reachable(api, payload) -> None:
    message = _refused(_skeleton(api, payload), "which is undefined")
    assert "format" in message
    answer = _logged(api, payload.replace("values", "parameters"), {"x": "abc"})
    _no_python_objects(json.dumps(answer))


def test_d3_jinja_is_pinned_at_a_version_with_the_sandboxed_format_fixes() -> None:
    version = tuple(int(p) for p in importlib.metadata.version("jinja2").split(".")[:3])
    assert version >= (3, 1, 6)


@pytest.mark.parametrize(("payload", "fragment"), [
    ("${{ (values.x | attr('format'))('{0.__class__}') }}", 'Unknown template filter "attr"'),
    ("{% set f = 'a'.format %}${{ f('{0.__class__}', values) }}", "Unable to call `format`"),
    ("{% set f = values.x.format %}${{ f('{0.__class__}') }}", "Unable to call `format`"),
    ("${{ '%s' | format(values) }}", 'Unknown template filter "format"'),
])  # fmt: skip
def test_d4_indirect_format_through_attr_or_a_variable_is_refused(api, payload, fragment):
    _refused(_skeleton(api, payload), fragment)


@pytest.mark.parametrize("value", ["${{ secrets.token }}", "{{ 7*7 }}", "{% raw %}x",
                                   "${{ ''.__class__ }}"])
def test_d5_parameter_values_are_data_and_never_rendered_again(api, value) -> None:
    entity = template([FETCH, _log("${{ parameters.name }}")],
                      output={"name": "${{ parameters.name }}"})  # fmt: skip
    body = dry_run_body(entity, {"name": value},
                        {"skeleton/a.txt": "${{ values.name }}", "skeleton/${{ values.x }}.md": ""},
                        secrets={"token": SECRET})  # fmt: skip
    response = post_dry_run(api, body)
    assert response.status_code == 200, response.content
    answer = response.json()
    assert files_of(answer) == {"a.txt": value, "abc.md": ""}
    assert _debug_line(answer) == value
    assert answer["output"] == {"name": value}
    assert SECRET not in json.dumps(answer) and "49" not in files_of(answer)["a.txt"]


@pytest.mark.parametrize("payload", [
    "${{ range(10**9) | list }}",
    "${{ 'a' * 10**9 }}",
    "${{ 2 ** 2**32 }}",
    "${{ [1] * 10**9 }}",
    "${{ 'x' | center(10**11) }}",
    "{% set s = 'aaaaaaaaaa' %}" + "{% set s = s ~ s ~ s ~ s ~ s ~ s ~ s ~ s ~ s ~ s %}" * 8
    + "${{ s }}",
])  # fmt: skip
def test_d6_resource_exhaustion_fails_fast_and_bounded(api, payload) -> None:
    started = time.monotonic()
    response = _skeleton(api, payload)
    elapsed = time.monotonic() - started
    assert elapsed < 5
    if response.status_code == 200:  # JS arithmetic: 'a' * n is NaN, big powers are floats
        assert len(files_of(response.json())["a.txt"]) <= MAX_OUTPUT  # the output cap
    else:
        _refused(response, "")
    started = time.monotonic()
    answer = _logged(api, "[" + payload.replace("values", "parameters") + "]")
    assert time.monotonic() - started < 5
    assert len(json.dumps(answer)) <= 3 * MAX_OUTPUT
    _survives(api)


def test_d6_a_loop_over_a_billion_items_hits_the_budget(api) -> None:
    started = time.monotonic()
    level = "{% for i in 'abcdefghijklmnopqrstuvwxyz0123'.split('') %}"  # 30 items
    response = _skeleton(api, level * 6 + "${{ i }}" + "{% endfor %}" * 6)  # 30**6 = 729e6
    assert time.monotonic() - started < 5
    _refused(response, "Template rendering aborted: template exceeded its loop/call budget")
    _survives(api)


def test_d7_recursive_macro_fails_the_step_and_the_worker_survives(api) -> None:
    payload = "{% macro m() %}${{ m() }}{% endmacro %}${{ m() }}"
    started = time.monotonic()
    _refused(_skeleton(api, payload), "Template rendering aborted")
    assert time.monotonic() - started < 5
    started = time.monotonic()
    answer = _logged(api, payload)
    assert time.monotonic() - started < 5 and _debug_line(answer) == payload
    _survives(api)


def test_d8_templates_are_never_loaded_by_name(api, tmp_path) -> None:
    outside = tmp_path / "outside.txt"
    outside.write_text("OUTSIDE-CONTENT")
    for tag in (f"{{% include '{outside}' %}}", "{% include 'skeleton/b.txt' %}",
                f"{{% extends '{outside}' %}}", f"{{% import '{outside}' as o %}}",
                "{% from 'os' import system %}"):  # fmt: skip
        body = dry_run_body(template([FETCH]), {"name": "n"},
                            {"skeleton/a.txt": tag, "skeleton/b.txt": "B"})  # fmt: skip
        response = post_dry_run(api, body)
        _refused(response, "no loader for this environment specified")
        assert "OUTSIDE-CONTENT" not in response.content.decode()


def test_d8_an_attacker_chosen_file_name_is_only_text(api, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    name = "a'\"+__import__('os').system('touch MARKER')+\"\\x.txt"
    body = dry_run_body(template([FETCH]), {"name": "n"}, {f"skeleton/{name}": "${{ values.x }}"})
    response = post_dry_run(api, body)
    assert response.status_code == 200, response.content
    assert files_of(response.json()) == {name: "abc"}
    assert not (tmp_path / "MARKER").exists()


def test_d9_shared_parameters_and_secrets_cannot_be_mutated(api) -> None:
    entity = template(
        [_log("${{ parameters.update({'name': 'pwned'}) }}${{ secrets.pop('token') }}"
              "${{ parameters.tags.append('x') }}${{ parameters.tags.pop() }}", "mutate"),
         {**FETCH, "input": {**FETCH["input"], "values": {"p": "${{ parameters }}"}}},
         _log("${{ parameters.name }} ${{ parameters.tags | length }}", "after"),
         _log("${{ secrets.token }}", "secret")],
        output={"name": "${{ parameters.name }}", "tags": "${{ parameters.tags }}"},
    )  # fmt: skip
    skeleton = {"skeleton/a.txt": "${{ values.p.update({'name': 'x'}) }}"}
    body = dry_run_body(entity, {"name": "orig", "tags": ["a"]}, skeleton, {"token": SECRET})
    response = post_dry_run(api, body)
    _refused(response, "Unable to call `update`, which is undefined")
    entity["spec"]["steps"].pop(1)
    answer = post_dry_run(api, dry_run_body(entity, {"name": "orig", "tags": ["a"]},
                                            secrets={"token": SECRET})).json()  # fmt: skip
    assert _debug_line(answer, "after") == "orig 1"
    assert _debug_line(answer, "secret") == "***"  # still there (and still hidden)
    assert answer["output"] == {"name": "orig", "tags": ["a"]}


def test_d10_backstage_filters_are_pure_and_unknown_ones_fail_clearly(api) -> None:
    text = ("${{ 'github.com?owner=acme&repo=shop' | parseRepoUrl | dump }}|"
            "${{ 'github.com?owner=acme&repo=shop' | projectSlug }}|"
            "${{ values | pick('x') }}")  # fmt: skip
    response = _skeleton(api, text)
    assert response.status_code == 200, response.content
    parsed, slug, picked = files_of(response.json())["a.txt"].split("|")
    assert json.loads(parsed) == {"host": "github.com", "owner": "acme", "repo": "shop"}
    assert (slug, picked) == ("acme/shop", "abc")
    _refused(_skeleton(api, "${{ values.x | nosuchFilter }}"),
             'Unknown template filter "nosuchFilter"')  # fmt: skip
    _refused(_skeleton(api, "${{ values.x is nosuchTest }}"), 'Unknown template test "nosuchTest"')
    answer = _logged(api, "${{ parameters.x | nosuchFilter }}", {"x": "abc"})
    assert _debug_line(answer) == "${{ parameters.x | nosuchFilter }}"  # never "" silently
