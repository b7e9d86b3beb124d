"""Field formats of the entity envelope, as Backstage's ``FieldFormatEntityPolicy`` checks them.

Catalog files written for Backstage must be accepted or rejected exactly as Backstage does, so
the regular expressions, length limits and error texts below are Backstage's own
(``KubernetesValidatorFunctions``, ``CommonValidatorFunctions``, ``makeValidator``). The
patterns are compiled once and used with ``fullmatch`` because JavaScript's ``$`` never matches
before a trailing newline, while Python's does.
"""

from __future__ import annotations

import functools
import ipaddress
import json
import re
import string
import urllib.parse
from collections.abc import Callable, Mapping
from typing import Any

from catalog.model.errors import EntityValidationError

__all__ = [
    "check_field_formats",
    "is_non_empty_string",
    "is_valid_api_version",
    "is_valid_dns_label",
    "is_valid_dns_subdomain",
    "is_valid_kind",
    "is_valid_label_key",
    "is_valid_label_value",
    "is_valid_object_name",
    "is_valid_tag",
    "is_valid_url",
    "shown",
]

FORMAT_DOCS_URL = (
    "https://github.com/backstage/backstage/blob/master/docs/architecture-decisions/"
    "adr002-default-catalog-file-format.md"
)

_DNS_LABEL = re.compile(r"[a-z0-9]+(?:-+[a-z0-9]+)*")
_OBJECT_NAME = re.compile(r"(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")
_KIND = re.compile(r"[a-zA-Z][a-z0-9A-Z]*")
_API_VERSION_SUFFIX = re.compile(r"[a-z0-9A-Z]+")
_TAG = re.compile(r"[a-z0-9:+#]+(?:-[a-z0-9:+#]+)*")
_URL_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_URL_STRIPPED = "".join(chr(c) for c in range(0x21))
_URL_REMOVED = re.compile(r"[\t\n\r]")
_FORBIDDEN_HOST = re.compile(r"[\x00\t\n\r #/:<>?@\[\\\]^|]")
_FORBIDDEN_DOMAIN = re.compile(r"[\x00-\x20#%/:<>?@\[\\\]^|\x7f]")
_SPECIAL_SCHEMES = frozenset({"http", "https", "ws", "wss", "ftp"})
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]")
_SHOWN_MAX = 200
_PREFIXED_MAX = 253 + 1 + 63

_OBJECT_NAME_TEXT = (
    "a string that is sequences of [a-zA-Z0-9] separated by any of [-_.], "
    "at most 63 characters in total"
)
_PREFIX_SUFFIX_TEXT = "a valid prefix and/or suffix"
_DNS_LABEL_TEXT = (
    "a string that is sequences of [a-z0-9] separated by [-], at most 63 characters in total"
)
# Backstage's text still omits the colon that its tag rule accepts since catalog-model 0.13.
_TAG_TEXT = (
    "a string that is sequences of [a-z0-9+#] separated by [-], at most 63 characters in total"
)
_KIND_TEXT = "a string that is a sequence of [a-zA-Z][a-z0-9A-Z], at most 63 characters in total"
_URL_TEXT = "a string that is a valid url"
_NON_EMPTY_TEXT = "a non empty string"


def is_valid_dns_label(value: object) -> bool:
    """RFC 1123 label, lower case only: namespaces must be usable as DNS labels."""
    return isinstance(value, str) and 1 <= len(value) <= 63 and bool(_DNS_LABEL.fullmatch(value))


def is_valid_dns_subdomain(value: object) -> bool:
    """Dot-separated DNS labels, at most 253 characters: the prefix of keys and apiVersions."""
    return (
        isinstance(value, str)
        and 1 <= len(value) <= 253
        and all(is_valid_dns_label(part) for part in value.split("."))
    )


def is_valid_object_name(value: object) -> bool:
    """Kubernetes object name (upper case allowed): entity names, label values, key names."""
    return isinstance(value, str) and 1 <= len(value) <= 63 and bool(_OBJECT_NAME.fullmatch(value))


def is_valid_kind(value: object) -> bool:
    """A kind is a letter followed by letters and digits, at most 63 characters."""
    return isinstance(value, str) and 1 <= len(value) <= 63 and bool(_KIND.fullmatch(value))


def is_valid_tag(value: object) -> bool:
    """Lower-case tag; ``:``, ``+`` and ``#`` are allowed so ``c++`` and ``lang:go`` work."""
    return isinstance(value, str) and 1 <= len(value) <= 63 and bool(_TAG.fullmatch(value))


def _is_valid_api_version_suffix(value: str) -> bool:
    return 1 <= len(value) <= 63 and bool(_API_VERSION_SUFFIX.fullmatch(value))


