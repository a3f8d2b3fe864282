"""The level classifier: an indicator's text → its level-2 concept, and so its level 1.

It predicts one label per indicator from the joint label space: every class is a
level-2 concept of :mod:`scorer.taxonomy`, and the level 1 is read from the class
(:func:`scorer.taxonomy.place`), so the two levels can never contradict each other.
The level-1 confidence is the summed probability of the classes under that level 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.svm import LinearSVC
from sklearn.model_selection import GroupKFold, StratifiedKFold
from sklearn.utils.validation import check_is_fitted

from scorer.classifier.baseline import BaselineClassifier, joined_text
from scorer.classifier.compiled import CalibratedScores, CompiledCache
from scorer.classifier.features import build_features, indicator_columns, indicator_frame, word_tokens
from scorer.taxonomy import PRIMARY_LEVEL1, place
from scorer.threads import single_blas_thread


class LevelPrediction(NamedTuple):
    level1: str
    level2: str
    #: probability of the level-2 class.
    confidence: float
    #: probability of the level 1 (all its classes together), ≥ confidence.
    level1_confidence: float


class LevelClassifier(CompiledCache, ClassifierMixin, BaseEstimator):
    """Calibrated linear SVM over word, character, cue and target-shape features,
    averaged with a character n-gram logistic regression over the whole text.

    ``fit(X, y, groups=None)``: X is anything :func:`indicator_frame` accepts, y the
    level-2 concepts. When ``groups`` (source documents) are given, the calibration folds
    keep each document on one side, so the probabilities are calibrated for documents the
    model has not seen rather than for near-copies of its training rows.

    The two members err differently (the SVM is class-balanced and leans on the domain
    cues, the n-gram model follows the frequent labels); on grouped cross-validation of
    the training documents their average (``text_weight=0.5``) beat either alone on
    level-1 accuracy. ``text_weight=0`` leaves the SVM alone.
    """

    def __init__(
        self,
        C: float = 0.3,
        class_weight: str | None = "balanced",
        calibration: str = "sigmoid",
        cv: int = 3,
        name_weight: float = 1.0,
        char_weight: float = 1.0,
        description_weight: float = 0.5,
        target_weight: float = 0.5,
        cue_weight: float = 1.0,
        min_df: int = 1,
        text_weight: float = 0.5,
        random_state: int = 0,
    ):
        self.C = C
        self.class_weight = class_weight
        self.calibration = calibration
        self.cv = cv
        self.name_weight = name_weight
        self.char_weight = char_weight
        self.description_weight = description_weight
        self.target_weight = target_weight
        self.cue_weight = cue_weight
        self.min_df = min_df
        self.text_weight = text_weight
        self.random_state = random_state

    def _folds(self, y: np.ndarray, groups: Sequence[Any] | None) -> list[tuple[np.ndarray, np.ndarray]]:
        _, counts = np.unique(y, return_counts=True)
        n = min(self.cv, int(counts.min()))
        if n < 2:
            raise ValueError("every class needs at least 2 examples to calibrate")
        if groups is not None and len(set(groups)) >= n:
            splitter = GroupKFold(n_splits=n, shuffle=True, random_state=self.random_state)
            folds = list(splitter.split(y, y, groups))
            # A fold whose training side lacks a class cannot calibrate it; fall back.
            if all(len(np.unique(y[train])) == len(counts) for train, _ in folds):
                return folds
        splitter = StratifiedKFold(n_splits=n, shuffle=True, random_state=self.random_state)
        return list(splitter.split(y, y))

    @single_blas_thread
    def fit(self, X: Any, y: Sequence[str], groups: Sequence[Any] | None = None) -> LevelClassifier:
        frame = indicator_frame(X)
        labels = np.asarray(y, dtype=object)
        if len(labels) != len(frame):
            raise ValueError(f"X has {len(frame)} rows but y has {len(labels)}")
        self.features_ = build_features(
            name_weight=self.name_weight,
            char_weight=self.char_weight,
            description_weight=self.description_weight,
            target_weight=self.target_weight,
            cue_weight=self.cue_weight,
            min_df=self.min_df,
        )
        matrix = self.features_.fit_transform(frame)
        base = LinearSVC(C=self.C, class_weight=self.class_weight, random_state=self.random_state)
        self.calibrated_ = CalibratedClassifierCV(
            base, method=self.calibration, cv=self._folds(labels, groups), ensemble=False
        ).fit(matrix, labels)
        self.classes_ = self.calibrated_.classes_
        self.text_model_ = BaselineClassifier().fit(frame, labels) if self.text_weight > 0 else None
        if self.text_model_ is not None and list(self.text_model_.classes_) != list(self.classes_):
            raise RuntimeError("ensemble members disagree on the class order")
        self.forget_compiled()
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        check_is_fitted(self, "calibrated_")
        columns = indicator_columns(X)
        if not columns["name"]:
            return np.zeros((0, len(self.classes_)))
        # The calibrated SVM reduced to arrays: the same probabilities without
        # scikit-learn's per-call checks (scorer/classifier/compiled.py).
        proba = self.compiled(lambda: CalibratedScores(self.features_, self.calibrated_))(columns)
        if self.text_model_ is None:
            return proba
        return (1 - self.text_weight) * proba + self.text_weight * self.text_model_.predict_columns(columns)

    def predict_proba_reference(self, X: Any) -> np.ndarray:
        """``predict_proba`` through scikit-learn's own transform and calibration: the
        reference the compiled path is tested against."""
        check_is_fitted(self, "calibrated_")
        frame = indicator_frame(X)
        proba = self.calibrated_.predict_proba(self.features_.transform(frame))
        if self.text_model_ is None:
            return proba
        return (1 - self.text_weight) * proba + self.text_weight * self.text_model_.pipeline_.predict_proba(
            joined_text(frame)
        )

    def name_word_coverage(self, X: Any) -> np.ndarray:
        """Per indicator, the share of its name's words (of two characters or more, or all
        of them when it has none) that the model was trained on. A model that knows few of
        a name's words reads it from characters and the value's shape alone, and is
        confidently wrong more often (:mod:`scorer.classifier.disagreement`)."""
        check_is_fitted(self, "features_")
        vocabulary = self.features_.named_transformers_["name_words"].vocabulary_
        coverage = []
        for name in indicator_columns(X)["name"]:
            words = word_tokens(name)
            words = [w for w in words if len(w) > 1] or words
            coverage.append(sum(w in vocabulary for w in words) / len(words) if words else 0.0)
        return np.asarray(coverage, dtype=float)

    def predict(self, X: Any) -> np.ndarray:
        proba = self.predict_proba(X)  # checks the fit before classes_ is read
        return self.classes_[np.argmax(proba, axis=1)]

    def level1_proba(self, proba: np.ndarray) -> tuple[list[str], np.ndarray]:
        """Level-1 names and their probabilities, summed over each level's classes."""
        level1s = sorted({PRIMARY_LEVEL1[c] for c in self.classes_})
        columns = [[PRIMARY_LEVEL1[c] == l1 for c in self.classes_] for l1 in level1s]
        return level1s, proba @ np.asarray(columns, dtype=float).T

    def predict_levels(self, X: Any, template: str | None = None) -> list[LevelPrediction]:
        """(level1, level2, confidence, level1 confidence) per indicator.

        ``template`` ("2015", "2021" …) decides where 成本 is filed; see
        :func:`scorer.taxonomy.place`.
        """
        proba = self.predict_proba(X)
        level1s, l1_proba = self.level1_proba(proba)
        best = np.argmax(proba, axis=1)
        rows = np.arange(len(best))
        confidence = proba[rows, best].tolist()
        level1_of_class = np.asarray([level1s.index(PRIMARY_LEVEL1[c]) for c in self.classes_])
        level1_confidence = l1_proba[rows, level1_of_class[best]].tolist()
        placed = {k: place(str(self.classes_[k]), template) for k in set(best.tolist())}
        return [
            LevelPrediction(*placed[k], conf, l1_conf)
            for k, conf, l1_conf in zip(best.tolist(), confidence, level1_confidence)
        ]

