"""HTTP routes for the support services directory: finding a service, and keeping the list."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Router, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, Parameter
from litestar.status_codes import HTTP_201_CREATED

from panels.access import COORDINATORS, Actor, allow
from panels.accounts.tables import Role
from panels.errors import Forbidden
from panels.support import service
from panels.support.schemas import SupportServiceChange, SupportServiceIn, SupportServiceOut
from panels.support.tables import SupportCategory

STAFF = allow(Role.coordinator, Role.facilitator)
ServiceId = FromPath[UUID]


@get("/", opt=STAFF)
async def search_services(
    actor: NamedDependency[Actor],
    category: FromQuery[SupportCategory | None] = None,
    area: Annotated[
        str | None,
        Parameter(description="Services covering this area, and those covering every area."),
    ] = None,
    q: Annotated[
        str | None,
        Parameter(description="Words to find in the name, what it offers or who it is for."),
    ] = None,
    include_inactive: Annotated[
        bool, Parameter(description="Coordinators only: services no longer taking referrals too.")
    ] = False,
) -> list[SupportServiceOut]:
    """Services taking referrals, by name."""
    if include_inactive and not actor.is_coordinator:
        raise Forbidden(
            "Only coordinators can list services that no longer take referrals.",
            field="include_inactive",
        )
    rows = await service.search(
        category=category, area=area, words=q, include_inactive=include_inactive
    )
    return [SupportServiceOut.model_validate(row) for row in rows]


@post("/", opt=COORDINATORS, status_code=HTTP_201_CREATED)
async def add_service(data: JSONBody[SupportServiceIn]) -> SupportServiceOut:
    return SupportServiceOut.model_validate(await service.create(data))


@get("/{service_id:uuid}", opt=STAFF)
async def read_service(service_id: ServiceId) -> SupportServiceOut:
    return SupportServiceOut.model_validate(await service.read(service_id))


@patch("/{service_id:uuid}", opt=COORDINATORS)
async def change_service(
    service_id: ServiceId, data: JSONBody[SupportServiceChange]
) -> SupportServiceOut:
    return SupportServiceOut.model_validate(await service.change(service_id, data))


router = Router(
    path="/support-services",
    route_handlers=[search_services, add_service, read_service, change_service],
    tags=["support services"],
)
