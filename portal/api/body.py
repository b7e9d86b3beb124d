"""The JSON body of an API request, or Backstage's InputError for anything else."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest

from portal.api.errors import ApiError

__all__ = ["json_body"]


def json_body(request: HttpRequest) -> Any:
    """The parsed body (``None`` when empty); InputError in Backstage's words if it is
    not JSON."""
    try:
        return json.loads(request.body or b"null")
    except ValueError:
        raise ApiError("InputError", "Malformed request body (did you remember to specify an "
                                     "application/json content type?)") from None  # fmt: skip
