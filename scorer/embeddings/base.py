"""The one interface every embedder implements, so models are interchangeable.

A check asks for vectors and compares them; it never knows which model produced them.
Swapping the converted e5 for a user's bge-small-zh (or the hashing embedder in tests)
changes a setting, not code.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Protocol, runtime_checkable

import numpy as np

#: e5 was trained with ``query: `` / ``passage: `` prefixes; compare like with like
#: (the same kind on both sides of a symmetric comparison).
Kind = Literal["query", "passage"]
KINDS: tuple[Kind, ...] = ("query", "passage")


@runtime_checkable
class Embedder(Protocol):
    """Texts → L2-normalised float32 matrix of shape ``(len(texts), dim)``.

    ``model_id`` names the model and its version precisely enough to key a cache: two
    embedders with the same id must return the same vectors for the same input.
    """

    model_id: str
    dim: int

    def encode(self, texts: Sequence[str], kind: Kind = "query") -> np.ndarray: ...


class EmbedderError(RuntimeError):
    """An embedder cannot be loaded or used; the message says what to do."""


def check_kind(kind: str) -> Kind:
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")
    return kind  # type: ignore[return-value]
