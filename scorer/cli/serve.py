"""``zhibiao serve``: the API and the reviewer web page."""

from __future__ import annotations

from typing import Annotated

import typer


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve(
        host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="Port.")] = 8000,
        workers: Annotated[int, typer.Option(help="Worker processes (each loads the models once).")] = 1,
        log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "info",
    ) -> None:
        """Serve the API (OpenAPI at /docs) and the reviewer page at /."""
        import uvicorn

        uvicorn.run("api.main:create_app", factory=True, host=host, port=port, workers=workers,
                    log_level=log_level)
