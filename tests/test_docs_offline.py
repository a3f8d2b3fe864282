"""/docs works offline: the service runs on intranets with no internet, so the API docs
page references no external URL (FastAPI's default /docs and /redoc load from a CDN).
/docs is Swagger UI served from the swagger-ui-bundle-v2 package (a dependency); an
install without it gets a small local page listing the endpoints of /openapi.json."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

import api.main
from api.main import create_app
from api.settings import Settings

EXTERNAL = re.compile(r"\b(?:https?|ftp):|\bsrc=[\"']?//|\bhref=[\"']?//|url\(\s*[\"']?//", re.I)
LINKS = re.compile(r"""\b(?:src|href)=["']([^"']*)["']""", re.I)


def _client(tmp_path) -> TestClient:
    # No lifespan (no `with`): the docs need neither models nor the database.
    return TestClient(create_app(Settings(data_dir=tmp_path)), raise_server_exceptions=False)


def _assert_local(client: TestClient, page: str) -> list[str]:
    assert not EXTERNAL.search(page), EXTERNAL.search(page).group(0)
    links = LINKS.findall(page)
    for link in links:
        assert link.startswith("/") and not link.startswith("//"), link
        assert client.get(link).status_code == 200, link
    return links


def test_docs_serves_swagger_ui_from_local_files(tmp_path):
    client = _client(tmp_path)
    r = client.get("/docs")
    assert r.status_code == 200 and "SwaggerUIBundle" in r.text
    links = _assert_local(client, r.text)
    assert "/docs-assets/swagger-ui-bundle.js" in links and "/docs-assets/swagger-ui.css" in links
    assert "url: '/openapi.json'" in r.text
    assert '"validatorUrl": null' in r.text  # no badge fetched from validator.swagger.io
    assert client.get("/docs/oauth2-redirect").status_code == 200
    assert client.get("/redoc").status_code == 404  # its script is only on a CDN
    assert client.get("/openapi.json").status_code == 200


def test_docs_without_swagger_package_lists_endpoints_offline(tmp_path, monkeypatch):
    monkeypatch.setattr(api.main, "swagger_ui_assets", lambda: None)
    client = _client(tmp_path)
    r = client.get("/docs")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "SwaggerUIBundle" not in r.text
    links = _assert_local(client, r.text)
    assert "/openapi.json" in links and 'fetch("/openapi.json")' in r.text
    assert client.get("/docs-assets/swagger-ui.css").status_code == 404
    assert client.get("/redoc").status_code == 404
    assert "/v1/score" in client.get("/openapi.json").json()["paths"]
