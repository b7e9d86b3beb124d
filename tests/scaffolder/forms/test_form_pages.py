"""The form pages with the Django test client: a page per shown template page, Next
and Back (full page loads and HTMX swaps), errors next to their fields with every
other answer kept, the draft across reloads (secrets sealed), ``?formData=``, the
review, Create, and a template that changed under the form."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
import yaml
from django.urls import reverse

from catalog import services as catalog
from scaffolder.fields.entity_name import INVALID_NAME
from scaffolder.form_views import CHANGED
from scaffolder.models import Task
from scaffolder.sealing import open_secrets
from tests.catalog.conftest import register
from tests.scaffolder.forms.conftest import template_entity

pytestmark = pytest.mark.django_db

URL = "/create/templates/default/svc/"
PAGES = [
    {"title": "About", "required": ["name", "owner"], "properties": {
        "name": {"type": "string", "title": "Name", "ui:field": "EntityNamePicker"},
        "owner": {"type": "string", "title": "Owner", "enum": ["team-a", "infra"],
                  "enumNames": ["Team A", "Infrastructure"]},
        "description": {"type": "string", "title": "Description"},
        "cloud": {"type": "string", "title": "Cloud", "enum": ["aws", "gcp"], "default": "gcp"},
    }},
    {"title": "Deploy", "required": ["replicas"], "properties": {
        "replicas": {"type": "integer", "title": "Replicas", "minimum": 1, "default": 2},
        "token": {"type": "string", "title": "Token", "ui:field": "Secret"},
        "password": {"type": "string", "title": "Password", "ui:widget": "password"},
        "tags": {"type": "array", "title": "Tags", "items": {"type": "string"}},
    }},
    {"title": "AWS", "when": "${{ parameters.cloud === 'aws' }}",
     "properties": {"account": {"type": "string", "title": "Account"}}},
]  # fmt: skip
ABOUT = {"_action": "next", "name": "payments", "owner": "infra", "description": "Pays",
         "cloud": "gcp"}  # fmt: skip
DEPLOY = {"_action": "next", "replicas": "3", "token": "s3cret-value", "password": "pw-value",
          "tags.rows": "", "tags": ["api", "pay"]}  # fmt: skip


@pytest.fixture
def form(signed_in, files) -> Any:
    """The signed-in client and a registered two-page template (``svc``)."""
    path = files.write("svc.yaml", yaml.safe_dump(
        template_entity("svc", PAGES, title="Service <b>one</b>"), sort_keys=False))
    signed_in.location = register(path)
    signed_in.template_file = path
    return signed_in


def html_of(response) -> str:
    return response.content.decode()


def field_value(html: str, html_id: str) -> str:
    found = re.search(rf'id="{html_id}"[^>]*value="([^"]*)"', html)
    assert found, f"no input #{html_id}"
    return found.group(1)


def test_a_page_renders_in_full_and_as_the_wizard_partial(form) -> None:
    full = form.get(URL)
    assert full.status_code == 200 and "HX-Request" in full["Vary"]
    html = html_of(full)
    assert "<title>Service &lt;b&gt;one&lt;/b&gt;" in html  # escaped
    titles = re.findall(r'<span class="step-title">([^<]+)</span>', html)
    assert titles == ["About", "Deploy", "Review"]  # the AWS page is hidden by its `when`
    assert 'hx-post="/create/templates/default/svc/?step=1"' in html
    assert 'id="f-name"' in html and "css/scaffolder-form.css" in html
    partial = html_of(form.get(URL, HTTP_HX_REQUEST="true"))
    assert partial.lstrip().startswith('<div id="template-wizard"') and "<html" not in partial
    restore = html_of(form.get(URL, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"))
    assert "<html" in restore  # Back after a swap: htmx asks for the whole page


def test_next_with_errors_shows_each_next_to_its_field_and_keeps_the_rest(form) -> None:
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        response = form.post(URL + "?step=1", {**ABOUT, "name": "bad name", "owner": ""},
                             **headers)  # fmt: skip
        assert response.status_code == 200 and "HX-Push-Url" not in response
        html = html_of(response)
        assert re.search(r'id="f-name" name="name" aria-describedby="[^"]*f-name-error"'
                         r' aria-invalid="true"', html)  # fmt: skip
        assert f'<ul class="field-errors" id="f-name-error"><li>{INVALID_NAME}</li></ul>' in html
        assert '<ul class="field-errors" id="f-owner-error"><li>Required</li></ul>' in html
        assert field_value(html, "f-name") == "bad name"
        assert field_value(html, "f-description") == "Pays"
        assert '<option value="gcp" selected>' in html


def test_next_goes_on_and_back_never_validates_or_loses_anything(form) -> None:
    response = form.post(URL + "?step=1", ABOUT)
    assert (response.status_code, response["Location"]) == (302, URL + "?step=2")
    page2 = html_of(form.get(URL + "?step=2"))
    assert field_value(page2, "f-replicas") == "2"  # the default
    back = form.post(URL + "?step=2", {**DEPLOY, "_action": "back", "replicas": "many"})
    assert (back.status_code, back["Location"]) == (302, URL + "?step=1")
    page1 = html_of(form.get(URL + "?step=1"))
    assert field_value(page1, "f-name") == "payments" and "field-errors" not in page1
    again = html_of(form.get(URL + "?step=2"))
    assert field_value(again, "f-replicas") == "many" and "field-errors" not in again
    assert field_value(again, "f-tags") == "api" and field_value(again, "f-tags-1") == "pay"


def test_htmx_next_swaps_in_the_next_page_and_pushes_its_url(form) -> None:
    response = form.post(URL + "?step=1", ABOUT, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response["HX-Push-Url"] == URL + "?step=2"
    html = html_of(response)
    assert html.lstrip().startswith('<div id="template-wizard"')
    assert '<h2 id="wizard-page-title">Deploy</h2>' in html
    assert 'hx-post="/create/templates/default/svc/?step=2"' in html


def test_the_draft_survives_a_reload_and_its_secrets_are_sealed(form) -> None:
    form.post(URL + "?step=1", ABOUT)
    form.post(URL + "?step=2", {**DEPLOY, "_action": "back"})
    assert field_value(html_of(form.get(URL)), "f-name") == "payments"
    page2 = html_of(form.get(URL + "?step=2"))
    assert "A value is set (12 characters)" in page2 and "s3cret-value" not in page2
    assert "pw-value" not in page2  # a password widget is not written back either
    stored = json.dumps(dict(form.session.items()))
    assert "s3cret-value" not in stored and "payments" in stored


def test_form_data_in_the_link_fills_the_form(form) -> None:
    link = URL + "?formData=" + json.dumps({"name": "from-link", "owner": "team-a"})
    response = form.get(link)
    assert (response.status_code, response["Location"]) == (302, URL + "?step=1")
    html = html_of(form.get(response["Location"]))
    assert field_value(html, "f-name") == "from-link"
    assert '<option value="team-a" selected>' in html
    assert "The form was filled in from the link" in html


@pytest.mark.parametrize(("data", "says"), [
    ("{name: 1", "The link&#x27;s formData is not valid JSON (Expecting property name"),
    ("[1, 2]", "The link&#x27;s formData must be a JSON object"),
])  # fmt: skip
def test_form_data_that_is_no_json_object_is_reported(form, data: str, says: str) -> None:
    form.post(URL + "?step=1", ABOUT)
    response = form.get(URL, {"formData": data}, follow=True)
    html = html_of(response)
    assert response.status_code == 200 and says in html
    assert field_value(html, "f-name") == "payments"  # the draft is left as it was


def reach_review(client, cloud: str = "gcp") -> None:
    assert client.post(URL + "?step=1", {**ABOUT, "cloud": cloud}).status_code == 302
    assert client.post(URL + "?step=2", DEPLOY).status_code == 302


def review_table(html: str) -> dict[str, str]:
    return dict(re.findall(r'<tr><th scope="row">([^<]+)</th><td>(.*?)</td></tr>', html))


def test_the_review_lists_the_answers_and_masks_secrets(form) -> None:
    reach_review(form)
    html = html_of(form.get(URL + "?step=review"))
    assert review_table(html) == {
        "Name": "payments", "Owner": "Infrastructure", "Description": "Pays", "Cloud": "gcp",
        "Replicas": "3", "Token": "******", "Password": "******", "Tags": "api, pay"}
    assert "s3cret-value" not in html and "pw-value" not in html
    assert 'value="create"' in html and 'value="goto:2"' in html


def test_a_page_shown_by_when_joins_the_steps(form) -> None:
    assert form.post(URL + "?step=1", {**ABOUT, "cloud": "aws"})["Location"] == URL + "?step=2"
    form.post(URL + "?step=2", DEPLOY)
    page3 = html_of(form.get(URL + "?step=3"))
    assert re.findall(r'<span class="step-title">([^<]+)</span>', page3) == [
        "About", "Deploy", "AWS", "Review"]  # fmt: skip


def test_the_review_is_reached_only_with_every_page_passing(form) -> None:
    response = form.get(URL + "?step=review")
    assert response["Location"] == URL + "?step=1&check=1"
    html = html_of(form.get(response["Location"]))
    assert '<ul class="field-errors" id="f-name-error"><li>Required</li></ul>' in html


def test_create_makes_the_task_with_the_answers_and_the_secret_aside(form, user) -> None:
    reach_review(form)
    response = form.post(URL + "?step=review", {"_action": "create"})
    task = Task.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("scaffolder:task", kwargs={"task_id": task.pk})
    assert task.spec["parameters"] == {
        "name": "payments", "owner": "infra", "description": "Pays", "cloud": "gcp",
        "replicas": 3, "token": "************", "password": "pw-value", "tags": ["api", "pay"]}
    assert "s3cret-value" not in json.dumps(task.spec)
    assert open_secrets(task.secrets) == {"token": "s3cret-value"}
    assert (task.template_ref, task.user, task.created_by) == (
        "template:default/svc", user, "user:default/dev")  # fmt: skip
    assert field_value(html_of(form.get(URL)), "f-name") == ""  # the draft went with it


def test_create_over_htmx_redirects_the_browser(form) -> None:
    reach_review(form)
    response = form.post(URL + "?step=review", {"_action": "create"}, HTTP_HX_REQUEST="true")
    task = Task.objects.get()
    assert response["HX-Redirect"] == f"/create/tasks/{task.pk}/"


def test_a_template_changed_under_the_form_sends_the_person_back(form, files) -> None:
    reach_review(form)
    changed = [{**PAGES[0], "required": ["name", "owner", "system"],
                "properties": {**PAGES[0]["properties"], "system": {"type": "string"}}},
               *PAGES[1:]]  # fmt: skip
    files.write("svc.yaml", yaml.safe_dump(template_entity("svc", changed), sort_keys=False))
    catalog.refresh(form.location)
    response = form.post(URL + "?step=review", {"_action": "create"}, HTTP_HX_REQUEST="true")
    html = html_of(response)
    assert response.status_code == 200 and not Task.objects.exists()
    assert response["HX-Push-Url"] == URL + "?step=1&check=1"
    assert CHANGED in html
    assert '<ul class="field-errors" id="f-system-error"><li>Required</li></ul>' in html
    assert field_value(html, "f-name") == "payments"


def test_a_missing_template_is_a_404(form) -> None:
    response = form.get("/create/templates/default/nothing-here/")
    assert response.status_code == 404 and "Page not found" in html_of(response)


def test_a_template_whose_form_cannot_be_shown_gets_a_clear_page(signed_in, add_template) -> None:
    url = add_template(template_entity("broken", [
        {"title": "About", "properties": {"x": {"$ref": "#/definitions/nope"}}}]))
    response = signed_in.get(url)
    assert response.status_code == 422
    assert "$ref &#x27;#/definitions/nope&#x27; points to nothing in the page" in html_of(response)


def test_an_extension_that_is_not_installed_is_named_on_the_page(signed_in, add_template) -> None:
    url = add_template(template_entity("custom", [{"properties": {
        "api": {"type": "string", "title": "API", "ui:field": "SelectFieldFromApi"}}}]))
    html = html_of(signed_in.get(url))
    assert ('<p class="field-note" role="note">Field extension SelectFieldFromApi is not '
            "installed here; showing a plain input</p>") in html  # fmt: skip
    assert 'id="f-api" name="api"' in html


def test_start_over_clears_the_draft(form) -> None:
    form.post(URL + "?step=1", ABOUT)
    response = form.post(URL, {"_action": "reset"}, follow=True)
    html = html_of(response)
    assert "Started over: every answer was cleared." in html
    assert field_value(html, "f-name") == ""


def test_rows_of_a_list_are_added_and_removed_on_the_server(form) -> None:
    form.post(URL + "?step=1", ABOUT)
    added = form.post(URL + "?step=2", {**DEPLOY, "_action": "add:tags", "tags": ["api"]},
                      HTTP_HX_REQUEST="true")  # fmt: skip
    html = html_of(added)
    assert field_value(html, "f-tags") == "api" and field_value(html, "f-tags-1") == ""
    assert "field-errors" not in html  # adding a row checks nothing
    removed = form.post(URL + "?step=2", {**DEPLOY, "_action": "remove:tags:0"})
    assert removed["Location"] == URL + "?step=2"
    page = html_of(form.get(URL + "?step=2"))
    assert field_value(page, "f-tags") == "pay" and 'id="f-tags-1"' not in page


def test_a_field_that_decides_what_shows_re_renders_the_page(signed_in, add_template) -> None:
    url = add_template(template_entity("lang", [{"properties": {
        "language": {"type": "string", "enum": ["python", "go"], "default": "python"}},
        "dependencies": {"language": {"oneOf": [
            {"properties": {"language": {"const": "python"}}},
            {"required": ["module"],
             "properties": {"language": {"const": "go"}, "module": {"type": "string"}}}]}}}]))
    html = html_of(signed_in.get(url))
    assert re.search(r'id="f-language-field" hx-post="[^"]+\?step=1" hx-trigger="change" '
                     r'hx-vals=\'{"_action": "refresh"}\'', html)  # fmt: skip
    assert 'value="refresh"' in html  # the no-JavaScript button, inside <noscript>
    assert 'id="f-module"' not in html
    response = signed_in.post(url + "?step=1", {"_action": "refresh", "language": "go"},
                              HTTP_HX_REQUEST="true")  # fmt: skip
    html = html_of(response)
    assert 'id="f-module"' in html and "field-errors" not in html


def test_the_stepper_goes_back_to_a_done_page(form) -> None:
    form.post(URL + "?step=1", ABOUT)
    response = form.post(URL + "?step=2", {**DEPLOY, "_action": "goto:1"})
    assert response["Location"] == URL + "?step=1"
    assert field_value(html_of(form.get(URL + "?step=2")), "f-replicas") == "3"


def test_presentation_button_labels_are_used(signed_in, add_template) -> None:
    entity = template_entity("labels", [{"properties": {"a": {"type": "string"}}},
                                        {"properties": {"b": {"type": "string"}}}])
    entity["spec"]["presentation"] = {"buttonLabels": {
        "backButtonText": "Previous", "reviewButtonText": "Check", "createButtonText": "Go!"}}
    url = add_template(entity)
    signed_in.post(url + "?step=1", {"_action": "next"})
    page2 = html_of(signed_in.get(url + "?step=2"))
    assert ">Previous</button>" in page2 and ">Check</button>" in page2
    signed_in.post(url + "?step=2", {"_action": "next"})
    assert ">Go!</button>" in html_of(signed_in.get(url + "?step=review"))


def test_a_form_page_costs_a_bounded_number_of_queries(form, django_assert_max_num_queries) -> None:
    form.post(URL + "?step=1", ABOUT)
    # session, user, the template, the user's entity and group memberships, and the
    # layout's identity (linked GitHub accounts, User entity)
    with django_assert_max_num_queries(7):
        assert form.get(URL + "?step=2").status_code == 200
    with django_assert_max_num_queries(8):  # and the session written back (3)
        assert form.post(URL + "?step=2", DEPLOY).status_code == 302


def test_the_gallery_offers_choose(form) -> None:
    assert f'<a class="button small" href="{URL}">Choose</a>' in html_of(form.get("/create/"))


def test_needs_sign_in(client) -> None:
    assert client.get(URL).status_code == 302


def test_rows_of_objects_are_added_and_removed(signed_in, add_template) -> None:
    item = {"type": "object", "title": "Variable", "required": ["key"], "properties": {
        "key": {"type": "string"}, "scope": {"type": "string", "default": "build"}}}
    url = add_template(template_entity("vars", [{"properties": {"vars": {
        "type": "array", "title": "Variables", "items": item}}}]))
    html = html_of(signed_in.post(url + "?step=1", {"_action": "add:vars", "vars.rows": ""},
                                  HTTP_HX_REQUEST="true"))  # fmt: skip
    assert field_value(html, "f-vars-0-scope") == "build"  # a new row starts from its defaults
    signed_in.post(url + "?step=1", {"_action": "add:vars", "vars.rows": "", "vars.0.key": "A",
                                     "vars.0.scope": "run"})  # fmt: skip
    page = html_of(signed_in.get(url + "?step=1"))
    assert field_value(page, "f-vars-0-key") == "A" and field_value(page, "f-vars-1-key") == ""
    response = signed_in.post(url + "?step=1", {
        "_action": "next", "vars.rows": "", "vars.0.key": "A", "vars.0.scope": "run",
        "vars.1.key": "", "vars.1.scope": "build"})  # fmt: skip
    assert '<ul class="field-errors" id="f-vars-1-key-error"><li>Required</li></ul>' in \
        html_of(response)  # fmt: skip
    removed = signed_in.post(url + "?step=1", {
        "_action": "remove:vars:1", "vars.rows": "", "vars.0.key": "A", "vars.0.scope": "run",
        "vars.1.key": "", "vars.1.scope": "build"})  # fmt: skip
    assert removed.status_code == 302
    last = {"_action": "next", "vars.rows": "", "vars.0.key": "A", "vars.0.scope": "run"}
    assert signed_in.post(url + "?step=1", last)["Location"] == url + "?step=review"
    review = html_of(signed_in.get(url + "?step=review"))
    assert '<li>key: A; scope: run</li>' in review


def test_a_template_that_asks_for_nothing_goes_straight_to_the_review(signed_in,
                                                                      add_template) -> None:
    url = add_template(template_entity("plain", []))
    html = html_of(signed_in.get(url))
    assert "This template asks for nothing; it runs as it is." in html
    assert re.findall(r'<span class="step-title">([^<]+)</span>', html) == ["Review"]
    response = signed_in.post(url + "?step=3", {"_action": "create"})
    assert response["Location"] == f"/create/tasks/{Task.objects.get().pk}/"
    assert Task.objects.get().spec["parameters"] == {}
