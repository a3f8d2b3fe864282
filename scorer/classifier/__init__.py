"""The level classifier: which 一级/二级指标 an indicator's text belongs to."""

from scorer.classifier.disagreement import LevelDisagreement, level_disagreement, level_disagreements
from scorer.classifier.model import LevelClassifier, LevelPrediction

__all__ = [
    "LevelClassifier",
    "LevelDisagreement",
    "LevelPrediction",
    "level_disagreement",
    "level_disagreements",
]