def _is_valid_prefix_and_or_suffix(
    value: str, is_valid_prefix: Callable[[str], bool], is_valid_suffix: Callable[[str], bool]
) -> bool:
    """``<suffix>`` or ``<prefix>/<suffix>``; a second ``/`` is never valid."""
    parts = value.split("/")
    if len(parts) == 1:
        return is_valid_suffix(parts[0])
    return len(parts) == 2 and is_valid_prefix(parts[0]) and is_valid_suffix(parts[1])


# The same few apiVersions and annotation keys recur in every entity, so their verdicts are
# cached; anything longer than the longest valid value is rejected before reaching the cache.
@functools.lru_cache(maxsize=1024)
def _is_valid_api_version(value: str) -> bool:
    return _is_valid_prefix_and_or_suffix(
        value, is_valid_dns_subdomain, _is_valid_api_version_suffix
    )


@functools.lru_cache(maxsize=1024)
def _is_valid_label_key(value: str) -> bool:
    return _is_valid_prefix_and_or_suffix(value, is_valid_dns_subdomain, is_valid_object_name)


def is_valid_api_version(value: object) -> bool:
    """``[<dns subdomain>/]<alphanumerics>``, so ``1.0`` is rejected as in Backstage."""
    return isinstance(value, str) and len(value) <= _PREFIXED_MAX and _is_valid_api_version(value)


def is_valid_label_key(value: object) -> bool:
    """``[<dns subdomain>/]<object name>``; annotation keys follow the same rule."""
    return isinstance(value, str) and len(value) <= _PREFIXED_MAX and _is_valid_label_key(value)


def is_valid_label_value(value: object) -> bool:
    """Label values may be empty, otherwise they follow the object-name rule."""
    return value == "" or is_valid_object_name(value)


def is_non_empty_string(value: object) -> bool:
    """A string with something other than white space (link titles and icons)."""
    return isinstance(value, str) and bool(value.strip())


def _is_valid_port(port: str) -> bool:
    digits = port.lstrip("0")
    return port == "" or (
        port.isascii() and port.isdigit() and len(digits) <= 5 and int(digits or "0") <= 65535
    )


_IPV4_DIGITS = {
    10: frozenset("0123456789"),
    16: frozenset(string.hexdigits),
    8: frozenset("01234567"),
}


def _ipv4_number(part: str) -> int | None:
    """One IPv4 part as WHATWG reads it: decimal, ``0x`` hexadecimal or ``0`` octal."""
    if not part:
        return None
    base = 10
    if part[:2] in ("0x", "0X"):
        part, base = part[2:], 16
    elif len(part) > 1 and part.startswith("0"):
        part, base = part[1:], 8
    if not set(part) <= _IPV4_DIGITS[base]:
        return None
    if not part:
        return 0
    return int(part, base) if len(part) <= 32 else 1 << 64  # longer ones are far beyond 2**32


def _ipv4_parts(host: str) -> list[str]:
    parts = host.split(".")
    if parts[-1] == "" and len(parts) > 1:
        parts.pop()
    return parts


def _is_valid_punycode(label: str) -> bool:
    """An ``xn--`` label must decode to a non-ASCII label, as IDNA requires."""
    try:
        decoded = label[4:].encode("ascii").decode("punycode")
    except (UnicodeError, ValueError):
        return False
    return bool(decoded) and not decoded.isascii()


def _is_valid_domain(host: str) -> bool:
    """A special URL's host: percent-decoded, no forbidden code point, valid ``xn--`` labels,
    and when it ends in a number (``1.2.3.4``, ``0x7f.1``) a valid IPv4 address."""
    host = urllib.parse.unquote(host, errors="replace").lower()
    if not host or "\ufffd" in host or _FORBIDDEN_DOMAIN.search(host):
        return False
    labels = host.split(".")
    if not all(_is_valid_punycode(label) for label in labels if label.startswith("xn--")):
        return False
    parts = _ipv4_parts(host)
    if not (parts[-1].isascii() and parts[-1].isdigit()) and _ipv4_number(parts[-1]) is None:
        return True
    numbers: list[int] = []
    for part in parts:
        number = _ipv4_number(part)
        if number is None:
            return False
        numbers.append(number)
    return (
        len(numbers) <= 4
        and all(number <= 255 for number in numbers[:-1])
        and numbers[-1] < 256 ** (5 - len(numbers))
    )


def _is_valid_ipv6(host: str) -> bool:
    try:
        ipaddress.IPv6Address(host)
    except ValueError:
        return False
    return "%" not in host


def _authority(rest: str) -> str:
    """The part of a URL after its ``//`` and before its path, query or fragment."""
    return re.split(r"[/?#]", rest, maxsplit=1)[0]


