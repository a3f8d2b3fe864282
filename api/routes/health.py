from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict:
    return {"status": "ok"}


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    service = getattr(request.app.state, "service", None)
    ready = service is not None and service.ready
    body = {"ready": ready, "model_versions": service.model_versions() if ready else {}}
    return JSONResponse(body, status_code=200 if ready else 503)
