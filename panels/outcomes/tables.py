"""What happened at a panel (held, postponed, or did not go ahead; who came; who agreed)
and the outcome agreement's actions: who does what by when, and whether it was done."""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import (
    BigSerial,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.table import Table

from panels.accounts.tables import User
from panels.bookings.tables import Panel
from panels.cases.tables import Case, Party
from panels.clock import Now
from panels.support.tables import SupportService


class PanelResult(StrEnum):
    held = "held"
    postponed = "postponed"  # it will happen another time: the case is scheduled again
    not_held = "not_held"  # it did not go ahead: rebooked or closed, as the coordinator chooses


class PanelRecord(Table, tablename="panel_records"):
    id = BigSerial(primary_key=True)
    panel = ForeignKey(references=Panel, on_delete=OnDelete.restrict, unique=True, null=False)
    case = ForeignKey(references=Case, on_delete=OnDelete.restrict, index=True, null=False)
    result = Varchar(length=20, choices=PanelResult)
    reason = Text(default="")
    # The facilitators' own notes: restricted like safeguarding notes (never to referrers,
    # never on the printed agreement).
    notes = Text(default="")
    recorded_by = ForeignKey(references=User, on_delete=OnDelete.restrict, null=False)
    recorded_at = Timestamptz(default=Now())


class PanelAttendance(Table, tablename="panel_attendance"):
    id = BigSerial(primary_key=True)
    record = ForeignKey(references=PanelRecord, on_delete=OnDelete.restrict, index=True, null=False)
    party = ForeignKey(references=Party, on_delete=OnDelete.restrict, index=True, null=False)
    attended = Boolean()
    absence_reason = Text(default="")
    # Whether they agreed to the outcome; None for someone who was not there.
    agrees = Boolean(null=True, default=None)


class ActionKind(StrEnum):
    written_apology = "written_apology"
    spoken_apology = "spoken_apology"
    reparation_hours = "reparation_hours"
    workshop = "workshop"  # attending a workshop or course
    behaviour_commitment = "behaviour_commitment"
    support_referral = "support_referral"  # a referral to a support service


class ActionStatus(StrEnum):
    pending = "pending"
    done = "done"
    missed = "missed"
    waived = "waived"


class AgreementAction(Table, tablename="agreement_actions"):
    id = BigSerial(primary_key=True)
    case = ForeignKey(references=Case, on_delete=OnDelete.restrict, index=True, null=False)
    record = ForeignKey(references=PanelRecord, on_delete=OnDelete.restrict, null=False)
    kind = Varchar(length=30, choices=ActionKind)
    # Who does it: usually the person responsible.
    owner = ForeignKey(references=Party, on_delete=OnDelete.restrict, null=False)
    description = Text()
    deadline = Date()
    hours = Integer(null=True, default=None)  # reparation: the hours agreed
    task_type = Varchar(length=100, null=True, default=None)  # reparation: what kind of work
    support_service = ForeignKey(  # a referral: the service in the directory
        references=SupportService, on_delete=OnDelete.restrict, null=True, default=None
    )
    status = Varchar(length=20, choices=ActionStatus, default=ActionStatus.pending, index=True)
    status_reason = Text(default="")
    created_by = ForeignKey(references=User, on_delete=OnDelete.restrict, null=False)
    created_at = Timestamptz(default=Now())
    updated_at = Timestamptz(default=Now())
