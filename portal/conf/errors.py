"""The one error type configuration problems raise."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

__all__ = ["ConfigError"]


class ConfigError(ImproperlyConfigured):
    """A configuration problem, described in one line that names what and where.

    It subclasses ``ImproperlyConfigured`` so Django treats it as the configuration
    error it is; Greenroom's entry points print its message alone, without a traceback.
    """
