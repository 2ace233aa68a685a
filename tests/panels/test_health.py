"""The health check and the published API description."""

from __future__ import annotations

from httpx import AsyncClient


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
