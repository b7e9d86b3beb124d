"""Backstage's error body for Greenroom's REST APIs.

Every error answers ``{"error": {"name", "message"}, "request": {"method", "url"},
"response": {"statusCode"}}`` with the status Backstage gives that error name, so
clients written against Backstage read Greenroom's errors unchanged.
"""

from __future__ import annotations

import re

from django.http import HttpRequest, JsonResponse

__all__ = ["STATUS_BY_NAME", "ApiError", "error_response"]

STATUS_BY_NAME = {
    "InputError": 400,
    "AuthenticationError": 401,
    "NotAllowedError": 403,
    "NotFoundError": 404,
    "ConflictError": 409,
    "PayloadTooLargeError": 413,
    "NotImplementedError": 501,
    "ServiceUnavailableError": 503,
}


#: ``/api/<plugin>``: Backstage reports ``request.url`` relative to the plugin's mount.
_PLUGIN_PREFIX = re.compile(r"^/api/[^/?]+")


class ApiError(Exception):
    """An error with a Backstage error name; its status follows from the name."""

    def __init__(self, name: str, message: str) -> None:
        super().__init__(message)
        self.name = name
        self.status = STATUS_BY_NAME.get(name, 500)


def error_response(request: HttpRequest, name: str, message: str) -> JsonResponse:
    """The Backstage-shaped JSON error response."""
    status = STATUS_BY_NAME.get(name, 500)
    url = _PLUGIN_PREFIX.sub("", request.get_full_path(), count=1)
    return JsonResponse(
        {
            "error": {"name": name, "message": message},
            "request": {"method": request.method, "url": url},
            "response": {"statusCode": status},
        },
        status=status,
    )
