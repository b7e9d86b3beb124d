"""The pickers inside the template form (``scaffolder:template_form``): what a page
post stores is the extensions' value (typed text completed to a ref, tags
normalised, the repository location serialised), and the server checks refuse what
the field does not offer, with the message next to the field."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

FORM = reverse("scaffolder:template_form", kwargs={"namespace": "default", "name": "pickers"})


def post(client, step: int, **data: str | list[str]):
    return client.post(f"{FORM}?step={step}", {"_action": "next", **data})


def test_a_page_stores_completed_refs_and_refuses_what_is_not_offered(signed_in, org) -> None:
    response = post(signed_in, 1, owner="team-a", system="system:default/mall")
    assert response.status_code == 200
    html = response.content.decode()
    assert "system:default/mall is not in the catalog; choose one of the suggested " \
           "entities" in html
    assert 'name="owner" type="text" value="group:default/team-a"' in html
    assert 'aria-invalid="true"' in html

    response = post(signed_in, 1, owner="team-a", system="system:Shop")
    assert response.status_code == 302 and "step=2" in response["Location"]
    response = post(signed_in, 2, **{"tags": ["python"], "tags.add": "Go, c++",
                                     "deps.add": "component:default/checkout",
                                     "repoUrl.host": "github.com", "repoUrl.owner": "acme",
                                     "repoUrl.repo": "new service"})  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    review = signed_in.get(response["Location"]).content.decode()
    for shown in ("group:default/team-a", "system:default/shop", "python", "go", "c++",
                  "component:default/checkout", "github.com?owner=acme&amp;repo=new+service"):
        assert shown in review, shown


def test_emptying_a_picker_drops_its_answer(signed_in, org) -> None:
    post(signed_in, 1, owner="team-a", system="system:shop", anything="component:checkout")
    html = signed_in.get(f"{FORM}?step=1").content.decode()
    assert 'name="anything" type="text" value="component:default/checkout"' in html
    post(signed_in, 1, owner="team-a", system="system:shop", anything="")
    html = signed_in.get(f"{FORM}?step=1").content.decode()
    assert 'name="anything" type="text" value=""' in html


def test_a_list_longer_than_max_items_is_refused(signed_in, org) -> None:
    post(signed_in, 1, owner="team-a")
    response = post(signed_in, 2, **{"deps": ["component:default/checkout",
                                              "component:default/ledger"],
                                     "deps.add": "component:default/infra-tools"})  # fmt: skip
    assert response.status_code == 200
    html = response.content.decode()
    # the form's JSON Schema check words it; the widget shows it under the chips
    assert '<ul id="f-deps-errors" class="field-errors"><li>At most 2 items</li></ul>' in html
