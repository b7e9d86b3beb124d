"""Text the catalog can store: no NUL character and no lone surrogate.

PostgreSQL text and jsonb cannot hold NUL (U+0000), and a lone UTF-16 surrogate
(U+D800 to U+DFFF outside a pair, which only a JSON or YAML escape can produce, never
UTF-8 bytes) cannot be encoded at all, so hashing, storing or serving an entity that
holds either fails. Documents are checked where they are parsed, and such text is a
problem of its document on every database, before it can reach a write.
"""

from __future__ import annotations

import re

__all__ = ["unstorable_character"]

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def unstorable_character(text: str) -> str | None:
    """Why ``text`` cannot be stored (``"a NUL character (\\u0000)"``), or None."""
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return "a NUL character (\\u0000)"
    return f"a lone surrogate (\\u{ord(found.group()):04x})"
