"""Greenroom's URLs."""

from django.contrib import admin
from django.urls import include, path

from portal.api import search as search_api
from portal.views import access, auth, health, pages, search

urlpatterns = [
    path("", pages.home, name="home"),
    path("search/", search.search_page, name="search"),
    path("access/", access.access_page, name="access"),
    path("search/suggestions", search.suggestions, name="search_suggestions"),
    path("login/", auth.LoginView.as_view(), name="login"),
    path("logout/", auth.LogoutView.as_view(), name="logout"),
    path("auth/", include("social_django.urls", namespace="social")),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("", include("catalog.urls")),
    path("api/catalog/", include("catalog.api.urls")),
    path("api/scaffolder/", include("scaffolder.api.urls")),
    path("api/search/query", search_api.query, name="search_api_query"),
    path("create/", include("scaffolder.urls")),
    path("docs/", include("techdocs.urls")),
]