def _is_valid_authority(authority: str, *, special: bool) -> bool:
    """Check the ``user@host:port`` part the way a WHATWG URL parser would reject it."""
    _, at, host_port = authority.rpartition("@")
    if host_port.startswith("["):
        host, bracket, port = host_port[1:].partition("]")
        if not bracket or (port and not port.startswith(":")):
            return False
        return _is_valid_ipv6(host) and _is_valid_port(port[1:])
    host, colon, port = host_port.partition(":")
    if special:
        valid_host = _is_valid_domain(host)
    else:
        empty_allowed = not (colon or at)
        valid_host = not _FORBIDDEN_HOST.search(host) and (bool(host) or empty_allowed)
    return valid_host and _is_valid_port(port)


def is_valid_url(value: object) -> bool:
    """An absolute URL that JavaScript's ``new URL()`` accepts (close approximation).

    Links are shown as clickable anchors, so relative or unparseable URLs are rejected the
    way Backstage rejects them: a scheme is required, and special schemes (``http``, ...)
    need a valid host and port.
    """
    if not isinstance(value, str):
        return False
    text = _URL_REMOVED.sub("", value.strip(_URL_STRIPPED))
    scheme = _URL_SCHEME.match(text)
    if scheme is None:
        return False
    name = scheme.group()[:-1].lower()
    rest = text[scheme.end() :]
    if name in _SPECIAL_SCHEMES:
        return _is_valid_authority(_authority(rest.replace("\\", "/").lstrip("/")), special=True)
    if name == "file":
        authority = _authority(rest.replace("\\", "/")[2:])
        return not rest.startswith("//") or authority == "" or _is_valid_domain(authority)
    return not rest.startswith("//") or _is_valid_authority(_authority(rest[2:]), special=False)


def shown(value: str) -> str:
    """``value`` as it may appear in a one-line error message.

    Ordinary values are returned unchanged (so messages match Backstage's); control
    characters are escaped and very long values are cut, because messages are stored and
    displayed as single lines.
    """
    if _CONTROL.search(value):
        value = _CONTROL.sub(lambda match: json.dumps(match.group())[1:-1], value)
    if len(value) > _SHOWN_MAX:
        value = value[:_SHOWN_MAX] + "..."
    return value


def _format_error(field: str, path: str, value: str, expectation: str) -> EntityValidationError:
    return EntityValidationError(
        f'"{shown(field)}" is not valid; expected {expectation} but found "{shown(value)}". '
        f"To learn more about catalog file format, visit: {FORMAT_DOCS_URL}",
        field=path,
    )


def _require(
    field: str, path: str, value: object, check: Callable[[object], bool], expectation: str
) -> None:
    if not check(value):
        raise _format_error(field, path, str(value), expectation)


def _check_key_values(kind: str, entries: Mapping[str, Any], check_value: Callable | None) -> None:
    """Labels and annotations: key first, then value, entry by entry (Backstage's order)."""
    for key, value in entries.items():
        field = f"{kind}.{key}"
        path = f"metadata.{field}"
        _require(field, path, key, is_valid_label_key, _PREFIX_SUFFIX_TEXT)
        if check_value is not None:
            _require(field, path, value, check_value, _OBJECT_NAME_TEXT)


def _check_links(links: list[Mapping[str, Any]]) -> None:
    for index, link in enumerate(links):
        base = f"links.{index}"
        _require(f"{base}.url", f"metadata.{base}.url", link["url"], is_valid_url, _URL_TEXT)
        for name in ("title", "icon"):
            if name in link:
                field = f"{base}.{name}"
                path = f"metadata.{field}"
                _require(field, path, link[name], is_non_empty_string, _NON_EMPTY_TEXT)


def check_field_formats(entity: Mapping[str, Any]) -> None:
    """Apply ``FieldFormatEntityPolicy`` to a schema-valid entity, first failure wins.

    Messages name fields as Backstage does (``labels.<key>``, ``tags.<i>``); the error's
    ``field`` is the full dotted path (``metadata.labels.<key>``). Annotation values need no
    check here: the entity schema already requires them to be strings.
    """
    api_version, kind, metadata = entity["apiVersion"], entity["kind"], entity["metadata"]
    _require("apiVersion", "apiVersion", api_version, is_valid_api_version, _PREFIX_SUFFIX_TEXT)
    _require("kind", "kind", kind, is_valid_kind, _KIND_TEXT)
    name = metadata["name"]
    _require("metadata.name", "metadata.name", name, is_valid_object_name, _OBJECT_NAME_TEXT)
    if "namespace" in metadata:
        namespace = metadata["namespace"]
        field = "metadata.namespace"
        _require(field, field, namespace, is_valid_dns_label, _DNS_LABEL_TEXT)
    _check_key_values("labels", metadata.get("labels") or {}, is_valid_label_value)
    _check_key_values("annotations", metadata.get("annotations") or {}, None)
    for index, tag in enumerate(metadata.get("tags") or ()):
        _require(f"tags.{index}", f"metadata.tags.{index}", tag, is_valid_tag, _TAG_TEXT)
    _check_links(metadata.get("links") or [])
