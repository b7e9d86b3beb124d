"""The JSON body of an API request, or Backstage's InputError for anything else.

A body is read only when it is sent as JSON (``application/json`` or a ``+json``
type), as Backstage's ``express.json()`` reads it. A page on another site can make a
signed-in browser post ``text/plain`` or form bodies without asking first, never
JSON (that needs a CORS preflight, which Greenroom never grants), so no endpoint
can be driven from another site through someone's session, not even those that need
no CSRF token because they change nothing (``analyze-location`` still reads from
the network on the caller's behalf).

``api_view`` reads the body of every POST and PUT before the view runs, so a bad
one (not JSON, malformed, nested too deeply for the parser) is answered the same way
by every endpoint; views then get the parsed value from ``json_body``.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest

from portal.api.errors import ApiError

__all__ = ["json_body"]

_MALFORMED = ("Malformed request body (did you remember to specify an application/json "
              "content type?)")  # fmt: skip
_PARSED = "_api_json_body"


def json_body(request: HttpRequest) -> Any:
    """The parsed body (``None`` when empty); InputError in Backstage's words if it is
    not JSON. Parsed once per request."""
    if not hasattr(request, _PARSED):
        setattr(request, _PARSED, _parse(request))
    return getattr(request, _PARSED)


def _parse(request: HttpRequest) -> Any:
    if not request.body:
        return None
    content_type = request.content_type or ""
    if content_type != "application/json" and not content_type.endswith("+json"):
        raise ApiError("InputError", _MALFORMED)
    try:
        return json.loads(request.body)
    except ValueError:
        raise ApiError("InputError", _MALFORMED) from None
    except RecursionError:
        raise ApiError("InputError", "The request body is nested too deeply to be read") from None
