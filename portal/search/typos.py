"""Typo correction: when nothing matches, each unknown word is replaced by the most
similar word of the vocabulary.

Similarity is pg_trgm's: the share of trigrams two words have in common (each word
padded with two spaces before and one after, as pg_trgm pads it). The engines only
fetch candidates (PostgreSQL with pg_trgm's index, SQLite with an FTS5 trigram
table); the choice among them is made here, so both engines correct a word to the same
word.
"""

from __future__ import annotations

from portal.search.engines import Engine

__all__ = ["THRESHOLD", "nearest", "similarity"]

#: pg_trgm's default ``similarity_threshold``: below it a word is not a correction.
THRESHOLD = 0.3


def trigrams(word: str) -> set[str]:
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def similarity(a: str, b: str) -> float:
    """pg_trgm's ``similarity(a, b)`` for two lower-case words."""
    first, second = trigrams(a), trigrams(b)
    return len(first & second) / len(first | second) if first or second else 0.0


def nearest(engine: Engine, word: str, limit: int = 3) -> list[str]:
    """Up to ``limit`` vocabulary words most similar to ``word``, best first."""
    candidates = {candidate for candidate in engine.similar_words(word) if candidate != word}
    scored = sorted(((similarity(word, candidate), candidate) for candidate in candidates),
                    key=lambda pair: (-pair[0], len(pair[1]), pair[1]))  # fmt: skip
    return [candidate for score, candidate in scored if score >= THRESHOLD][:limit]
