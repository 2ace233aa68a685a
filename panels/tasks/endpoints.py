"""HTTP routes for tasks: what is left to do, and marking one done."""

from __future__ import annotations

from litestar import Router, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.status_codes import HTTP_204_NO_CONTENT

from panels.access import Actor, allow
from panels.accounts.tables import Role
from panels.tasks import service
from panels.tasks.schemas import TaskOut

STAFF = allow(Role.coordinator, Role.facilitator)


@get("/tasks", opt=STAFF)
async def open_tasks(actor: NamedDependency[Actor]) -> list[TaskOut]:
    """Open tasks: a facilitator's own, or all of them for a coordinator."""
    return [TaskOut.model_validate(t) for t in await service.open_tasks(actor)]


@post("/tasks/{task_id:int}/done", opt=STAFF, status_code=HTTP_204_NO_CONTENT)
async def mark_done(actor: NamedDependency[Actor], task_id: FromPath[int]) -> None:
    await service.mark_done(actor, task_id)


router = Router(path="/", route_handlers=[open_tasks, mark_done], tags=["tasks"])
