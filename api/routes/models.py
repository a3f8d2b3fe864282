"""Model administration: list versions (open), train / promote / rollback (API key)."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter, Header, Query, Request

from api.errors import APIError
from scorer.modelstore.families import LEVEL

router = APIRouter(prefix="/v1/models", tags=["models"])

#: Which model: ``level`` (the level classifier) or ``relevance``.
TASK = Query(LEVEL.name, description="模型类型：level（层级分类器）或 relevance（相关性模型）")


def require_admin(request: Request, key: str | None) -> None:
    expected = request.app.state.settings.admin_key
    if not key:
        raise APIError(401, "unauthorized", "需要管理密钥（请求头 X-API-Key）")
    if not expected or not secrets.compare_digest(key, expected):
        raise APIError(403, "forbidden", "管理密钥无效或服务未配置 ZHIBIAO_ADMIN_KEY")


@router.get("", summary="模型版本列表")
def list_models(request: Request, task: str = TASK) -> dict[str, Any]:
    return request.app.state.service.model_admin.listing(task)


@router.post("/train", status_code=202, summary="用语料训练新版本（后台任务）")
def train(request: Request, task: str = TASK, x_api_key: str | None = Header(default=None)) -> dict[str, Any]:
    require_admin(request, x_api_key)
    job_id = request.app.state.service.model_admin.start_training(task)
    return {"job": job_id, "status": "queued"}


@router.get("/jobs/{job_id}", summary="训练任务状态")
def job(request: Request, job_id: int, x_api_key: str | None = Header(default=None)) -> dict[str, Any]:
    require_admin(request, x_api_key)
    return request.app.state.service.model_admin.job(job_id)


@router.post("/{version}/promote", summary="把某版本设为当前模型（有门槛）")
def promote(request: Request, version: str, force: bool = False, task: str = TASK,
            x_api_key: str | None = Header(default=None)) -> dict[str, Any]:
    require_admin(request, x_api_key)
    return request.app.state.service.model_admin.promote(version, force=force, task=task)


@router.post("/rollback", summary="回退到上一个当前模型")
def rollback(request: Request, task: str = TASK, x_api_key: str | None = Header(default=None)) -> dict[str, Any]:
    require_admin(request, x_api_key)
    return request.app.state.service.model_admin.rollback(task)
