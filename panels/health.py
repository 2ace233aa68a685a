"""`GET /health`: is the service up, and can it reach its database."""

from __future__ import annotations

from litestar import Response, get
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE

from panels.access import public
from panels.db import engine, is_reachable


@get("/health", opt=public(), tags=["service"])
async def health() -> Response[dict[str, str]]:
    reachable = await is_reachable(engine())
    return Response(
        {
            "status": "ok" if reachable else "unavailable",
            "database": "reachable" if reachable else "unreachable",
        },
        status_code=HTTP_200_OK if reachable else HTTP_503_SERVICE_UNAVAILABLE,
    )
