"""Cancelling a case's booked panels, when the case itself stops going ahead: consent
withdrawn, or the case closed. Kept apart from the booking service so the case service
can call it without the two importing each other."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from panels.access import Actor
from panels.bookings.tables import NoticeKind, Panel, PanelNotice, PanelStatus, ResourceHold
from panels.cases import audit
from panels.messaging import service as messaging


async def cancel_panel(
    panel: dict[str, object], actor: Actor | None, reason: str, now: datetime
) -> None:
    """Inside a write transaction: the panel is cancelled, its facilitators and venue are
    free again, calendars see a new SEQUENCE, and the people are to be told."""
    panel_id = panel["id"]
    sequence = int(str(panel["sequence"])) + 1
    await Panel.update(
        {
            Panel.status: PanelStatus.cancelled,
            Panel.cancelled_reason: reason,
            Panel.cancelled_at: now,
            Panel.sequence: sequence,
            Panel.updated_at: now,
        }
    ).where(Panel.id == panel_id)
    await ResourceHold.update({ResourceHold.active: False}).where(ResourceHold.panel == panel_id)
    await PanelNotice.insert(
        PanelNotice(
            case=panel["case"], panel=panel_id, kind=NoticeKind.panel_cancelled, sequence=sequence
        )
    )
    await messaging.panel_changed(NoticeKind.panel_cancelled, panel_id, now)  # type: ignore[arg-type]
    await audit.record_event(
        panel["case"],  # type: ignore[arg-type]
        actor,
        "panel_cancelled",
        details={"panel_id": str(panel_id), "reason": reason},
        at=now,
    )


async def cancel_upcoming(case_id: UUID, actor: Actor | None, reason: str, now: datetime) -> int:
    """Every booked panel of the case that has not started yet; how many."""
    panels = await Panel.select(Panel.id, Panel.case, Panel.sequence).where(
        (Panel.case == case_id) & (Panel.status == PanelStatus.booked) & (Panel.starts_at > now)
    )
    for panel in panels:
        await cancel_panel(panel, actor, reason, now)
    return len(panels)
