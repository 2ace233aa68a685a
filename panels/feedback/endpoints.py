"""HTTP routes for feedback: the figures from the surveys, for referrers (their own
organisation's cases) and coordinators."""

from __future__ import annotations

from uuid import UUID

from litestar import Router, get
from litestar.di import NamedDependency
from litestar.params import FromQuery

from panels.access import Actor, allow
from panels.accounts.tables import Role
from panels.feedback import service
from panels.feedback.schemas import FeedbackSummary


@get("/feedback/summary", opt=allow(Role.referrer, Role.coordinator))
async def feedback_summary(
    actor: NamedDependency[Actor], organisation_id: FromQuery[UUID | None] = None
) -> FeedbackSummary:
    """How the surveys were answered, in aggregate: never a comment, never one case's
    answers. Referrers see their own organisation's cases; coordinators every case, or
    one organisation's."""
    return FeedbackSummary.model_validate(await service.summary(actor, organisation_id))


router = Router(path="/", route_handlers=[feedback_summary], tags=["feedback"])
