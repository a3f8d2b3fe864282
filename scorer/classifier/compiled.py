"""Fitted level models reduced to plain arrays, for fast prediction.

scikit-learn validates its input at every step of ``transform`` and ``predict_proba``
(each vectorizer, the column transformer, the calibrator, every one-vs-rest sigmoid), and
builds a DataFrame to route the columns. On the one-indicator calls of interactive
scoring that overhead was ~13 ms per call, 99 % of the time; on batches of 1,000 it
still doubled the cost of the actual work. The classes here compute the same
arithmetic from the fitted state (vocabularies, idf weights, coefficients, sigmoid
parameters) without the checks: token counting, sublinear tf, idf, l2 norm, transformer
weight, then the linear decision and its calibration. They keep using each vectorizer's
own analyzer, so the tokens are exactly those of training.

``tests/test_classifier_compiled.py`` checks that they agree with the scikit-learn path
on the shipped model and on freshly fitted ones; a scikit-learn upgrade that changed this
arithmetic would fail there first.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy as np
from scipy.special import expit, softmax
from sklearn.calibration import CalibratedClassifierCV
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

Columns = dict[str, list[str]]
T = TypeVar("T")


class CompiledCache:
    """Estimator mixin: keeps a compiled form of the fitted state, built on first use.
    It is left out of pickles (artifacts keep only scikit-learn's fitted state) and
    dropped by ``forget_compiled`` when the estimator is refitted."""

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()  # type: ignore[misc]
        state.pop("_compiled", None)
        return state

    def compiled(self, build: Callable[[], T]) -> T:
        form = self.__dict__.get("_compiled")
        if form is None:
            form = self._compiled = build()
        return form

    def forget_compiled(self) -> None:
        self.__dict__.pop("_compiled", None)


class TfidfBlock:
    """One fitted :class:`TfidfVectorizer` (and its transformer weight) as a function
    from texts to the rows of ``vectorizer.transform`` times the weight, in CSR parts."""

    def __init__(self, vectorizer: TfidfVectorizer, weight: float = 1.0):
        if vectorizer.norm not in (None, "l2"):
            raise ValueError(f"unsupported norm {vectorizer.norm!r}")
        self.analyze: Callable[[str], list[str]] = vectorizer.build_analyzer()
        self.vocabulary: dict[str, int] = vectorizer.vocabulary_
        self.idf = vectorizer.idf_ if vectorizer.use_idf else None
        self.binary = vectorizer.binary
        self.sublinear = vectorizer.sublinear_tf
        self.norm = vectorizer.norm
        self.weight = weight

    def rows(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(indptr, indices, values): row i's columns are ``indices[indptr[i]:indptr[i+1]]``,
        sorted, as scikit-learn sorts them (so the norms agree to the bit)."""
        indices: list[int] = []
        counts: list[int] = []
        lengths: list[int] = []
        get = self.vocabulary.get
        for text in texts:
            found = Counter(map(get, self.analyze(text)))
            found.pop(None, None)  # tokens outside the vocabulary
            indices.extend(found)
            counts.extend(found.values())
            lengths.append(len(found))
        row = np.repeat(np.arange(len(texts)), lengths)
        columns = np.asarray(indices, dtype=np.intp)
        order = np.lexsort((columns, row))
        columns = columns[order]
        data = np.asarray(counts, dtype=np.float64)[order]
        indptr = np.concatenate(([0], np.cumsum(lengths, dtype=np.intp)))
        if self.binary:
            data[:] = 1.0
        if self.sublinear:
            np.log(data, out=data)
            data += 1.0
        if self.idf is not None:
            data *= self.idf[columns]
        if self.norm == "l2" and len(data):
            norms = np.sqrt(np.bincount(row, weights=data * data, minlength=len(texts)))
            norms[norms == 0.0] = 1.0
            data /= norms[row]
        if self.weight != 1.0:
            data *= self.weight
        return indptr, columns, data


def sparse_dot(parts: tuple[np.ndarray, np.ndarray, np.ndarray], coef: np.ndarray) -> np.ndarray:
    """CSR rows (:meth:`TfidfBlock.rows`) times a dense (features × classes) matrix,
    summed in entry order like scipy's CSR product, without building a scipy matrix."""
    indptr, columns, data = parts
    out = np.zeros((len(indptr) - 1, coef.shape[1]))
    filled = np.flatnonzero(np.diff(indptr))
    if len(filled):
        out[filled] = np.add.reduceat(coef[columns] * data[:, np.newaxis], indptr[filled], axis=0)
    return out


class LinearScores:
    """``X @ coef.T + intercept`` over the blocks of a fitted :class:`ColumnTransformer`,
    each block multiplied with its own slice of the coefficients (no ``hstack``)."""

    def __init__(self, features: ColumnTransformer, coef: np.ndarray, intercept: np.ndarray):
        weights = features.transformer_weights or {}
        self.blocks: list[tuple[str, TfidfBlock, np.ndarray]] = []
        for name, transformer, column in features.transformers_:
            if transformer == "drop":
                continue
            if not isinstance(transformer, TfidfVectorizer) or not isinstance(column, str):
                raise ValueError(f"cannot compile feature block {name!r}")
            part = features.output_indices_[name]
            block = TfidfBlock(transformer, weights.get(name, 1.0))
            self.blocks.append((column, block, np.ascontiguousarray(coef[:, part].T)))
        self.intercept = intercept

    def __call__(self, columns: Columns) -> np.ndarray:
        scores = sum(sparse_dot(block.rows(columns[column]), coef) for column, block, coef in self.blocks)
        return scores + self.intercept


class CalibratedScores:
    """``CalibratedClassifierCV(LinearSVC, method="sigmoid").predict_proba`` over the
    column features: each member's one-vs-rest decision through its fitted sigmoids,
    normalised like scikit-learn does, averaged over the members."""

    def __init__(self, features: ColumnTransformer, calibrated: CalibratedClassifierCV):
        self.n_classes = len(calibrated.classes_)
        self.members = []
        for member in calibrated.calibrated_classifiers_:
            if member.method != "sigmoid":
                raise ValueError(f"cannot compile {member.method!r} calibration")
            estimator = member.estimator
            scores = LinearScores(features, np.atleast_2d(estimator.coef_), np.atleast_1d(estimator.intercept_))
            columns = np.searchsorted(member.classes, estimator.classes_)
            if self.n_classes == 2:
                columns = np.array([1])  # the binary decision is the second class's
            a = np.array([c.a_ for c in member.calibrators])
            b = np.array([c.b_ for c in member.calibrators])
            self.members.append((scores, columns, a, b))

    def __call__(self, columns: Columns) -> np.ndarray:
        n = len(next(iter(columns.values())))
        total = np.zeros((n, self.n_classes))
        for scores, targets, a, b in self.members:
            proba = np.zeros((n, self.n_classes))
            proba[:, targets] = expit(-(a * scores(columns) + b))
            if self.n_classes == 2:
                proba[:, 0] = 1.0 - proba[:, 1]
            else:
                denominator = proba.sum(axis=1)[:, np.newaxis]
                proba = np.divide(proba, denominator, out=np.full_like(proba, 1 / self.n_classes), where=denominator != 0)
            proba[(1.0 < proba) & (proba <= 1.0 + 1e-5)] = 1.0
            total += proba
        return total / len(self.members)


class LogisticScores:
    """``Pipeline([TfidfVectorizer, LogisticRegression]).predict_proba`` over texts."""

    def __init__(self, vectorizer: TfidfVectorizer, regression: LogisticRegression):
        self.block = TfidfBlock(vectorizer)
        self.coef = np.ascontiguousarray(regression.coef_.T)
        self.intercept = regression.intercept_
        self.binary = len(regression.classes_) <= 2

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        scores = sparse_dot(self.block.rows(texts), self.coef) + self.intercept
        if self.binary:  # one-vs-rest on the single decision, as scikit-learn does
            positive = expit(scores[:, 0])
            return np.column_stack([1 - positive, positive])
        return softmax(scores, axis=1)


def compile_pipeline(pipeline: Any) -> LogisticScores:
    (_, vectorizer), (_, regression) = pipeline.steps
    return LogisticScores(vectorizer, regression)
