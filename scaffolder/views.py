"""Scaffolder pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The templates a developer can start from."""
    return render(request, "scaffolder/index.html")


@require_GET
def api_docs(request: HttpRequest) -> HttpResponse:
    """The scaffolder REST API (tasks, dry runs, actions), browsable and callable with
    the visitor's session."""
    return render(request, "portal/api_docs.html", {
        "title": "Scaffolder API", "openapi_url": reverse("scaffolder-api:openapi"),
        "summary": "Templates and tasks, compatible with Backstage's scaffolder API.",
    })  # fmt: skip
