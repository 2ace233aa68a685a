"""Things a person must do that the service cannot: phone someone a text could not
reach, rebook a panel someone cannot come to, read a reply nobody could understand."""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import BigSerial, ForeignKey, OnDelete, Text, Timestamptz, Varchar
from piccolo.table import Table

from panels.accounts.tables import User
from panels.cases.tables import Case, Party
from panels.clock import Now


class TaskKind(StrEnum):
    call_party = "call_party"  # a text could not be sent or delivered: phone instead
    tell_party = "tell_party"  # no textable mobile, or they prefer another way: tell them
    rebook = "rebook"  # they replied NO: find another time
    change_time = "change_time"  # they asked to change the time
    read_reply = "read_reply"  # a reply nobody could understand, or from a shared number
    breach_decision = "breach_decision"  # missed again: carry on, waive, or close as breached


class Task(Table, tablename="tasks"):
    id = BigSerial(primary_key=True)
    case = ForeignKey(references=Case, on_delete=OnDelete.restrict, index=True, null=False)
    party = ForeignKey(references=Party, on_delete=OnDelete.restrict, null=True, default=None)
    # The case's lead facilitator; nobody when the case has none yet (coordinators see it).
    assignee = ForeignKey(
        references=User, on_delete=OnDelete.restrict, null=True, default=None, index=True
    )
    kind = Varchar(length=30, choices=TaskKind)
    # What to do, in words; no names or numbers (the case page shows who is who).
    summary = Text()
    created_at = Timestamptz(default=Now())
    done_at = Timestamptz(null=True, default=None)
    done_by = ForeignKey(references=User, on_delete=OnDelete.restrict, null=True, default=None)
