"""EntityPicker, OwnerPicker, OwnedEntityPicker and MyGroupsPicker: one catalog entity,
stored as its ref ``kind:namespace/name`` (``stringifyEntityRef``), as Backstage's
pickers store it.

The widget is a text input with a type-ahead over the catalog (name, title and
display name; prefix matches first). What someone types is completed with the
field's ``defaultKind`` and ``defaultNamespace`` (``team-a`` -> ``group:default/team-a``)
as Backstage completes free text. On the server the value must parse as an entity
ref, and with ``allowArbitraryValues: false`` it must be an entity of the catalog that
the field's filter selects (Backstage checks neither: its checks run in the browser).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from catalog import services as catalog
from scaffolder.fields import register_field
from scaffolder.fields.base import MISSING, Field, FieldContext, FieldExtension
from scaffolder.fields.listbox import INPUT_PARAM, Listbox, Suggestion, field_url
from scaffolder.fields.picker_options import FilterSets, PickerConfigError, PickerOptions

__all__ = ["SUGGESTIONS", "CatalogPicker", "EntityPicker", "MyGroupsPicker", "OwnedEntityPicker",
           "OwnerPicker", "PickerView", "complete_ref", "described_by"]  # fmt: skip

#: How many suggestions the type-ahead shows.
SUGGESTIONS = 20
SUGGEST_URL = "scaffolder:field_suggestions"


def _any_of(refs: Iterable[str]) -> set[str]:
    """A filter value allowing exactly ``refs``. Without refs it must match nothing,
    while an empty set means "the key exists": no relation targets an empty ref."""
    return set(refs) or {""}


def complete_ref(text: str, options: PickerOptions) -> str:
    """Typed text as the ref Backstage stores: parsed with the field's default kind and
    namespace and printed canonically; text that is no ref is kept as typed (the
    server check then says why)."""
    try:
        parsed = catalog.parse_entity_ref(text, default_kind=options.default_kind,
                                          default_namespace=options.default_namespace)  # fmt: skip
    except catalog.InvalidEntityRef:
        return text
    return catalog.stringify_entity_ref(parsed)


def _typed_parts(text: str) -> tuple[str, str, str]:
    """(kind, namespace, name) of what is typed so far, split as Backstage splits a ref
    (a ``/`` before the first ``:`` makes the colon part of the name); parts not typed
    are ``""``, so ``user:al`` looks for users whose name starts with ``al``."""
    colon, slash = text.find(":"), text.find("/")
    if slash != -1 and slash < colon:
        colon = -1
    kind = text[:colon] if colon != -1 else ""
    namespace = text[colon + 1 : slash] if slash != -1 else ""
    return kind, namespace, text[max(colon + 1, slash + 1) :]


def _narrowed(filters: FilterSets, key: str, value: str) -> FilterSets:
    """``filters`` that also require ``key = value``; sets that exclude it are dropped
    (none left: nothing can match)."""
    value = value.lower()
    narrowed = []
    for conditions in filters or [{}]:
        allowed = {item.lower() for item in conditions.get(key, set())}
        if allowed and value not in allowed:
            continue
        narrowed.append({**conditions, key: {value}})
    return narrowed


def described_by(field: Field, help_text: str) -> str:
    """The ids of the help text and the errors that describe a field's input."""
    ids = [f"{field.html_id}-help"] if help_text else []
    return " ".join([*ids, f"{field.html_id}-errors"] if field.errors else ids)


@dataclass(frozen=True)
class PickerView:
    """What a picker's template shows beyond the Field: the input's text, the closed
    suggestion list, the type-ahead address, the help text and, when the template's
    options are unusable, why."""

    text: str
    listbox: Listbox
    suggest_url: str = ""
    input_name: str = ""
    options: PickerOptions | None = None
    error: str = ""
    fixed: bool = False
    help: str = ""
    described_by: str = ""

    @property
    def auto_select(self) -> bool:
        return bool(self.options and self.options.auto_select)

    @property
    def allow_arbitrary(self) -> bool:
        return bool(self.options and self.options.allow_arbitrary)


