"""Who was invited to which panel and what they answered by text, and survey questions
waiting for a reply of 1 to 5."""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import BigSerial, ForeignKey, Integer, OnDelete, Timestamptz, Varchar
from piccolo.table import Table

from panels.bookings.tables import Panel
from panels.cases.tables import Case, Party
from panels.clock import Now


class Attendance(StrEnum):
    pending = "pending"  # invited, no answer yet
    confirmed = "confirmed"
    declined = "declined"
    change_requested = "change_requested"
    superseded = "superseded"  # the panel moved: a new invitation replaced this one
    withdrawn = "withdrawn"  # the panel was cancelled


# An answer counts only for the invitation in force: the latest, for a booked panel.
ANSWERABLE = (
    Attendance.pending,
    Attendance.confirmed,
    Attendance.declined,
    Attendance.change_requested,
)


class Invitation(Table, tablename="invitations"):
    id = BigSerial(primary_key=True)
    case = ForeignKey(references=Case, on_delete=OnDelete.restrict, index=True, null=False)
    panel = ForeignKey(references=Panel, on_delete=OnDelete.restrict, index=True, null=False)
    party = ForeignKey(references=Party, on_delete=OnDelete.restrict, index=True, null=False)
    sequence = Integer()
    status = Varchar(length=20, choices=Attendance, default=Attendance.pending, index=True)
    created_at = Timestamptz(default=Now())
    answered_at = Timestamptz(null=True, default=None)


class SurveyPrompt(Table, tablename="survey_prompts"):
    """A question texted to a party that a reply of 1 to 5 answers (the feedback work
    writes these; replies are read here)."""

    id = BigSerial(primary_key=True)
    case = ForeignKey(references=Case, on_delete=OnDelete.restrict, index=True, null=False)
    party = ForeignKey(references=Party, on_delete=OnDelete.restrict, index=True, null=False)
    question = Varchar(length=60)
    asked_at = Timestamptz(default=Now())
    answer = Integer(null=True, default=None)
    answered_at = Timestamptz(null=True, default=None)
