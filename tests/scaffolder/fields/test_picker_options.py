"""The entity pickers' ``ui:options`` as Backstage's EntityPicker reads them: the
``catalogFilter`` syntax, the deprecated ``allowedKinds``, the defaults, and a clear
error for each option of the wrong shape."""

from __future__ import annotations

import pytest

from scaffolder.fields.picker_options import PickerConfigError, PickerOptions, catalog_filter


def test_one_object_is_one_filter_set_with_strings_lists_and_exists() -> None:
    assert catalog_filter({"catalogFilter": {
        "kind": ["Group", "User"], "spec.type": "team", "metadata.annotations.x": {"exists": True},
    }}) == [{"kind": {"Group", "User"}, "spec.type": {"team"},
             "metadata.annotations.x": set()}]  # fmt: skip


def test_an_array_of_objects_is_sets_ored() -> None:
    sets = catalog_filter({"catalogFilter": [{"kind": "Component"}, {"kind": "System"}]})
    assert sets == [{"kind": {"Component"}}, {"kind": {"System"}}]


def test_numbers_and_booleans_are_matched_as_javascript_prints_them() -> None:
    assert catalog_filter({"catalogFilter": {"spec.replicas": 3, "spec.public": True,
                                             "spec.ratio": 1.5}}) == [
        {"spec.replicas": {"3"}, "spec.public": {"true"}, "spec.ratio": {"1.5"}}]  # fmt: skip


def test_allowed_kinds_stands_for_a_kind_filter_unless_catalog_filter_is_given() -> None:
    assert catalog_filter({"allowedKinds": ["Group"]}) == [{"kind": {"Group"}}]
    assert catalog_filter({"allowedKinds": ["Group"], "catalogFilter": {"kind": "User"}}) == [
        {"kind": {"User"}}]


def test_no_filter_an_empty_object_or_an_empty_value_list_selects_everything() -> None:
    assert catalog_filter({}) == []
    assert catalog_filter({"catalogFilter": {}}) == []
    assert catalog_filter({"catalogFilter": [{"kind": "Group"}, {}]}) == []
    # a key given no values sends no condition for it, as Backstage's client does
    assert catalog_filter({"catalogFilter": {"kind": [], "spec.type": "team"}}) == [
        {"spec.type": {"team"}}]


@pytest.mark.parametrize(("options", "message"), [
    ({"catalogFilter": "kind=Group"},
     "ui:options.catalogFilter must be an object or a list of objects, e.g. {kind: Group}"),
    ({"catalogFilter": {"kind": {"exists": False}}},
     "ui:options.catalogFilter: kind must be a string, a list of strings or {exists: true}"),
    ({"catalogFilter": {"kind": [None]}},
     "ui:options.catalogFilter: the values of kind must be strings, got [None]"),
    ({"allowedKinds": "Group"}, "ui:options.allowedKinds must be a list of kinds"),
    ({"allowArbitraryValues": "no"},
     "ui:options.allowArbitraryValues must be true or false, got 'no'"),
    ({"autoSelect": 1}, "ui:options.autoSelect must be true or false, got 1"),
    ({"defaultKind": ""}, "ui:options.defaultKind must be a kind, got ''"),
    ({"defaultNamespace": 3}, "ui:options.defaultNamespace must be a namespace or false, got 3"),
])  # fmt: skip
def test_each_malformed_option_is_refused_by_name(options, message) -> None:
    with pytest.raises(PickerConfigError) as caught:
        PickerOptions.read(options)
    assert str(caught.value) == f"This field's template options are invalid: {message}"


def test_defaults_are_backstages() -> None:
    options = PickerOptions.read({})
    assert (options.default_kind, options.default_namespace) == (None, "default")
    assert options.allow_arbitrary is True and options.auto_select is True
    assert PickerOptions.read({"defaultNamespace": False}).default_namespace == "default"
    assert PickerOptions.read({"defaultNamespace": "ops", "defaultKind": "System",
                               "allowArbitraryValues": False, "autoSelect": False}) == (
        PickerOptions(default_kind="System", default_namespace="ops", allow_arbitrary=False,
                      auto_select=False))  # fmt: skip
