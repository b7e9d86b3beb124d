"""Links and file addresses of a built page, turned into portal addresses.

A built site links with relative URLs (``../guide/``, ``img/d.png``); inside the portal
a page lives at ``/docs/<ns>/<kind>/<name>/<page>`` and its files at
``/docs/_files/<ns>/<kind>/<name>/<file>``. Every URL is resolved as a browser would
against the page's own address (after percent-decoding, so ``%2e%2e`` is ``..``) and
must stay inside the site; links out of it are dropped. Only http(s), mailto and tel
leave the site; every other scheme is dropped.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from urllib.parse import quote, unquote, urlsplit

__all__ = ["URL_ATTRIBUTES", "UrlRewriter"]

URL_ATTRIBUTES = frozenset({"href", "src", "xlink:href", "poster"})
_EXTERNAL = ("http", "https", "mailto", "tel")


class UrlRewriter:
    """Rewrites the URLs of the page at ``page_url`` (its path inside the site, e.g.
    ``guide/setup/`` or ``""``) for a site shown at ``site_root`` with files at
    ``files_root`` (both absolute paths ending in ``/``)."""

    def __init__(self, page_url: str, site_root: str, files_root: str,
                 asset_version: Callable[[str], str | None] | None = None) -> None:  # fmt: skip
        self.page_url = page_url
        self.site_root = site_root
        self.files_root = files_root
        self.asset_version = asset_version or (lambda _path: None)

    def inside(self, url: str) -> tuple[str, str, str] | None:
        """``(path inside the site, query, fragment)`` of a relative URL, or None when it
        leaves the site (or is no URL at all)."""
        try:
            parts = urlsplit(url)
        except ValueError:
            return None
        path = unquote(parts.path)
        if "\\" in path or "\x00" in path:
            return None
        if path.startswith("/"):
            if not path.startswith(self.site_root):
                return None
            joined = path[len(self.site_root):]
        else:
            base = posixpath.dirname(self.page_url) if not self.page_url.endswith("/") \
                else self.page_url.rstrip("/")  # fmt: skip
            joined = posixpath.join(base, path) if path else self.page_url
        trailing = joined.endswith("/") or path in ("", ".") or path.endswith(("/.", "/.."))
        normal = posixpath.normpath(joined) if joined else "."
        if normal == ".." or normal.startswith("../") or normal.startswith("/"):
            return None
        normal = "" if normal == "." else normal + ("/" if trailing else "")
        return normal, parts.query, parts.fragment

    def rewrite(self, element: str, attribute: str, value: str) -> str | None:
        """The portal URL for ``value`` of ``attribute`` on ``element``, or None to drop it.

        ``value`` is already entity-decoded (nh3 and lxml hand over attribute values as
        a browser reads them) and is not decoded again: a second decoding turned query
        strings such as ``?a=1&region=eu`` into ``?a=1®ion=eu`` (``&reg`` is an entity
        even without ``;``), and the scheme check must see what the browser sees."""
        value = value.strip()
        if not value:
            return None
        if value.startswith("#"):
            return value
        if value.startswith("//"):
            value = "https:" + value
        compact = "".join(value.split()).lower()
        try:
            scheme = urlsplit(compact).scheme
        except ValueError:  # "//[not-an-address]": no browser could follow it either
            return None
        if scheme:
            return value if scheme in _EXTERNAL else None
        found = self.inside(value)
        if found is None:
            return None
        path, query, fragment = found
        tail = (f"?{query}" if query else "") + (f"#{fragment}" if fragment else "")
        if self._is_page(path, element, attribute):
            return self.site_root + quote(path.removesuffix("index.html"), safe="/") + tail
        version = self.asset_version(path)
        stamp = f"?v={quote(version)}" if version and not query else ""
        return self.files_root + quote(path, safe="/") + (stamp or tail.partition("#")[0]) + (
            f"#{fragment}" if fragment else "")  # fmt: skip

    @staticmethod
    def _is_page(path: str, element: str, attribute: str) -> bool:
        if element != "a" or attribute != "href":
            return False
        name = posixpath.basename(path.rstrip("/"))
        return path == "" or path.endswith("/") or path.endswith(".html") or "." not in name
