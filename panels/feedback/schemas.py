"""The shapes of the feedback API: the figures a referrer or coordinator sees."""

from __future__ import annotations

from uuid import UUID

from pydantic import BaseModel, Field

from panels.feedback.tables import SurveyKind


class SurveyCount(BaseModel):
    kind: SurveyKind
    sent: int = Field(description="Surveys texted or offered by link so far.")
    completed: int = Field(description="Surveys with every question answered.")


class QuestionFigures(BaseModel):
    kind: SurveyKind
    question: str = Field(description="The question's key, stable across wordings.")
    text: str = Field(description="The question as it is asked in English.")
    answers: int
    average: float | None = Field(
        description="The average score from 1 (lowest) to 5 (highest); null when there are "
        "too few answers to show one without pointing at one person's."
    )


class FeedbackSummary(BaseModel):
    organisation_id: UUID | None = Field(
        description="The referring organisation the figures are for; null: the whole scheme."
    )
    surveys: list[SurveyCount]
    questions: list[QuestionFigures]
    fewest_answers_averaged: int = Field(
        description="An average is shown only of at least this many answers."
    )
