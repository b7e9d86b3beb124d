"""A site's build page: its state, what went wrong and the last build's log, live
while a build runs; and the Rebuild button."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from portal.http_methods import require_http_methods
from portal.models import JobLogEntry
from techdocs.advice import advice_for
from techdocs.models import BuildState, DocsSite
from techdocs.reader import status_of
from techdocs.references import Triplet
from techdocs.sites import request_build, site_of

__all__ = ["build_page"]

#: The log shows this many last lines; a build's log rarely has more.
LOG_LINES = 500
#: htmx stops polling on this status (its documented "stop polling" code).
STOP_POLLING = 286


@require_http_methods(["GET", "POST"])
def build_page(request: HttpRequest, namespace: str, kind: str, name: str) -> HttpResponse:
    triplet = Triplet.of(namespace, kind, name)
    site = site_of(triplet)
    if site is None:
        raise Http404(f"No docs for {triplet.ref}")
    here = reverse("techdocs:build", args=(triplet.namespace, triplet.kind, triplet.name))
    if request.method == "POST":
        request_build(site, request.user)
        return redirect(here)
    if request.GET.get("notice"):
        return _notice(request, site)
    job = site.last_job
    lines = list(JobLogEntry.objects.filter(job=job).order_by("-id")[:LOG_LINES])[::-1] \
        if job else []  # fmt: skip
    active = site.state in (BuildState.QUEUED, BuildState.BUILDING)
    context = {"site": site, "triplet": triplet, "job": job, "lines": lines, "active": active,
               "advice": advice_for(site.problem_kind), "here": here,
               "reader": reverse("techdocs:site", args=(triplet.namespace, triplet.kind,
                                                         triplet.name))}  # fmt: skip
    if request.htmx:
        response = render(request, "techdocs/build.html#build-status", context)
        if not active:
            response.status_code = STOP_POLLING
        return response
    return render(request, "techdocs/build.html", context)


def _notice(request: HttpRequest, site: DocsSite) -> HttpResponse:
    """The reader's self-updating notice; a site that had nothing to show reloads
    itself once its first version is live."""
    shown = request.GET.get("shown", "")
    status = status_of(site, int(shown) if shown.isdigit() else None)
    if not status.polling and not shown and site.published_id:
        response = HttpResponse(status=STOP_POLLING)
        response["HX-Refresh"] = "true"
        return response
    response = render(request, "techdocs/_status.html",
                      {"site": site, "status": status, "shown": shown})  # fmt: skip
    if not status.polling:
        response.status_code = STOP_POLLING
    return response
