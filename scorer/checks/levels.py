"""STRUCT, model-backed: an indicator filed under a level its text does not belong to.

The level classifier (issue 4) reads name, description and value; a disagreement is
reported only above the confidence threshold calibrated on held-out documents and
stored in the model card, so the finding is rare and worth a reviewer's look.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from scorer.checks.facts import DocumentFacts
from scorer.checks.registry import Check, register
from scorer.findings import Category, Finding, Severity
from scorer.resources import LEVEL_CLASSIFIER


def _label(level: str) -> str:
    return level if level.endswith("指标") else f"{level}指标"


@lru_cache(maxsize=1)
def _shipped_model() -> Any:
    from scorer.modelstore.current import load_current_model

    return load_current_model()


@register
class LevelDisagreesWithText(Check):
    code = "ZB-ST013"
    name = "level-disagrees-with-text"
    title = "指标层级与内容不符"
    category = Category.STRUCT
    severity = Severity.warning
    scope = "document"
    requires = (LEVEL_CLASSIFIER,)
    message = "「{name}」填在「{declared}」下，但从指标内容看应属于「{predicted}」（模型置信度 {confidence:.0%}）"
    suggestion = "按指标实际考核的内容调整层级：数量看“多少”、质量看“好坏/达标”、时效看“何时/是否按期”、效益看“带来什么变化”。"
    rationale = (
        "层级填错会让产出、效益、满意度的覆盖判断失真，也让审核人按错误的标准看目标值。"
        "置信度门槛在模型没见过的整份文件上校准（记录在模型卡中），只在高于门槛时报告；"
        "指标名称里模型没学过的词越多，门槛越高，大部分词都没学过的指标不作判断。"
    )
    bad = {"level1": "产出指标", "level2": "数量指标", "name": "工程验收合格率", "target": "100%"}
    good = {"level1": "产出指标", "level2": "质量指标", "name": "工程验收合格率", "target": "100%"}

    @classmethod
    def example_resources(cls) -> dict[str, Any]:
        # The model that ships in models/, so the examples test the real classifier.
        return {LEVEL_CLASSIFIER: _shipped_model()}

    def run(self, doc: DocumentFacts, ctx) -> Iterator[Finding]:
        from scorer.classifier.disagreement import level_disagreements

        model = ctx.resource(LEVEL_CLASSIFIER)
        # One model call per template (usually one per document): the per-call cost of
        # featurising dominates for the handful of rows a project has.
        by_template: dict[str | None, list] = {}
        for project in doc.projects:
            # Satisfaction placement is judged by rule (ZB-ST008), which knows the 2015
            # template's 满意度-under-效益 layout; the model is not asked about those rows.
            rows = [i for i in project.indicators if i.name and not (i.is_satisfaction or i.in_satisfaction_level)]
            by_template.setdefault(project.template, []).extend(rows)
        for template, rows in by_template.items():
            verdicts = level_disagreements([r.indicator for r in rows], model, template=template)
            for row, verdict in zip(rows, verdicts):
                if verdict is not None:
                    yield self._finding(row, verdict, model)

    def _finding(self, row, verdict, model) -> Finding:
        declared = row.indicator.level2 or row.indicator.level1
        return self.hit(
            row, evidence=declared, name=row.indicator.name, declared=declared,
            predicted=f"{_label(verdict.level1)} / {_label(verdict.level2)}", confidence=verdict.confidence,
            details={"predicted_level1": verdict.level1, "predicted_level2": verdict.level2,
                     "confidence": round(verdict.confidence, 4), "model_version": getattr(model, "version", "")},
        )
