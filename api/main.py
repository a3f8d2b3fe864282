"""The FastAPI app: ``create_app()`` builds it; ``zhibiao serve`` runs it with uvicorn."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

from api.errors import install_error_handlers
from api.limits import BodySizeLimit
from api.routes import export, feedback, health, models, rules, score
from api.service import Service
from api.settings import Settings, get_settings
from scorer import __version__

STATIC = Path(__file__).parent / "static"
log = logging.getLogger("zhibiao.api")


def create_app(settings: Settings | None = None, service: Service | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # Models, embedder and database are loaded once and shared by every request.
        app.state.service = service or Service(settings)
        yield
        app.state.service.close()

    app = FastAPI(
        title="zhibiao 指标",
        version=__version__,
        description="审核绩效目标表：解析、检查、分类、评分。",
        lifespan=lifespan,
    )
    app.state.settings = settings
    install_error_handlers(app)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_request_bytes)

    @app.middleware("http")
    async def model_version_header(request: Request, call_next) -> Response:
        response = await call_next(request)
        svc = getattr(request.app.state, "service", None)
        if svc is not None:
            response.headers["X-Zhibiao-Version"] = __version__
            versions = svc.model_versions()
            if versions:
                response.headers["X-Model-Version"] = ",".join(f"{k}={v}" for k, v in versions.items())
        return response

    for module in (health, score, rules, models, feedback, export):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")

    return app
