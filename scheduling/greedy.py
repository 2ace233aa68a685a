"""The baseline batch scheduler: panels one at a time in the order given, each at its best
suggestion around those already placed. Quick, and the yardstick optimise must beat."""

from __future__ import annotations

import time

from scheduling.instance import Assignment, Instance, Solution, Unscheduled
from scheduling.suggest import Diary


def greedy(instance: Instance) -> Solution:
    began = time.perf_counter()
    diary = Diary(instance)
    placed: list[Assignment] = []
    unplaced: list[Unscheduled] = []
    for panel in instance.panels:
        options = diary.options(panel, 1)
        if options:
            diary.book(options[0].assignment)
            placed.append(options[0].assignment)
        else:
            unplaced.append(Unscheduled(panel.id, diary.blockers(panel)))
    stats = {
        "panels": len(instance.panels),
        "placed": len(placed),
        "seconds": round(time.perf_counter() - began, 3),
        "method": "greedy",
    }
    return Solution(tuple(placed), tuple(unplaced), stats)
