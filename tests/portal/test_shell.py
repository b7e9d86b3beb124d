"""The portal shell: sign-in required, the sidebar, pages, titles and error pages."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.views.defaults import permission_denied

pytestmark = pytest.mark.django_db

PAGES = ["home", "search", "catalog:index", "catalog:apis", "scaffolder:index", "techdocs:index"]


@pytest.mark.parametrize("name", PAGES)
def test_every_page_requires_sign_in(client, name: str) -> None:
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("name", PAGES)
def test_every_page_renders_in_the_shell_with_a_title(signed_in, name: str) -> None:
    response = signed_in.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>" in html and "· Greenroom</title>" in html
    assert 'id="sidebar"' in html and 'role="search"' in html
    assert 'href="#main"' in html  # skip link for keyboard users


def test_sidebar_lists_core_sections_in_order_and_marks_the_current_one(signed_in) -> None:
    html = signed_in.get(reverse("catalog:apis")).content.decode()
    labels = ["Home", "Catalog", "APIs", "Docs", "Create", "Search"]
    positions = [html.index(f"<span>{label}</span>") for label in labels]
    assert positions == sorted(positions)
    assert f'href="{reverse("catalog:apis")}" aria-current="page"' in html
    assert "<span>Admin</span>" not in html


def test_staff_see_the_admin_entry(client, staff_user) -> None:
    client.force_login(staff_user)
    assert "<span>Admin</span>" in client.get(reverse("home")).content.decode()


def test_htmx_is_served_locally_and_sends_the_csrf_token(signed_in) -> None:
    html = signed_in.get(reverse("home")).content.decode()
    assert "django-htmx" in html or "htmx" in html
    assert "https://unpkg.com" not in html and "cdn" not in html.lower()
    assert 'hx-headers=\'{"x-csrftoken":' in html


def test_search_keeps_the_query_in_the_url_and_shows_an_empty_state(signed_in) -> None:
    response = signed_in.get(reverse("search"), {"q": "<script>alert(1)</script>"})
    html = response.content.decode()
    assert "No results" in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_unknown_page_is_a_friendly_404(signed_in) -> None:
    response = signed_in.get("/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert 'id="sidebar"' in response.content.decode()


def test_404_for_anonymous_users_offers_sign_in(client) -> None:
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Sign in" in response.content.decode()


def test_403_page_is_friendly_and_inside_the_shell(rf, user) -> None:
    request = rf.get("/secret/")
    request.user = user
    response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    html = response.content.decode()
    assert "Access denied" in html and 'id="sidebar"' in html


def test_500_page_renders_without_a_request_context() -> None:
    from django.template.loader import get_template

    html = get_template("500.html").render({})
    assert "Something went wrong" in html


def test_admin_is_available_to_staff(client, staff_user) -> None:
    client.force_login(staff_user)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:portal_job_changelist")).status_code == 200


def test_mobile_viewport_and_navigation_toggle(signed_in) -> None:
    html = signed_in.get(reverse("home")).content.decode()
    assert 'name="viewport"' in html
    assert 'aria-controls="sidebar"' in html and 'aria-expanded="false"' in html

