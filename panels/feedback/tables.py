"""A party's survey after a panel, and which of the answers (SurveyPrompt rows, one per
question, shared with the texts' replies) belong to it."""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import BigSerial, ForeignKey, OnDelete, Text, Timestamptz, Varchar
from piccolo.table import Table

from panels.cases.tables import Case, Party
from panels.clock import Now
from panels.messaging.tables import SurveyPrompt
from panels.outcomes.tables import PanelRecord


class SurveyKind(StrEnum):
    after_panel = "after_panel"  # the person harmed, the day after
    follow_up = "follow_up"  # the person harmed again, months later
    reflection = "reflection"  # the person responsible: what they took from it


class Survey(Table, tablename="surveys"):
    id = BigSerial(primary_key=True)
    case = ForeignKey(references=Case, on_delete=OnDelete.restrict, index=True, null=False)
    party = ForeignKey(references=Party, on_delete=OnDelete.restrict, index=True, null=False)
    record = ForeignKey(references=PanelRecord, on_delete=OnDelete.restrict, null=False)
    kind = Varchar(length=20, choices=SurveyKind)
    # One survey of each kind per person per panel, however often it is scheduled.
    key = Varchar(length=100, unique=True)
    due_at = Timestamptz(index=True)
    sent_at = Timestamptz(null=True, default=None)
    completed_at = Timestamptz(null=True, default=None)
    # In the person's own words: for the scheme's staff, never for referrers.
    comment = Text(default="")
    created_at = Timestamptz(default=Now())


class SurveyAnswer(Table, tablename="survey_answers"):
    """A question of a survey as asked (by text) or answered (on the page): the
    SurveyPrompt that holds its answer."""

    id = BigSerial(primary_key=True)
    survey = ForeignKey(references=Survey, on_delete=OnDelete.restrict, index=True, null=False)
    prompt = ForeignKey(
        references=SurveyPrompt, on_delete=OnDelete.restrict, unique=True, null=False
    )