class CatalogPicker(FieldExtension):
    """What every catalog-backed entity picker shares: its options, the type-ahead, the
    completion of typed text and the server check. Subclasses change the options."""

    template: ClassVar[str] = "scaffolder/fields/entity_picker.html"
    #: The label and help a field gets when its schema has none (Backstage's).
    default_title: ClassVar[str] = "Entity"
    default_description: ClassVar[str] = "An entity from the catalog"
    #: When the field is required, takes no free text and one entity matches, it is
    #: chosen and fixed, as Backstage's pickers do.
    fills_single_match: ClassVar[bool] = True
    #: Why an entity of the catalog is refused when the field takes only those it offers.
    not_offered: ClassVar[str] = "{ref} is not one of the entities this field offers"

    def picker_options(self, field: Field, context: FieldContext) -> PickerOptions:
        """The options in effect for ``field`` (PickerConfigError when unusable)."""
        return PickerOptions.read(field.options)

    def typing_options(self, field: Field) -> PickerOptions:
        """The options that complete typed text (no catalog or user needed); the
        defaults when the field's options are unusable (check() reports those)."""
        try:
            return PickerOptions.read(field.options)
        except PickerConfigError:
            return PickerOptions()

    def read(self, data: Mapping[str, Any], field: Field) -> Any:
        """The completed ref; ``""`` when the input was emptied (the form then drops
        the answer, as Backstage unsets it), MISSING when it was not posted."""
        text = super().read(data, field)
        if not isinstance(text, str) or not text:
            return text
        return complete_ref(text, self.typing_options(field))

    def refused(self, refs: list[str], options: PickerOptions) -> list[str]:
        """Why each of ``refs`` (canonical) is refused when the field takes only the
        entities it offers: not in the catalog, or not one of those (two queries)."""
        if options.allow_arbitrary or not refs:
            return []
        allowed = catalog.refs_matching(refs, options.filters)
        bad = [ref for ref in refs if ref not in allowed]
        missing = catalog.missing_refs(bad) if bad else set()
        return [f"{ref} is not in the catalog; choose one of the suggested entities"
                if ref in missing else self.not_offered.format(ref=ref) for ref in bad]  # fmt: skip

    def check(self, value: Any, field: Field, context: FieldContext) -> list[str]:
        """The value is an entity ref; with arbitrary values off, one the field offers."""
        if value is MISSING or value is None or value == "":
            return []
        if not isinstance(value, str):
            return ["Must be an entity ref, e.g. group:default/team-a"]
        try:
            options = self.picker_options(field, context)
        except PickerConfigError as exc:
            return [str(exc)]
        try:
            ref = catalog.stringify_entity_ref(catalog.parse_entity_ref(value))
        except catalog.InvalidEntityRef as exc:
            return [str(exc)]
        return self.refused([ref], options)

    def search_text(self, data: Mapping[str, Any], field: Field) -> str:
        """What was typed into the type-ahead (the endpoint's request names the input)."""
        text = data.get(data.get(INPUT_PARAM) or field.html_name)
        return text.strip() if isinstance(text, str) else ""

    def listbox(self, text: str, field: Field, context: FieldContext) -> Listbox:
        """The suggestions for ``text``: entities the field offers whose name, title or
        display name starts with it (first) or contains it."""
        try:
            options = self.picker_options(field, context)
        except PickerConfigError as exc:
            return Listbox(field.html_id, searched=True, error=str(exc))
        filters, (kind, namespace, name) = options.filters, _typed_parts(text)
        for key, part in (("kind", kind), ("metadata.namespace", namespace)):
            if part:
                filters = _narrowed(filters, key, part)
                if not filters:
                    return Listbox(field.html_id, searched=True)
        found = catalog.suggest_entities(name, filters, limit=SUGGESTIONS)
        return Listbox(field.html_id, [self.suggestion(s) for s in found], searched=True)

    def suggestion(self, summary: catalog.EntitySummary) -> Suggestion:
        label = summary.title or summary.name
        parts = [summary.name] if summary.title else []
        detail = " · ".join([*parts, summary.kind, summary.namespace])
        return Suggestion(value=summary.ref, label=label, detail=detail,
                          description=summary.description)  # fmt: skip

    def picker_view(self, field: Field, context: FieldContext) -> PickerView:
        """The widget's text, suggestion list and type-ahead address; a required field
        that takes no free text and matches one entity starts with it, fixed."""
        text = field.value if isinstance(field.value, str) else ""
        listbox = Listbox(field.html_id)
        described = described_by(field, field.description)
        try:
            options = self.picker_options(field, context)
        except PickerConfigError as exc:
            return PickerView(text, listbox, error=str(exc), help=field.description,
                              described_by=described)  # fmt: skip
        url = field_url(SUGGEST_URL, field, context, **{INPUT_PARAM: field.html_name})
        fixed = False
        if (self.fills_single_match and field.required and not options.allow_arbitrary
                and not text):  # fmt: skip
            only = catalog.suggest_entities("", options.filters, limit=2)
            if len(only) == 1:
                text, fixed = only[0].ref, True
        return PickerView(text, listbox, suggest_url=url, input_name=field.html_name,
                          options=options, fixed=fixed, help=field.description,
                          described_by=described)  # fmt: skip


