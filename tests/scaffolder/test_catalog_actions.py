"""``catalog:register`` outside a dry run: registers through the catalog's services and
names the entity Backstage would pick, in one query for the location's entities."""

from __future__ import annotations

import pytest

from scaffolder.actions import ActionContext, TemplateInfo, get_action
from tests.catalog.conftest import ORG, SERVICE

pytestmark = pytest.mark.django_db


def _register(tmp_path, **given):
    outputs: dict = {}
    ctx = ActionContext(input=given, workspace=tmp_path, step_id="register", log=lambda m: None,
                        template=TemplateInfo("template:default/t", "file:///t/template.yaml"),
                        outputs=outputs)  # fmt: skip
    get_action("catalog:register").handler(ctx)
    return outputs


def test_register_stores_the_location_and_prefers_a_component(
    tmp_path, files, django_assert_max_num_queries
) -> None:
    path = files.write("catalog-info.yaml", ORG + "---\n" + SERVICE)
    outputs = _register(tmp_path, catalogInfoUrl=path.as_uri())
    assert outputs == {"entityRef": "component:default/checkout", "catalogInfoUrl": path.as_uri()}
    with django_assert_max_num_queries(4):  # already registered: found, not stored twice
        again = _register(tmp_path, repoContentsUrl=files.root.as_uri(),
                          catalogInfoPath="/catalog-info.yaml")  # fmt: skip
    assert again["entityRef"] == "component:default/checkout"


def test_an_unreadable_location_fails_unless_optional(tmp_path, files) -> None:
    from scaffolder.errors import InputError

    with pytest.raises(InputError, match="readableDirectories"):
        _register(tmp_path, catalogInfoUrl="file:///etc/passwd")
    assert _register(tmp_path, catalogInfoUrl="file:///etc/passwd", optional=True) == {
        "catalogInfoUrl": "file:///etc/passwd"}  # fmt: skip
