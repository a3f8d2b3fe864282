"""A learned linear map on the embeddings, fitted on the relevance model's training pairs.

The e5 embedder cannot be fine-tuned here and shipped (470 MB, rebuilt from a pip package
on every machine), but a map W = I + U Vᵀ of low rank can ship inside the relevance
model's joblib. It is the first step of the relevance pipeline: every vector of
:class:`~scorer.semantic.relevance.EmbeddedPairs` is mapped and renormalised before
:class:`~scorer.semantic.relevance.RelevanceFeatures` takes its cosines, so a fold of
cross-validation fits its own map on its own training documents.

The loss is InfoNCE on the fits only: each judged indicator should be closer to its own
project's name than to the names of projects of *other* kinds (same-kind projects are left
out of the softmax: the indicator fits them too), and, weighted by ``sibling_weight``,
closer to its nearest sibling than to the indicators of other kinds. ``weight_decay`` on
U Vᵀ keeps W near the identity: the corpus is small (~460 fits from 62 documents).
On grouped cross-validation (5 fold seeds) it raised ROC-AUC / F1 from 0.960 / 0.864 to
0.968 / 0.873 by document and from 0.961 / 0.860 to 0.970 / 0.877 by kind of project, but
a model trained with it did worse on the probe of unseen domains and on the evaluation set,
so it is off by default (``RelevanceConfig.adapter``, ``python -m training.relevance cv
--adapter``; docs/semantic.md).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from scorer.semantic.domains import LIBRARY, OTHER
from scorer.semantic.relevance import EmbeddedPairs, SiblingVectors, unjudged


def _normalise(m: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(m, axis=-1, keepdims=True)
    return (m / np.where(norm > 0, norm, 1.0)).astype(np.float32)


class EmbeddingAdapter(TransformerMixin, BaseEstimator):
    """EmbeddedPairs → EmbeddedPairs with every vector mapped by ``matrix_`` and renormalised.
    ``fit`` takes the pipeline's labels (1 = the indicator fits its project) and learns
    from the fits only: a moved negative is no evidence of what an indicator is close to."""

    def __init__(self, rank: int = 8, weight_decay: float = 1.0, epochs: int = 100, temperature: float = 0.05,
                 lr: float = 0.01, sibling_weight: float = 1.0, seed: int = 0) -> None:
        self.rank = rank
        self.weight_decay = weight_decay
        self.epochs = epochs
        self.temperature = temperature
        self.lr = lr
        self.sibling_weight = sibling_weight
        self.seed = seed

    def fit(self, X: EmbeddedPairs, y: Any = None) -> EmbeddingAdapter:
        keep = np.ones(len(X), bool) if y is None else np.asarray(y) == 1
        self.matrix_ = self._learn(X.subset(np.flatnonzero(keep)))
        return self

    def transform(self, X: EmbeddedPairs) -> EmbeddedPairs:
        matrix = self.matrix_
        contexts: dict[int, np.ndarray] = {}
        for c in X.contexts:  # a project's rows share one context array: map it once
            if id(c) not in contexts:
                contexts[id(c)] = _normalise(c @ matrix)
        return replace(X, indicator=_normalise(X.indicator @ matrix), project_name=_normalise(X.project_name @ matrix),
                       contexts=[contexts[id(c)] for c in X.contexts],
                       siblings=SiblingVectors(_normalise(X.siblings.table @ matrix), list(X.siblings.rows)),
                       department=_normalise(X.department @ matrix), extra=dict(X.extra))

    def _learn(self, X: EmbeddedPairs) -> np.ndarray:
        d = X.indicator.shape[1]
        # Anchors: judged rows of projects with a kind (a library's or an unclassified
        # project says nothing about which projects the indicator does not fit).
        anchors = np.flatnonzero([p.project.kind not in (LIBRARY, OTHER) and not unjudged(p) for p in X.pairs])
        if not len(anchors):
            return np.eye(d, dtype=np.float32)
        keys = list(dict.fromkeys((p.project_group, p.project.name) for p in X.pairs))
        slot = {key: j for j, key in enumerate(keys)}
        target = np.asarray([slot[(p.project_group, p.project.name)] for p in X.pairs])
        projects = np.zeros((len(keys), d), np.float32)
        projects[target] = X.project_name
        project_kind = np.empty(len(keys), dtype=object)
        project_kind[target] = [p.project.kind for p in X.pairs]
        kind = np.asarray([X.pairs[i].project.kind for i in anchors], dtype=object)
        # The softmax runs over the own project and the projects of other kinds.
        allowed = (project_kind[None, :] != kind[:, None]) & ~np.isin(project_kind, [LIBRARY, OTHER])[None, :]
        allowed[np.arange(len(anchors)), target[anchors]] = True
        partner = np.zeros((len(anchors), d), np.float32)
        has_partner = np.zeros(len(anchors), bool)
        for r, i in enumerate(anchors):
            siblings = X.siblings[i]
            if len(siblings):
                partner[r], has_partner[r] = siblings[int((siblings @ X.indicator[i]).argmax())], True
        return self._descend(X.indicator[anchors], projects, target[anchors], allowed, partner, has_partner,
                             kind[None, :] != kind[:, None])

    def _descend(self, anchor: np.ndarray, projects: np.ndarray, target: np.ndarray, allowed: np.ndarray,
                 partner: np.ndarray, has_partner: np.ndarray, other_kind: np.ndarray) -> np.ndarray:
        """Full-batch Adam on one thread: deterministic for a seed, and the same map on
        every machine. torch is imported here: only training needs it."""
        import torch
        from torch.nn.functional import cross_entropy, normalize

        d = anchor.shape[1]
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            generator = torch.Generator().manual_seed(self.seed)
            A, P, S = (torch.from_numpy(np.ascontiguousarray(m)) for m in (anchor, projects, partner))
            T, M, H, K = (torch.from_numpy(m) for m in (target, allowed, has_partner, other_kind))
            U = (torch.randn(d, self.rank, generator=generator) * 0.01).requires_grad_()
            V = torch.zeros(d, self.rank, requires_grad=True)
            optimiser = torch.optim.Adam([U, V], lr=self.lr)
            eye = torch.eye(d)
            for _ in range(self.epochs):
                optimiser.zero_grad()
                delta = U @ V.T
                a = normalize(A @ (eye + delta), dim=1)
                p = normalize(P @ (eye + delta), dim=1)
                logits = ((a @ p.T) / self.temperature).masked_fill(~M, -1e9)
                loss = cross_entropy(logits, T) + self.weight_decay * (delta ** 2).sum()
                if self.sibling_weight > 0 and bool(H.any()):
                    s = normalize(S @ (eye + delta), dim=1)
                    positive = (a * s).sum(1, keepdim=True) / self.temperature
                    negative = ((a @ a.T) / self.temperature).masked_fill(~K, -1e9)
                    pairs = torch.cat([positive, negative], 1)[H]
                    loss = loss + self.sibling_weight * cross_entropy(pairs, torch.zeros(len(pairs), dtype=torch.long))
                loss.backward()
                optimiser.step()
            return (eye + U.detach() @ V.detach().T).numpy().astype(np.float32)
        finally:
            torch.set_num_threads(threads)