class EntityPicker(CatalogPicker):
    """Any catalog entity the field's ``catalogFilter`` selects."""

    name: ClassVar[str] = "EntityPicker"


class OwnerPicker(CatalogPicker):
    """A group or user: ``catalogFilter`` defaults to ``{kind: [Group, User]}``
    (``allowedKinds`` still counts), and typed names are groups (``defaultKind``
    is always Group, as in Backstage)."""

    name: ClassVar[str] = "OwnerPicker"
    default_title: ClassVar[str] = "Owner"
    default_description: ClassVar[str] = "The owner of the component"

    def picker_options(self, field: Field, context: FieldContext) -> PickerOptions:
        return self._owner_options(field.options)

    def typing_options(self, field: Field) -> PickerOptions:
        try:
            return self._owner_options(field.options)
        except PickerConfigError:
            return PickerOptions(default_kind="Group")

    @staticmethod
    def _owner_options(given: Mapping[str, Any]) -> PickerOptions:
        options = dict(given)
        if not options.get("catalogFilter"):
            options["catalogFilter"] = {"kind": options.get("allowedKinds") or ["Group", "User"]}
        options["defaultKind"] = "Group"
        return PickerOptions.read(options)


class OwnedEntityPicker(CatalogPicker):
    """An entity owned by the user or one of their groups: every filter set also
    requires ``relations.ownedBy`` to be one of the user's ownership refs."""

    name: ClassVar[str] = "OwnedEntityPicker"

    not_offered: ClassVar[str] = ("{ref} is not owned by you or one of your groups, or this "
                                  "field does not offer it")  # fmt: skip

    def picker_options(self, field: Field, context: FieldContext) -> PickerOptions:
        options = PickerOptions.read(field.options)
        owned = _any_of(context.ownership_refs)
        sets = [{**conditions, "relations.ownedby": owned} for conditions in options.filters]
        return replace(options, filters=sets or [{"relations.ownedby": owned}])


class MyGroupsPicker(CatalogPicker):
    """A group the user is a member of (``relations.hasMember`` = the user); nothing
    else is accepted."""

    name: ClassVar[str] = "MyGroupsPicker"
    not_offered: ClassVar[str] = "You are not a member of {ref}; choose one of your groups"

    def picker_options(self, field: Field, context: FieldContext) -> PickerOptions:
        member = _any_of([context.user_ref] if context.user_ref else [])
        return PickerOptions(filters=[{"kind": {"group"}, "relations.hasmember": member}],
                             default_kind="Group", allow_arbitrary=False)  # fmt: skip

    def typing_options(self, field: Field) -> PickerOptions:
        return PickerOptions(default_kind="Group", allow_arbitrary=False)


register_field(EntityPicker())
register_field(OwnerPicker())
register_field(OwnedEntityPicker())
register_field(MyGroupsPicker())
