"""The health check and the published API description."""

from __future__ import annotations

from httpx import AsyncClient

from panels import db
from tests.conftest import ENGINE


async def test_health_reports_the_database_reachable(client: AsyncClient) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "reachable"}


async def test_openapi_describes_the_case_api(client: AsyncClient) -> None:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/cases" in paths
    assert "/api/v1/cases/{case_id}/transitions" in paths


async def test_interactive_api_viewer_is_served(client: AsyncClient) -> None:
    response = await client.get("/schema")
    assert response.status_code == 200
    assert "swagger" in response.text.lower()


async def test_health_reports_an_unreachable_database(client: AsyncClient, database: str) -> None:
    engine = db.engine()
    if ENGINE == "postgres":
        working = dict(engine.config)  # type: ignore[attr-defined]
        pool = engine.pool  # type: ignore[attr-defined]
        engine.pool = None  # type: ignore[attr-defined]
        engine.config = {"dsn": "postgresql://postgres@127.0.0.1:1/nowhere"}  # type: ignore[attr-defined]
    else:
        working_path = engine.path  # type: ignore[attr-defined]
        engine.path = "/nonexistent-directory/njp.sqlite"  # type: ignore[attr-defined]
    try:
        response = await client.get("/health")
    finally:
        if ENGINE == "postgres":
            engine.config = working  # type: ignore[attr-defined]
            engine.pool = pool  # type: ignore[attr-defined]
        else:
            engine.path = working_path  # type: ignore[attr-defined]
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unreachable"}
