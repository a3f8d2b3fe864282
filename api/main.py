"""The FastAPI app: ``create_app()`` builds it; ``zhibiao serve`` runs it with uvicorn."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

from api.errors import install_error_handlers
from api.limits import BodySizeLimit
from api.routes import export, feedback, health, models, rules, score
from api.service import Service
from api.settings import Settings, get_settings
from scorer import __version__

STATIC = Path(__file__).parent / "static"
log = logging.getLogger("zhibiao.api")


def swagger_ui_assets() -> Path | None:
    """Swagger UI's JS and CSS from the ``swagger-ui-bundle-v2`` package (import name
    ``swagger_ui_bundle``), or None when it is not installed. The service runs on intranets
    with no internet, so /docs never loads them from a CDN as FastAPI's default page does."""
    try:
        from swagger_ui_bundle import swagger_ui_path
    except ImportError:
        return None
    path = Path(str(swagger_ui_path))
    return path if (path / "swagger-ui-bundle.js").is_file() and (path / "swagger-ui.css").is_file() else None


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
        # FastAPI's own /docs and /redoc load their scripts from a CDN: blank offline.
        docs_url=None,
        redoc_url=None,
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

    _install_docs(app)
    return app


def _install_docs(app: FastAPI) -> None:
    """/docs from local files only: Swagger UI served from its pip package when that is
    installed, else a small page (static/docs.html) listing the endpoints of /openapi.json."""
    assets = swagger_ui_assets()
    if assets is None:
        @app.get("/docs", include_in_schema=False)
        def offline_docs() -> FileResponse:
            return FileResponse(STATIC / "docs.html", media_type="text/html; charset=utf-8")
        return

    app.mount("/docs-assets", StaticFiles(directory=assets), name="docs-assets")
    redirect = "/docs/oauth2-redirect"

    @app.get("/docs", include_in_schema=False)
    def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url or "/openapi.json",
            title=f"{app.title} · API",
            swagger_js_url="/docs-assets/swagger-ui-bundle.js",
            swagger_css_url="/docs-assets/swagger-ui.css",
            swagger_favicon_url="/docs-assets/favicon-32x32.png",
            oauth2_redirect_url=redirect,
            # No badge from validator.swagger.io: nothing on this page leaves the intranet.
            swagger_ui_parameters={"validatorUrl": None},
        )

    @app.get(redirect, include_in_schema=False)
    def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()
