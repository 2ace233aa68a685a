"""The follow-up that runs beside the texts (in `njp serve` on SQLite, and in every
`njp worker`): surveys that fell due are texted, and deadlines that passed are missed,
each once however often it runs."""

from __future__ import annotations

from datetime import timedelta

from panels import follow_up
from panels.feedback.tables import Survey
from tests.panels.outcomes.test_compliance import overdue
from tests.panels.reparation.test_reparation import agreed
from tests.world import World


async def test_a_round_texts_due_surveys_and_marks_missed_deadlines_once(world: World) -> None:
    setting = await agreed(world)
    await overdue(world, setting, "Keep the music down after 10pm.")
    # The day after the panel: the first surveys are due; the follow-up months on is not.
    due = min(s["due_at"] for s in await Survey.select(Survey.due_at))
    surveys, missed, mailed = await follow_up.once(due + timedelta(minutes=5))
    assert surveys == await Survey.count().where(Survey.due_at <= due)
    assert surveys >= 2  # the person harmed's, and the person responsible's reflection
    assert missed == 1
    assert mailed == 0  # no mail server is configured
    assert await follow_up.once(due + timedelta(minutes=10)) == (0, 0, 0)
