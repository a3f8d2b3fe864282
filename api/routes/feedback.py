"""Reviewer feedback: a finding marked wrong, or a level corrected; exported for retraining."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool

from api.errors import APIError
from scorer.checks.registry import REGISTRY
from scorer.taxonomy import canonicalise

router = APIRouter(prefix="/v1/feedback", tags=["feedback"])


class IndicatorRecord(BaseModel):
    """The indicator as the reviewer saw it, in corpus columns."""

    model_config = ConfigDict(extra="ignore")
    project_name: str = ""
    department: str = ""
    level1: str = ""
    level2: str = ""
    level3: str = ""
    description: str = ""
    target_value: str = ""
    basis: str = ""


class FeedbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    document_sha256: str = Field(min_length=8, max_length=64)
    kind: Literal["finding_wrong", "level_corrected"]
    code: str | None = Field(default=None, max_length=40)
    project_index: int | None = Field(default=None, ge=0)
    indicator_index: int | None = Field(default=None, ge=0)
    indicator: IndicatorRecord | None = None
    #: the corrected level, for ``level_corrected``.
    level1: str | None = Field(default=None, max_length=100)
    level2: str | None = Field(default=None, max_length=100)
    comment: str | None = Field(default=None, max_length=2000)


def _check_level_correction(item: FeedbackIn) -> None:
    """A correction becomes a corpus row (``zhibiao feedback export``): it needs the
    indicator it corrects and levels of the taxonomy, or it would be stored and never used."""
    if not (item.level1 or item.level2):
        raise APIError(422, "invalid_request", "层级更正需要填写正确的一级或二级指标", "level1/level2 missing")
    if item.indicator is None or not item.indicator.level3.strip():
        raise APIError(422, "invalid_request", "层级更正需要附上所更正的指标（indicator.level3 等）",
                       "indicator missing: the correction is exported as a corpus row")
    label = canonicalise(item.level1, item.level2)
    unknown = [v for v, known in ((item.level1, label.level1), (item.level2, label.level2)) if v and known is None]
    if unknown:
        raise APIError(422, "invalid_request", "更正后的层级不在指标体系中", f"unknown level: {', '.join(unknown)}")


def _check_indices(item: FeedbackIn) -> None:
    """Indicators are numbered within their project: an ``indicator_index`` alone names no
    indicator of a document with several projects, and was stored unchecked. Refused the
    same way for every document, so that a client that works on a one-project table does
    not break on the next one."""
    if item.indicator_index is not None and item.project_index is None:
        raise APIError(422, "invalid_request", "请求缺少字段 project_index：indicator_index 是指标在所属项目中的"
                       "编号，须同时给出项目的编号（第一个项目为 0）",
                       "project_index: required with indicator_index (indicators are numbered within their project)")


def _check_reference(item: FeedbackIn, submitted: tuple[int, dict] | None) -> int:
    """Feedback is about a document this service scored, a check it has and a project the
    document has: anything else would reach the retraining data unchecked. Returns the
    submission's id."""
    if submitted is None:
        raise APIError(422, "unknown_document", "没有这份文件的审核记录：请先提交审核，再对审核结果反馈",
                       "document_sha256 matches no submission (POST /v1/score first)")
    submission_id, summary = submitted
    if "error" in summary:
        raise APIError(422, "unknown_document", "这份文件未能读取，没有可反馈的审核结果", summary["error"])
    if item.code is not None and REGISTRY.get(item.code) is None:
        raise APIError(422, "invalid_request", f"没有编号为 {item.code} 的检查规则", "see GET /v1/rules")
    projects = summary.get("projects")
    if item.project_index is not None and isinstance(projects, int) and item.project_index >= projects:
        raise APIError(422, "invalid_request", f"这份文件只有 {projects} 个项目，没有第 {item.project_index + 1} 个",
                       f"project_index {item.project_index} out of range (0-{projects - 1})")
    # (Submissions stored before the per-project counts were kept have none: not checked.)
    per_project = summary.get("indicators_per_project")
    if (item.indicator_index is not None and item.project_index is not None and isinstance(per_project, list)
            and item.project_index < len(per_project) and item.indicator_index >= per_project[item.project_index]):
        n = per_project[item.project_index]
        raise APIError(422, "invalid_request", f"第 {item.project_index + 1} 个项目只有 {n} 个指标，"
                       f"没有第 {item.indicator_index + 1} 个",
                       f"indicator_index {item.indicator_index} out of range (0-{n - 1}) in project {item.project_index}")
    return submission_id


@router.post("", status_code=201, summary="反馈：误报或层级更正")
async def add_feedback(request: Request, item: FeedbackIn) -> dict:
    service = request.app.state.service
    _check_indices(item)
    submission_id = _check_reference(item, await run_in_threadpool(service.submitted, item.document_sha256))
    if item.kind == "level_corrected":
        _check_level_correction(item)
    data = item.model_dump()
    data["indicator"] = item.indicator.model_dump() if item.indicator else None
    data["submission_id"] = submission_id
    feedback_id = await run_in_threadpool(service.add_feedback, data)
    return {"id": feedback_id, "status": "stored"}
