"""Scorer settings: which checks run, at what severity, with which thresholds, and how
findings turn into scores and grades.

Read from ``[tool.zhibiao]`` in ``pyproject.toml`` or from a ``zhibiao.toml`` (top-level
keys), found by walking up from the input file's directory like ruff does (a
``pyproject.toml`` without the section is passed over), or from an explicit
``--config`` file. ``ZHIBIAO_*`` environment variables fill what the file leaves out
(``ZHIBIAO_THRESHOLDS__SATISFACTION_MIN=85``). Unknown keys are an error, so a typo in a
config file never silently does nothing.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from scorer.findings import Category, Severity

CONFIG_FILE = "zhibiao.toml"
PYPROJECT = "pyproject.toml"


class ConfigError(ValueError):
    """A config file that cannot be read or has invalid values (exit code 2)."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Thresholds(_Section):
    """Numbers the checks compare against. Defaults are documented in docs/rules.md."""

    #: satisfaction targets below this (in %) are implausibly low (ZB-A004).
    satisfaction_min: float = 80.0
    #: completion / punctuality / compliance rate targets below this (in %) (ZB-A005).
    completion_rate_min: float = 80.0
    #: fewer indicators than this in a project is too few (ZB-ST005).
    min_indicators: int = 3
    #: more than this is suspiciously many for one project (ZB-ST005).
    max_indicators: int = 30
    #: similarity (0–1) above which a description counts as a copy of the name (ZB-S002).
    name_description_similarity: float = 0.9
    #: similarity (0–1) above which two goals count as the same goal (ZB-ST007).
    duplicate_goal_similarity: float = 0.9
    #: a description repeated on this many projects is boilerplate (ZB-S003).
    boilerplate_min_projects: int = 3
    #: ... or on this many differently named indicators of one project (ZB-S003).
    boilerplate_min_indicators: int = 3
    #: allowed rounding difference between 预算数 and its parts, in 万元 (ZB-F001).
    budget_tolerance: float = 0.01
    #: content words a goal and an indicator must share to count as related (ZB-R001/R002).
    goal_min_overlap: int = 1


class Weights(_Section):
    """How findings lower scores (see docs/scoring.md)."""

    #: weight of each SMART sub-score in an indicator's 0–100 score (normalised to sum 1).
    smart: dict[str, float] = Field(default_factory=lambda: {"S": 0.2, "M": 0.3, "A": 0.2, "R": 0.15, "T": 0.15})
    #: share of the indicator score given by its weakest sub-score rather than the weighted
    #: mean: one fatal flaw (an empty target) should fail the indicator however good the rest is.
    weakest_link: float = Field(default=0.5, ge=0.0, le=1.0)
    #: how much one finding of a SMART category takes off that sub-score (which starts at 1).
    smart_penalty: dict[Severity, float] = Field(
        default_factory=lambda: {Severity.error: 1.0, Severity.warning: 0.5, Severity.info: 0.15}
    )
    #: points one STRUCT/FIN/FORMAT finding on an indicator takes off its 0–100 score.
    indicator_points: dict[Severity, float] = Field(
        default_factory=lambda: {Severity.error: 15.0, Severity.warning: 8.0, Severity.info: 2.0}
    )
    #: points one project-level finding takes off the project's score.
    project_points: dict[Severity, float] = Field(
        default_factory=lambda: {Severity.error: 10.0, Severity.warning: 5.0, Severity.info: 1.0}
    )
    #: how project scores combine into the department's: plain mean or weighted by 预算数.
    department: Literal["equal", "budget"] = "equal"

    @field_validator("smart")
    @classmethod
    def _smart_keys(cls, value: dict[str, float]) -> dict[str, float]:
        expected = {c.value for c in Category if c.is_smart}
        if set(value) != expected:
            raise ValueError(f"weights.smart needs exactly the keys {sorted(expected)}")
        if any(v < 0 for v in value.values()) or sum(value.values()) <= 0:
            raise ValueError("weights.smart must be non-negative and not all zero")
        return value


class Grades(_Section):
    """Lowest score of each grade; below ``fair`` is 差."""

    excellent: float = 90.0  # 优
    good: float = 80.0  # 良
    fair: float = 60.0  # 中

    @field_validator("fair")
    @classmethod
    def _ordered(cls, fair: float, info: Any) -> float:
        good, excellent = info.data.get("good"), info.data.get("excellent")
        if good is not None and excellent is not None and not fair <= good <= excellent:
            raise ValueError("grades must satisfy fair ≤ good ≤ excellent")
        return fair


