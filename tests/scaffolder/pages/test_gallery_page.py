"""The template gallery ``/create/``: cards for the catalog's Template entities,
filters in the URL with HTMX swaps, stars, pages, an empty state, and a bounded
number of queries at 200 templates."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from catalog import stars
from tests.scaffolder.pages.conftest import template_doc

pytestmark = pytest.mark.django_db

URL = "/create/"


def card_refs(html: str) -> list[str]:
    return re.findall(r'<li class="template-card" data-ref="([^"]+)"', html)


@pytest.fixture
def three(add_templates) -> None:
    add_templates(
        template_doc("python-service", title="Python web service", tags=("python", "recommended"),
                     description="A Python HTTP service with CI", owner="infrastructure",
                     docs=True),
        template_doc("docs-site", title="Documentation site", type="documentation",
                     tags=("docs",), description="An MkDocs site"),
        template_doc("node-app", tags=("node", "recommended"), type="website",
                     owner="user:guest"),
    )  # fmt: skip


def test_no_templates_shows_how_to_add_one(signed_in) -> None:
    html = signed_in.get(URL).content.decode()
    assert "No templates yet" in html and "How to add a template" in html
    assert f'href="{reverse("catalog:register")}"' in html and "catalog.locations" in html
    assert f'href="{reverse("scaffolder:actions")}"' in html
    assert f'href="{reverse("scaffolder:api_docs")}"' in html
    assert "css/scaffolder.css" in html


def test_cards_show_title_description_tags_owner_type_and_links(signed_in, three) -> None:
    html = signed_in.get(URL).content.decode()
    # sorted by title or name, and only templates (not the groups)
    assert card_refs(html) == ["template:default/docs-site", "template:default/node-app",
                               "template:default/python-service"]  # fmt: skip
    assert '<a href="/catalog/default/template/python-service">Python web service</a>' in html
    assert "A Python HTTP service with CI" in html
    assert '<a class="tag" href="?tag=recommended"' in html
    assert (
        'href="/catalog/default/group/infrastructure" title="group:default/infrastructure">'
        "infrastructure</a>" in html
    )
    assert 'title="user:default/guest">user:guest</a>' in html
    assert 'class="chip template-type" href="?type=documentation"' in html
    # docs only for the template with a techdocs-ref annotation
    assert html.count('href="/docs/default/template/') == 1
    assert 'href="/docs/default/template/python-service/"' in html
    assert "3 templates" in html


@pytest.mark.parametrize(("query", "expected"), [
    ("?type=documentation", ["docs-site"]),
    ("?type=service&type=website", ["node-app", "python-service"]),
    ("?tag=recommended", ["node-app", "python-service"]),
    ("?tag=RECOMMENDED&type=website", ["node-app"]),
    ("?owner=group:default/infrastructure", ["python-service"]),
    ("?q=mkdocs", ["docs-site"]),
    ("?q=service+python", ["python-service"]),
    ("?q=nothing-like-this", []),
])  # fmt: skip
def test_filters(signed_in, three, query: str, expected: list[str]) -> None:
    html = signed_in.get(URL + query).content.decode()
    assert [ref.split("/")[-1] for ref in card_refs(html)] == expected
    if not expected:
        assert "No templates match" in html and "Clear filters" in html


def test_filter_options_have_counts_and_keep_the_chosen_ones(signed_in, three) -> None:
    html = signed_in.get(URL + "?tag=recommended&tag=gone").content.decode()
    assert re.search(
        r'name="tag" value="recommended" checked>\s*<span class="facet-label" '
        r'title="recommended">recommended</span>\s*<span class="count">2</span>',
        html,
    )
    assert 'name="tag" value="gone" checked>' in html  # a chosen value no template has
    assert 'name="type" value="service">' in html and 'name="owner" value="user:default/guest"' \
           in html  # fmt: skip


def test_htmx_requests_get_the_gallery_partial(signed_in, three) -> None:
    full = signed_in.get(URL + "?tag=docs")
    partial = signed_in.get(URL + "?tag=docs", HTTP_HX_REQUEST="true")
    assert "HX-Request" in full["Vary"] and "HX-Request" in partial["Vary"]
    body = partial.content.decode()
    assert body.lstrip().startswith('<form id="template-gallery"') and "<html" not in body
    assert card_refs(body) == card_refs(full.content.decode()) == ["template:default/docs-site"]
    form = re.search(r'<form id="template-gallery"[^>]*>', full.content.decode()).group(0)
    for attribute in ('hx-sync="this:replace"', 'hx-push-url="true"', 'method="get"',
                      'hx-target="#template-gallery"'):  # fmt: skip
        assert attribute in form


def test_starred_filter(signed_in, user, three) -> None:
    html = signed_in.get(URL + "?show=starred").content.decode()
    assert "No starred templates" in html
    stars.toggle_star(user, "template:default/node-app")
    html = signed_in.get(URL + "?show=starred").content.decode()
    assert card_refs(html) == ["template:default/node-app"]
    assert 'aria-label="Starred"' in html
    everything = signed_in.get(URL).content.decode()
    assert len(card_refs(everything)) == 3 and everything.count('aria-label="Starred"') == 1


def test_templates_in_other_namespaces_link_there(signed_in, add_templates) -> None:
    add_templates(template_doc("ops-tool", namespace="ops", title="Ops tool", docs=True))
    html = signed_in.get(URL).content.decode()
    assert '<a href="/catalog/ops/template/ops-tool">Ops tool</a>' in html
    assert 'href="/docs/ops/template/ops-tool/"' in html
    assert 'href="/catalog/ops/group/team-a"' in html  # spec.owner resolves in its namespace


def test_descriptions_are_escaped(signed_in, add_templates) -> None:
    add_templates(template_doc("x", description="<script>alert(1)</script>", tags=("a-b",)))
    html = signed_in.get(URL).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_pages_of_24(signed_in, add_templates) -> None:
    add_templates(*[template_doc(f"t-{i:02d}") for i in range(30)])
    first = signed_in.get(URL).content.decode()
    assert len(card_refs(first)) == 24 and "1\u201324 of 30 templates" in first
    assert 'rel="next" href="?page=2"' in first and "Page 1 of 2" in first
    second = signed_in.get(URL + "?page=2").content.decode()
    assert card_refs(second) == [f"template:default/t-{i}" for i in range(24, 30)]
    assert 'rel="prev" href="?"' in second
    beyond = signed_in.get(URL + "?page=99").content.decode()  # clamped to the last page
    assert card_refs(beyond) == card_refs(second)
    filtered = signed_in.get(URL + "?q=t-2&page=1").content.decode()
    assert len(card_refs(filtered)) == 10 and "Page 1" not in filtered  # one page: no pager


def test_200_templates_cost_a_bounded_number_of_queries(
    signed_in, user, add_templates, django_assert_max_num_queries
) -> None:
    add_templates(*[template_doc(f"tpl-{i:03d}", tags=(f"tag-{i % 7}",), type=f"type-{i % 3}")
                    for i in range(200)])  # fmt: skip
    stars.toggle_star(user, "template:default/tpl-007")
    signed_in.get(URL)  # the session and user rows are read on every request
    # session, user, templates, stars, the layout's identity (linked GitHub accounts, User
    # entity): the same with or without filters
    for query in ("", "?tag=tag-3&type=type-1&q=tpl", "?show=starred", "?page=5"):
        with django_assert_max_num_queries(6):
            response = signed_in.get(URL + query)
        assert response.status_code == 200
    assert len(card_refs(signed_in.get(URL).content.decode())) == 24


def test_needs_sign_in(client) -> None:
    assert client.get(URL).status_code == 302


def test_the_header_search_box_is_left_alone(signed_in, three) -> None:
    html = signed_in.get(URL + "?q=mkdocs").content.decode()
    assert 'name="q" value=""' in html.split('id="header-search"')[1][:200]
