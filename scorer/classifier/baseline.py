"""The reference every level model is compared with: TF-IDF + logistic regression.

Character 1–2-grams of the indicator's name, description and target value joined into
one text (word tokens would need a segmenter, which is part of what the real model
adds), and a plain multinomial logistic regression. Its C was chosen like the model's
parameters, on grouped cross-validation of the training documents (C=1 underfits).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from scorer.classifier.compiled import CompiledCache, compile_pipeline
from scorer.classifier.features import indicator_columns
from scorer.threads import single_blas_thread


def joined_text(X: Any) -> list[str]:
    return _join(indicator_columns(X))


def _join(columns: dict[str, list[str]]) -> list[str]:
    return [f"{n} {d} {t}" for n, d, t in zip(columns["name"], columns["description"], columns["target"])]


class BaselineClassifier(CompiledCache, ClassifierMixin, BaseEstimator):
    def __init__(self, C: float = 10.0):
        self.C = C

    @single_blas_thread
    def fit(self, X: Any, y: Any, groups: Any = None) -> BaselineClassifier:
        """``groups`` is accepted (and unused) so both models fit the same way."""
        self.pipeline_ = Pipeline(
            [
                ("tfidf", TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True)),
                ("lr", LogisticRegression(C=self.C, max_iter=2000)),
            ]
        ).fit(joined_text(X), np.asarray(y, dtype=object))
        self.classes_ = self.pipeline_.classes_
        self.forget_compiled()
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "pipeline_")
        return self.predict_columns(indicator_columns(X))

    def predict_columns(self, columns: dict[str, list[str]]) -> np.ndarray:
        """``predict_proba`` of texts already split into :data:`~scorer.classifier.features.FIELDS`
        columns, through the compiled pipeline (:mod:`scorer.classifier.compiled`)."""
        if not columns["name"]:
            return np.zeros((0, len(self.classes_)))
        return self.compiled(lambda: compile_pipeline(self.pipeline_))(_join(columns))

    def predict(self, X: Any) -> np.ndarray:
        proba = self.predict_proba(X)  # checks the fit before classes_ is read
        return self.classes_[np.argmax(proba, axis=1)]
