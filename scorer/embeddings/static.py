"""Static fast tier: per-token vectors distilled from the transformer (model2vec's recipe).

``StaticEmbedding.from_distillation`` needs ``model2vec[distill]``, which pins an older
transformers/tokenizers/huggingface_hub than zhibiao uses, so the recipe is done here:

1. vocabulary: every Chinese piece of the XLM-R vocabulary, the symbol and full-width
   pieces, and the most probable remaining pieces (Latin, digits, units);
2. each piece is run through the transformer alone (``<s> piece </s>``) and mean-pooled,
   as e5 pools a sentence;
3. PCA reduces the vectors (and removes their shared mean direction);
4. SIF weighting ``a / (a + p)``, with ``p`` the piece's own Unigram probability,
   down-weights pieces that carry little meaning (的, 和, punctuation).

A sentence is then the normalised mean of its pieces' rows: a table lookup, no attention.
The result is a sentence-transformers directory (StaticEmbedding → Normalize), loadable by
:class:`~scorer.embeddings.sentence_transformer.SentenceTransformerEmbedder`.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from scorer.embeddings.checksums import write_checksums
from scorer.embeddings.modeldir import directory_size, read_metadata, staged_output, write_metadata

_CHINESE = re.compile(r"^▁?[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$")
_SYMBOLS = re.compile(r"^▁?[\u2000-\u206f\u2100-\u23ff\u2460-\u24ff\u3000-\u303f\uff00-\uffef]+$")
STATIC_VERSION = 1


@dataclass(frozen=True)
class StaticRecipe:
    pca_dims: int = 256
    sif_coefficient: float = 1e-4
    #: pieces kept besides the Chinese and symbol ones, by Unigram probability.
    other_pieces: int = 8000
    batch_size: int = 512


@dataclass(frozen=True)
class StaticResult:
    output_dir: Path
    vocabulary: int
    dims: int
    seconds: float
    size_bytes: int


def select_vocabulary(pieces: Sequence[str], scores: np.ndarray, special: set[str], other_pieces: int) -> list[int]:
    """Ids of the pieces the static tier keeps, in the original order."""
    keep = {i for i, p in enumerate(pieces) if p not in special and (_CHINESE.match(p) or _SYMBOLS.match(p))}
    others = [int(i) for i in np.argsort(-scores, kind="stable") if i not in keep and pieces[i] not in special]
    keep.update(others[:other_pieces])
    return sorted(keep)


def token_vectors(transformer, ids: Sequence[int], bos_id: int, eos_id: int, batch_size: int) -> np.ndarray:
    """Mean-pooled ``<s> piece </s>`` output of the HF model for each piece id."""
    import torch

    out = np.empty((len(ids), transformer.config.hidden_size), dtype=np.float32)
    with torch.inference_mode():
        for start in range(0, len(ids), batch_size):
            chunk = torch.tensor(ids[start : start + batch_size], dtype=torch.long)
            batch = torch.stack([torch.full_like(chunk, bos_id), chunk, torch.full_like(chunk, eos_id)], dim=1)
            hidden = transformer(input_ids=batch, attention_mask=torch.ones_like(batch)).last_hidden_state
            out[start : start + len(chunk)] = hidden.mean(dim=1).numpy()
    return out


def static_table(vectors: np.ndarray, log_probs: np.ndarray, recipe: StaticRecipe) -> np.ndarray:
    """PCA-reduced, SIF-weighted rows, with a zero row 0 for unknown pieces (they then add
    nothing to a sentence's direction)."""
    from sklearn.decomposition import PCA

    dims = min(recipe.pca_dims, vectors.shape[1], len(vectors))
    reduced = PCA(n_components=dims, svd_solver="full", random_state=0).fit_transform(vectors)
    weights = recipe.sif_coefficient / (recipe.sif_coefficient + np.exp(log_probs.astype(np.float64)))
    rows = (reduced * weights[:, None]).astype(np.float32)
    return np.ascontiguousarray(np.vstack([np.zeros((1, dims), dtype=np.float32), rows]))


def distill_static(transformer_dir: Path, output_dir: Path, recipe: StaticRecipe = StaticRecipe()) -> StaticResult:
    """Build the static tier of the sentence-transformers model in ``transformer_dir``."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, StaticEmbedding
    from tokenizers import Tokenizer, models

    start = time.perf_counter()
    source = SentenceTransformer(str(transformer_dir), device="cpu", local_files_only=True)
    hf_tokenizer = source.tokenizer
    backend = hf_tokenizer.backend_tokenizer
    pieces, scores = _unigram_vocabulary(backend)
    ids = select_vocabulary(pieces, scores, set(hf_tokenizer.all_special_tokens), recipe.other_pieces)
    vectors = token_vectors(
        source[0].auto_model, ids, hf_tokenizer.bos_token_id, hf_tokenizer.eos_token_id, recipe.batch_size
    )
    table = static_table(vectors, scores[ids], recipe)

    unk = hf_tokenizer.unk_token
    tokenizer = Tokenizer(models.Unigram([(unk, 0.0)] + [(pieces[i], float(scores[i])) for i in ids], unk_id=0))
    tokenizer.normalizer = backend.normalizer
    tokenizer.pre_tokenizer = backend.pre_tokenizer
    model = SentenceTransformer(
        modules=[StaticEmbedding(tokenizer, embedding_weights=table, base_model=str(transformer_dir)), Normalize()],
        device="cpu",
    )
    model.similarity_fn_name = "cosine"
    source_id = read_metadata(transformer_dir).get("model_id", transformer_dir.name)
    with staged_output(output_dir) as staging:
        model.save(str(staging), create_model_card=False)
        write_metadata(
            staging,
            {
                "model_id": f"{source_id}-static-v{STATIC_VERSION}-d{table.shape[1]}",
                "distilled_from": source_id,
                "recipe": asdict(recipe),
                "vocabulary": len(ids) + 1,
            },
        )
        write_checksums(staging)
        (staging / "README.md").write_text(_model_card(source_id, len(ids) + 1, table.shape[1], recipe), encoding="utf-8")
    return StaticResult(output_dir, len(ids) + 1, table.shape[1], time.perf_counter() - start, directory_size(output_dir))


def _unigram_vocabulary(backend) -> tuple[list[str], np.ndarray]:
    state = json.loads(backend.to_str())["model"]
    if state.get("type") != "Unigram":
        raise ValueError("the static tier needs a Unigram (SentencePiece) tokenizer")
    pieces = [piece for piece, _ in state["vocab"]]
    scores = np.array([score for _, score in state["vocab"]], dtype=np.float32)
    return pieces, scores


def _model_card(source_id: str, vocabulary: int, dims: int, recipe: StaticRecipe) -> str:
    return f"""# {source_id} static tier

Per-piece vectors distilled from `{source_id}` by `zhibiao models build-embedder --static`:
{vocabulary:,} SentencePiece pieces (all Chinese and symbol pieces, the {recipe.other_pieces:,} most probable
others), each embedded alone by the transformer, PCA to {dims} dimensions, SIF-weighted
(a = {recipe.sif_coefficient:g}) by the piece's Unigram probability. A sentence is the normalised mean of
its pieces: no prompts, no attention, no word order. Use it to find candidates quickly
and re-score them with the transformer; see zhibiao's docs/embeddings.md for measured quality.
"""