_SELECTOR = re.compile(r"^(?:ALL|ZB|(?:ZB-)?[A-Z]+\d*)$")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ZHIBIAO_", env_nested_delimiter="__", extra="forbid")

    #: code prefixes (``ZB-M``, ``M``, ``ZB-A003``) or categories (``STRUCT``) to run; ``ALL`` for all.
    select: list[str] = Field(default_factory=lambda: ["ALL"])
    #: the same forms, taken away from what ``select`` chose.
    ignore: list[str] = Field(default_factory=list)
    #: severity overrides by code prefix or category: ``{"ZB-T002" = "warning"}``.
    severity: dict[str, Severity] = Field(default_factory=dict)
    thresholds: Thresholds = Field(default_factory=Thresholds)
    weights: Weights = Field(default_factory=Weights)
    grades: Grades = Field(default_factory=Grades)
    #: how goals and indicators are matched (ZB-R001/R002): "combined" (keywords and the
    #: relevance model must agree that an indicator fits nothing; keywords alone when the
    #: models are not loaded), "keywords" (jieba), or another registered matcher
    #: ("embeddings", "auto").
    goal_matcher: str = "combined"

    @field_validator("select", "ignore")
    @classmethod
    def _selectors(cls, value: list[str]) -> list[str]:
        cleaned = [v.strip().upper() for v in value]
        bad = [v for v in cleaned if not _SELECTOR.match(v)]
        if bad:
            raise ValueError(f"not a code prefix or category: {', '.join(bad)}")
        return cleaned

    @field_validator("severity")
    @classmethod
    def _severity_keys(cls, value: dict[str, Severity]) -> dict[str, Severity]:
        bad = [k for k in value if not _SELECTOR.match(k.strip().upper())]
        if bad:
            raise ValueError(f"severity keys must be code prefixes or categories: {', '.join(bad)}")
        return {k.strip().upper(): v for k, v in value.items()}

    def fingerprint(self) -> str:
        """Short hash of every setting, reported with scores so that two score sets can be
        known to be comparable."""
        payload = json.dumps(self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:12]


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config ({exc.strerror or exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML ({exc})") from None


def config_table(path: Path) -> dict[str, Any] | None:
    """The zhibiao table of a config file: all of a ``zhibiao.toml``, or
    ``[tool.zhibiao]`` of a ``pyproject.toml`` (None when it has none)."""
    data = _read_toml(path)
    if path.name == PYPROJECT:
        table = data.get("tool", {}).get("zhibiao")
        return table if isinstance(table, dict) else None
    return data


def find_config(start: Path) -> Path | None:
    """The nearest config file at or above ``start`` (a file or directory)."""
    start = start.resolve()
    directory = start if start.is_dir() else start.parent
    for folder in (directory, *directory.parents):
        candidate = folder / CONFIG_FILE
        if candidate.is_file():
            return candidate
        pyproject = folder / PYPROJECT
        if pyproject.is_file() and config_table(pyproject) is not None:
            return pyproject
    return None


def load_settings(
    config: Path | None = None,
    *,
    near: Path | None = None,
    select: list[str] | None = None,
    ignore: list[str] | None = None,
) -> tuple[Settings, Path | None]:
    """Settings from ``config`` (or the file found near ``near``), then the command-line
    overrides: ``select`` replaces the file's selection, ``ignore`` adds to it.

    Returns the settings and the file they came from (None: defaults).
    """
    path = config if config is not None else (find_config(near) if near is not None else None)
    table: dict[str, Any] = {}
    if path is not None:
        if not path.is_file():
            raise ConfigError(f"{path}: config file not found")
        table = config_table(path) or {}
    if select:
        table = {**table, "select": select}
    if ignore:
        table = {**table, "ignore": [*table.get("ignore", []), *ignore]}
    try:
        return Settings(**table), path
    except ValidationError as exc:
        where = str(path) if path else "settings"
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(top)'}: {err['msg']}" for err in exc.errors()
        )
        raise ConfigError(f"{where}: {problems}") from None
