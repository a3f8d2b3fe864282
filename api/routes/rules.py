"""The check catalogue."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from api.errors import APIError
from scorer.checks.catalog import describe
from scorer.checks.registry import REGISTRY

router = APIRouter(prefix="/v1/rules", tags=["rules"])


@router.get("", summary="全部检查规则")
def list_rules() -> list[dict[str, Any]]:
    return [describe(check) for check in REGISTRY]


@router.get("/{code}", summary="一条检查规则")
def get_rule(code: str) -> dict[str, Any]:
    check = REGISTRY.get(code)
    if check is None:
        raise APIError(404, "rule_not_found", f"没有编号为 {code} 的检查规则", "see GET /v1/rules")
    return describe(check)
