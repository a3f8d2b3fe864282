"""A small deterministic embedder: hashed character n-grams.

Chinese indicator names share meaning largely through shared characters and words
(满意度, 完成率, 资金), so hashed 1-3-gram counts give real, if shallow, similarity.
It needs no model files, which makes it the embedder for unit tests and a floor that
the transformer must beat in evaluations.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import numpy as np

from scorer.embeddings.base import Kind, check_kind


def _preprocess(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).lower().split())


class HashingEmbedder:
    """``encode`` ignores ``kind``: the representation is symmetric."""

    def __init__(self, dim: int = 512, ngram_range: tuple[int, int] = (1, 3)) -> None:
        self.dim = dim
        self.ngram_range = ngram_range
        self.model_id = f"hashing-char{ngram_range[0]}-{ngram_range[1]}-d{dim}"
        from sklearn.feature_extraction.text import HashingVectorizer  # scipy is slow to import

        # murmurhash3 with a fixed seed: the same text maps to the same vector in every process.
        self._vectorizer = HashingVectorizer(
            analyzer="char",
            ngram_range=ngram_range,
            n_features=dim,
            preprocessor=_preprocess,
            alternate_sign=True,
            norm="l2",
            dtype=np.float32,
        )

    def encode(self, texts: Sequence[str], kind: Kind = "query") -> np.ndarray:
        check_kind(kind)
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._vectorizer.transform(list(texts)).toarray().astype(np.float32, copy=False)
