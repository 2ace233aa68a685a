"""Batch scheduling: many panels at once, as many placed as possible, then earlier, local and
evenly loaded, with OR-Tools CP-SAT.

The work is cut by resource, scarce first. How many panels a month holds is decided by the
leads: every panel needs one, they are two volunteers in five and reach their monthly
limits first, and a youth or Welsh panel needs two people with that skill. Ordinary second
seats are many, and can be filled once the rest is settled. So:

1. Starts. Greedy; a sparing greedy that keeps leads and people with scarce skills out of
   second seats (`_sparing`); and a start read off the leads' flow (`_LeadFlow`): a
   min-cost flow gives each panel a lead and a day so that no lead goes past their limit
   or takes more panels in a day than fit, and a model holding each panel to its lead and
   day finds it a time and a room. The one that places most is the hint.
2. Scarce first. One model of the whole horizon holding, per panel, its start, its venue,
   its lead seats and, for a panel that needs a skill, all its seats. CP-SAT's
   neighbourhood search improves the start on it for a while; then, round each lead with
   room to spare, a smaller model frees the panels that lead could take, the other
   panels of the leads now holding those (within their days), and the unplaced panels
   any of them could take, with the rest held (`_round_spare_leads`): a lead's last free
   place is reached through a chain of other leads, which random neighbourhoods seldom
   find; the whole model has a turn between rounds that find nothing.
   It stops as soon as it places as many panels as the leads' flow allows
   (`lead_bound`), which proves that number the best any schedule can do.
3. Ordinary seats, panel by panel: the free person with the lowest cost (`_seat`).
4. Soft goals. The whole model (every seat), hinted with that answer and held to at least
   as many panels, spends what is left of its share of the time on earlier, local and
   evenly loaded.

In every model a panel's start is one integer variable and each venue or facilitator it
could have is one yes-or-no with "the start is one of the times this one is free", so a
month of 400 panels is tens of thousands of variables, not the millions of one variable
per start and person; CP-SAT's neighbourhood search then moves a few panels at a time.

An instance of a dozen panels or so is the whole model solved to the end: its answer is the
proven best. Every answer is at least as good as greedy's.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from functools import cache

from ortools.graph.python import min_cost_flow  # type: ignore[import-untyped]
from ortools.sat.python import cp_model

from scheduling.greedy import greedy
from scheduling.instance import (
    Assignment,
    FacilitatorSpec,
    Instance,
    PanelSpec,
    Solution,
    Unscheduled,
)
from scheduling.suggest import LEAD, Choices, Diary, at_least, set_bits

# Below both sizes an instance is the whole model solved to the end.
EXACT_PANELS = 12
EXACT_STARTS = 600
# Shares of the time limit: the scarce model may run until this share has gone (it stops
# sooner when it reaches the leads' bound); the soft goals then get at most this share,
# so a month whose count is proven early is answered early; the flow's start at most this.
SCARCE_SHARE = 0.85
POLISH_SHARE = 0.3
FLOW_START_SHARE = 0.05
# Of the scarce model's time, the share its first neighbourhood search gets before the
# neighbourhoods round leads with room to spare; the most one of those may take (they find
# their panel within a second or two, or seldom at all); and the whole model's turn after
# a round finds nothing: this share of what is left, and at least this long or this many
# times what the model took to build (a big model takes seconds to load before it
# searches).
WHOLE_FIRST_SHARE = 0.25
AROUND_SECONDS = 2.5
WHOLE_TURN_SECONDS = 1.5
WHOLE_TURN_BUILDS = 3
WHOLE_TURN_SHARE = 1 / 3
# The least time worth giving a model: building and presolving it takes a few tenths.
MODEL_SECONDS = 0.3
# The soft goals' model is built only when there is time to build it and search it after,
# about this many times what the scarce model of the month took to build: loading a
# month's model into CP-SAT takes several times as long as building it in Python.
POLISH_BUILDS = 6
# Kept back from the time limit for building the answer (saying why each panel left out
# could not go takes a second or two for a month of hundreds), and for CP-SAT's overrun.
FINISHING_SHARE = 0.05
# A panel with more candidates than this for one lead's day is not searched for the most
# that fit (the count of intervals that fit is used instead, which can only be higher).
EXACT_DAY_PANELS = 14

# Soft goals, in DESIGN order, per placed panel, in quarter hours: a quarter of an hour
# later costs 1; a facilitator from outside the panel's area 3 (so keeping both local is
# worth starting 90 minutes later the same evening, never another day); each panel a
# facilitator already has 1 (up to LOAD_CAP), a lead beyond those needed 2 and each skill
# the panel does not need 1 (keeping scarce people for the panels only they can take); a
# venue outside the panel's area 2.
EARLIER_MINUTES = 15
NOT_LOCAL = 3
SPARE_LEAD = 2
SPARE_SKILL = 1
VENUE_NOT_LOCAL = 2
LOAD_CAP = 5
# In the leads' flow: the cost of a day later, and of a lead's second panel in one day
# (which seldom fits round rooms and others' times). Where the leads live is left to the
# soft goals: weighing it here places fewer in the start it gives.
FLOW_DAY = 1
FLOW_SECOND_IN_A_DAY = 50


@dataclass(frozen=True)
class _Place:
    """Where a panel goes, in diary terms: start minute, venue and team indexes."""

    start: int
    venue: int
    team: tuple[int, ...]


@dataclass(frozen=True)
class _Settings:
    workers: int
    seed: int


def optimise(
    instance: Instance, *, time_limit_seconds: float = 60.0, workers: int = 2, seed: int = 0
) -> Solution:
    """Places as many of the instance's panels as it can around what is booked, then by the
    soft goals; never fewer than `greedy`. The same seed gives the same answer when each
    model is solved to the end within its time; when time cuts a search short, CP-SAT's
    parallel search may differ from run to run."""
    began = time.perf_counter()
    deadline = began + time_limit_seconds * (1 - FINISHING_SHARE)
    settings = _Settings(workers, seed)
    diary = Diary(instance)
    panels = {p.id: p for p in instance.panels}
    # Where each panel could go with nothing placed: asked once, as it is slow to ask.
    alone = {p.id: diary.choices(p) for p in instance.panels}
    baseline = {a.panel: _place(diary, a) for a in greedy(instance).assignments}
    start_count = sum(c.starts.bit_count() for c in alone.values())
    exact = len(instance.panels) <= EXACT_PANELS and start_count <= EXACT_STARTS
    stats: dict[str, object] = {"exact": exact, "greedy_placed": len(baseline)}

    if exact:
        whole = _Model(diary, alone.values(), scarce_only=False, soft=True)
        whole.hint(baseline)
        found = whole.solve(deadline - time.perf_counter(), settings, neighbourhoods=False)
        places = found.places if found and len(found.places) >= len(baseline) else baseline
        stats["optimal"] = bool(found and found.optimal)
    else:
        places = _in_stages(
            diary, alone, baseline, (began, deadline, time_limit_seconds), settings, stats
        )
        if len(places) < len(baseline):
            places = baseline
        stats["optimal"] = False

    final = Diary(instance)
    order = {p.id: i for i, p in enumerate(instance.panels)}
    assignments = sorted(
        (final.assignment(panels[p], x.start, x.venue, x.team) for p, x in places.items()),
        key=lambda a: (a.start, order[a.panel]),
    )
    for assignment in assignments:
        final.book(assignment)
    unscheduled = tuple(
        Unscheduled(p.id, final.blockers(p)) for p in instance.panels if p.id not in places
    )
    stats = {
        "panels": len(instance.panels),
        "placed": len(assignments),
        "seconds": round(time.perf_counter() - began, 3),
        **stats,
    }
    return Solution(tuple(assignments), unscheduled, stats)


def _in_stages(
    diary: Diary,
    alone: Mapping[str, Choices],
    baseline: Mapping[str, _Place],
    clock: tuple[float, float, float],
    settings: _Settings,
    stats: dict[str, object],
) -> dict[str, _Place]:
    """Steps 1 to 4 of the module's docstring, within the time: `clock` is when optimise
    began, its deadline and its time limit."""
    began, deadline, limit = clock
    instance = diary.instance
    flow = _LeadFlow(diary, alone)
    most = flow.bound
    spared = _sparing(instance, alone)
    seconds = min(FLOW_START_SHARE * limit, deadline - time.perf_counter())
    flowed = flow.start(diary, alone, seconds, settings)
    starts = {"greedy": baseline, "sparing": spared, "lead flow": flowed}
    name, hint = max(starts.items(), key=lambda item: len(item[1]))
    stats |= {
        "sparing_placed": len(spared),
        "flow_placed": len(flowed),
        "start": name,
        "lead_bound": most,
    }

    scarce = _scarce(diary, hint)
    # How long the soft goals' model would take to load, judged by how long the scarce
    # model of the month took to build (the soft goals' is about twice the size).
    polishing = MODEL_SECONDS
    if len(scarce) < most:
        building = time.perf_counter()
        whole = _Model(diary, alone.values(), scarce_only=True, soft=False)
        building = time.perf_counter() - building
        polishing += POLISH_BUILDS * building
        scarce_end = min(deadline, began + SCARCE_SHARE * limit)
        if deadline - scarce_end < polishing:
            # Too little would be left to polish in: the scarce search may have it all.
            scarce_end = deadline
        if scarce_end - time.perf_counter() >= MODEL_SECONDS:
            shortest = max(WHOLE_TURN_SECONDS, WHOLE_TURN_BUILDS * building)
            scarce = _scarce_search(
                diary, alone, whole, scarce, most, scarce_end, settings, shortest
            )
    stats["scarce_placed"] = len(scarce)

    seated = _seat(diary, alone, scarce)
    stats["seated"] = len(seated)
    places = seated if len(seated) >= len(baseline) else dict(baseline)

    polish_end = min(deadline, time.perf_counter() + POLISH_SHARE * limit)
    if polish_end - time.perf_counter() >= polishing:
        whole = _Model(diary, alone.values(), scarce_only=False, soft=True, at_least=len(places))
        whole.hint(places)
        found = whole.solve(polish_end - time.perf_counter(), settings)
        if found is not None and len(found.places) >= len(places):
            places = found.places
    stats["proven"] = len(places) >= most
    return places


def _scarce_search(
    diary: Diary,
    alone: Mapping[str, Choices],
    whole: _Model,
    places: dict[str, _Place],
    most: int,
    ends: float,
    settings: _Settings,
    shortest_turn: float,
) -> dict[str, _Place]:
    """Step 2: the whole scarce model's neighbourhood search, then rounds of the
    neighbourhoods round leads with room to spare, with a turn of the whole model after
    each round that finds nothing; until `most` are placed or `ends`. `whole` is the scarce
    model of every panel; a turn of it shorter than `shortest_turn` is not worth loading
    it for."""

    def search(current: dict[str, _Place], until: float) -> dict[str, _Place]:
        if until - time.perf_counter() < MODEL_SECONDS:
            return current
        whole.hint(current)
        found = whole.solve(until - time.perf_counter(), settings, enough=most)
        return found.places if found is not None and len(found.places) > len(current) else current

    first = time.perf_counter() + WHOLE_FIRST_SHARE * (ends - time.perf_counter())
    places = search(places, first)
    attempt = 0
    while len(places) < most and ends - time.perf_counter() >= MODEL_SECONDS:
        # Each round searches its neighbourhoods afresh (another seed); between rounds that
        # find nothing, the whole model has a turn.
        attempt += 1
        again = replace(settings, seed=settings.seed + attempt)
        better = _round_spare_leads(diary, alone, places, ends, again)
        if better is not None:
            places = better
            continue
        left = ends - time.perf_counter()
        turn = max(shortest_turn, WHOLE_TURN_SHARE * left)
        if turn <= left:
            places = search(places, time.perf_counter() + turn)
        elif not _around_spare_leads(diary, alone, places):
            break  # no lead has room to spare, and too little time to load the whole
    return places


def _round_spare_leads(
    diary: Diary,
    alone: Mapping[str, Choices],
    places: Mapping[str, _Place],
    ends: float,
    settings: _Settings,
) -> dict[str, _Place] | None:
    """Each of `_around_spare_leads`, the fewest panels first, re-solved with everything
    else held where it is: the first answer that places one more; None when none does in
    the time (at once when no lead has room to spare)."""
    day_of = {m: mask for _, mask in _days(diary) for m in set_bits(mask)}
    for freed, kept_to_day in _around_spare_leads(diary, alone, places):
        left = ends - time.perf_counter()
        if left < MODEL_SECONDS:
            return None
        # In a set's order the model, and so the search, would differ from run to run.
        loose = [alone[p] for p in sorted(freed)]
        loose += [
            replace(alone[p], starts=alone[p].starts & day_of[places[p].start])
            for p in sorted(kept_to_day)
        ]
        fixed = {p: x for p, x in places.items() if p not in freed and p not in kept_to_day}
        model = _Model(diary, loose, scarce_only=True, soft=False, fixed=fixed)
        model.hint(places)
        found = model.solve(min(left, AROUND_SECONDS), settings, enough=len(places) + 1)
        if found is not None and len(found.places) > len(places):
            return found.places
    return None


def _around_spare_leads(
    diary: Diary, alone: Mapping[str, Choices], places: Mapping[str, _Place]
) -> list[tuple[set[str], set[str]]]:
    """For each lead with room to spare, the panels to free: those the lead could take,
    and the unplaced panels that any lead now holding one of those could take (free to go
    anywhere); and the other panels of those leads (free within their days, to change
    time, lead or room there). The fewest panels first."""
    people = diary.instance.facilitators
    load = list(diary.load)
    for place in places.values():
        for f in place.team:
            load[f] += 1
    takes: dict[int, set[str]] = {}
    for panel_id, choices in alone.items():
        for f, bits in choices.facilitators:
            if LEAD in people[f].skills and bits & choices.starts:
                takes.setdefault(f, set()).add(panel_id)
    unplaced = {p for p, c in alone.items() if p not in places and c.starts}
    found = []
    for f, theirs in takes.items():
        if load[f] >= people[f].max_panels:
            continue
        holders = {g for p in theirs & places.keys() for g in places[p].team} & takes.keys()
        holders.add(f)
        kept_to_day = {p for p, place in places.items() if holders & set(place.team)} - theirs
        waiting = {p for p in unplaced if any(g in holders for g, _ in alone[p].facilitators)}
        found.append((theirs | waiting, kept_to_day))
    return sorted(found, key=lambda pair: len(pair[0]) + len(pair[1]))


def _scarce(diary: Diary, places: Mapping[str, _Place]) -> dict[str, _Place]:
    """The places as the scarce model holds them: a panel needing no skill keeps only the
    leads it needs, its other seats being filled after."""
    people, panels = diary.instance.facilitators, {p.id: p for p in diary.instance.panels}
    kept = {}
    for panel_id, place in places.items():
        panel = panels[panel_id]
        if not panel.requires_skills:
            leads = [f for f in place.team if LEAD in people[f].skills][: panel.leads_needed]
            place = replace(place, team=tuple(leads))
        kept[panel_id] = place
    return kept


def lead_bound(instance: Instance) -> int:
    """The most panels any answer could place, by leads alone: a panel needs its leads, a
    lead takes at most their limit of panels (less what is booked) and, on each day, at
    most as many as fit one after another in the times they could take them. A flow from
    each panel that could go alone to the leads who could take it on each day; clashes
    with rooms and second seats are left out, so the true best may be lower."""
    diary = Diary(instance)
    return _LeadFlow(diary, {p.id: diary.choices(p) for p in instance.panels}).bound


class _LeadFlow:
    """Panels to (lead, day) to leads, as a min-cost flow: the most panels the leads'
    limits and days allow, each given a lead and a day, earlier days first; `bound` is
    what `lead_bound` returns, `given` the leads and day of each panel the flow serves."""

    def __init__(self, diary: Diary, alone: Mapping[str, Choices]) -> None:
        people = diary.instance.facilitators
        self.days = _days(diary)
        # (lead, day) -> panel -> the starts the lead could take it at that day
        candidates: dict[tuple[int, date], dict[str, list[int]]] = {}
        free, needing = 0, []
        demand: dict[str, int] = {}
        for panel in diary.instance.panels:
            choices = alone[panel.id]
            if not choices.starts:
                continue
            if not panel.leads_needed:
                free += 1
                continue
            needing.append(panel)
            demand[panel.id] = _lead_demand(people, choices)
            for f, bits in choices.facilitators:
                if LEAD not in people[f].skills:
                    continue
                for day, mask in self.days:
                    if found := set_bits(bits & choices.starts & mask):
                        candidates.setdefault((f, day), {})[panel.id] = found

        flow = min_cost_flow.SimpleMinCostFlow()
        nodes: dict[object, int] = {}

        def node(key: object) -> int:
            return nodes.setdefault(key, len(nodes))

        source, sink = node("source"), node("sink")
        wanted = sum(demand.values())
        for panel in needing:
            flow.add_arc_with_capacity_and_unit_cost(source, node(panel.id), demand[panel.id], 0)
        order = {day: i for i, (day, _) in enumerate(self.days)}
        lengths = {p.id: p.duration_minutes for p in needing}
        self._arcs: dict[int, tuple[str, int, date]] = {}
        for (f, day), starts in candidates.items():
            here = node(("day", f, day))
            for panel_id in starts:
                cost = FLOW_DAY * order[day]
                arc = flow.add_arc_with_capacity_and_unit_cost(node(panel_id), here, 1, cost)
                self._arcs[arc] = (panel_id, f, day)
            for k in range(_most_in_a_day(starts, lengths)):
                flow.add_arc_with_capacity_and_unit_cost(
                    here, node(("lead", f)), 1, FLOW_SECOND_IN_A_DAY * k
                )
        for f, person in enumerate(people):
            if LEAD in person.skills and ("lead", f) in nodes:
                room = max(0, person.max_panels - diary.load[f])
                flow.add_arc_with_capacity_and_unit_cost(node(("lead", f)), sink, room, 0)
        # The most flow at the least cost: what cannot go through the leads goes round them
        # at a cost no path through them reaches.
        flow.add_arc_with_capacity_and_unit_cost(source, sink, wanted, 10**9)
        flow.set_node_supply(source, wanted)
        flow.set_node_supply(sink, -wanted)
        status = flow.solve()
        if status != flow.OPTIMAL:  # pragma: no cover - the bypass arc makes it feasible
            raise RuntimeError(f"the leads' flow did not solve ({status})")
        given: dict[str, list[tuple[int, date]]] = {}
        for arc, (panel_id, f, day) in self._arcs.items():
            if flow.flow(arc):
                given.setdefault(panel_id, []).append((f, day))
        # A panel counts when all its leads are given; those needing the fewest go first.
        through = sum(len(v) for v in given.values())
        self.bound = free
        for panel in sorted(needing, key=lambda p: demand[p.id]):
            if demand[panel.id] > through:
                break
            through -= demand[panel.id]
            self.bound += 1
        # The start only uses panels whose leads are all on one day.
        self.given = {
            panel_id: pairs
            for panel_id, pairs in given.items()
            if len(pairs) == demand[panel_id] and len({d for _, d in pairs}) == 1
        }

    def start(
        self, diary: Diary, alone: Mapping[str, Choices], seconds: float, settings: _Settings
    ) -> dict[str, _Place]:
        """Each panel the flow gives a lead and a day, held to them (with its other seats
        when it needs a skill, from people who are not leads): a time and a room for as
        many as fit."""
        if seconds < MODEL_SECONDS or not self.given:
            return {}
        people = diary.instance.facilitators
        masks = dict(self.days)
        held = []
        for panel_id, pairs in self.given.items():
            choices = alone[panel_id]
            leads = {f for f, _ in pairs}
            starts = choices.starts & masks[pairs[0][1]]
            for f, bits in choices.facilitators:
                if f in leads:
                    starts &= bits
            team = tuple(
                (f, bits & starts)
                for f, bits in choices.facilitators
                if bits & starts
                and (f in leads or (choices.panel.requires_skills and LEAD not in people[f].skills))
            )
            held.append(replace(choices, facilitators=team, starts=starts))
        model = _Model(diary, held, scarce_only=True, soft=False)
        found = model.solve(seconds, settings, neighbourhoods=False)
        return found.places if found is not None else {}


def _lead_demand(people: Sequence[FacilitatorSpec], choices: Choices) -> int:
    """How many leads the panel takes at least: its leads, and more when, at every start,
    too few people who are not leads could fill its other seats (a Welsh panel where the
    only Welsh speakers free are leads)."""
    panel = choices.panel
    others = [bits for f, bits in choices.facilitators if LEAD not in people[f].skills]
    seats = panel.facilitators_needed - panel.leads_needed
    for short in range(seats + 1):
        if at_least(others, seats - short, choices.starts) & choices.starts:
            return panel.leads_needed + short
    return panel.leads_needed + seats  # pragma: no cover - short == seats always matches


def _most_in_a_day(starts: Mapping[str, list[int]], lengths: Mapping[str, int]) -> int:
    """The most of these panels one person can take one after another, each at one of its
    starts; for many panels, the most intervals that fit, which is never fewer."""
    items = sorted(starts.items())
    if len(items) > EXACT_DAY_PANELS:
        ends, count, free_from = sorted((m + lengths[p], m) for p, ms in items for m in ms), 0, -1
        for end, begin in ends:
            if begin >= free_from:
                count, free_from = count + 1, end
        return min(count, len(items))

    @cache
    def most(free_from: int, taken: int) -> int:
        best = 0
        for k, (panel_id, minutes) in enumerate(items):
            if taken >> k & 1:
                continue
            # Its earliest start after `free_from` leaves the most room for the rest.
            first = next((m for m in minutes if m >= free_from), None)
            if first is not None:
                best = max(best, 1 + most(first + lengths[panel_id], taken | 1 << k))
        return best

    return most(-1, 0)


def _days(diary: Diary) -> list[tuple[date, int]]:
    """Each local day of the horizon with the grid starts in it, in time order."""
    horizon = diary.instance.horizon
    day = horizon.start.astimezone(diary.zone).date()
    found = []
    while _midnight(diary, day) < horizon.end:
        following = day + timedelta(days=1)
        low = max(diary.minute(_midnight(diary, day)), 0)
        high = max(diary.minute(_midnight(diary, following)), 0)
        if mask := diary.grid & (((1 << high) - 1) ^ ((1 << low) - 1)):
            found.append((day, mask))
        day = following
    return found


def _midnight(diary: Diary, day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=diary.zone)


@dataclass(frozen=True)
class _Found:
    """A model's answer: where its panels go, and whether CP-SAT proved it the best."""

    places: dict[str, _Place]
    optimal: bool


@dataclass(frozen=True)
class _Vars:
    """One panel's variables: whether it is placed, its start, and a yes-or-no for each
    facilitator (seats) and venue (rooms) it could have."""

    placed: cp_model.IntVar
    start: cp_model.IntVar
    starts: tuple[int, ...]
    seats: dict[int, cp_model.IntVar]
    rooms: dict[int, cp_model.IntVar]


class _Model:
    """CP-SAT's model of where panels go: each at most once, at one of its starts, with a
    venue and its facilitators all free then, none of them in two places at once or past
    their limit. `scarce_only` leaves out the seats any free person could fill (a panel's
    seats beyond its leads when it needs no skill). `soft` adds the soft goals below the
    count; `at_least` holds the count to that many. `fixed` panels stay where they are: they
    only take their people's and room's time and places, so a model of a few panels among
    hundreds held stays small."""

    def __init__(
        self,
        diary: Diary,
        choices: Iterable[Choices],
        *,
        scarce_only: bool,
        soft: bool,
        at_least: int = 0,
        fixed: Mapping[str, _Place] | None = None,
    ) -> None:
        people, venues = diary.instance.facilitators, diary.instance.venues
        self.diary = diary
        self.model = model = cp_model.CpModel()
        self.vars: dict[str, _Vars] = {}
        self.fixed = dict(fixed or {})
        held: dict[tuple[str, int], list[cp_model.IntervalVar]] = {}
        uses: dict[int, list[cp_model.IntVar]] = {}
        taken = list(diary.load)
        lengths = {p.id: p.duration_minutes for p in diary.instance.panels}
        for panel_id, place in self.fixed.items():
            minutes = lengths[panel_id]
            for f in place.team:
                taken[f] += 1
                held.setdefault(("f", f), []).append(
                    model.new_fixed_size_interval_var(place.start, minutes, "")
                )
            venue = venues[place.venue]
            before, after = venue.buffer_before_minutes, venue.buffer_after_minutes
            held.setdefault(("v", place.venue), []).append(
                model.new_fixed_size_interval_var(
                    place.start - before, before + minutes + after, ""
                )
            )
        costs: list[cp_model.LinearExprT] = []
        soft_most = 0
        for choice in choices:
            panel, starts = choice.panel, tuple(set_bits(choice.starts))
            if not starts:
                continue
            placed = model.new_bool_var("")
            start = model.new_int_var_from_domain(cp_model.Domain.from_values(starts), "")
            minutes = panel.duration_minutes
            ordinary = scarce_only and not panel.requires_skills
            seats: dict[int, cp_model.IntVar] = {}
            for f, bits in choice.facilitators:
                if not bits & choice.starts or (ordinary and LEAD not in people[f].skills):
                    continue
                seats[f] = seat = self._when_free(start, starts, bits & choice.starts)
                held.setdefault(("f", f), []).append(
                    model.new_optional_fixed_size_interval_var(start, minutes, seat, "")
                )
                uses.setdefault(f, []).append(seat)
            leads = [y for f, y in seats.items() if LEAD in people[f].skills]
            if ordinary:
                model.add(sum(leads) == panel.leads_needed * placed)
            else:
                model.add(sum(seats.values()) == panel.facilitators_needed * placed)
                model.add(sum(leads) >= panel.leads_needed * placed)
            rooms: dict[int, cp_model.IntVar] = {}
            for v, bits in choice.venues:
                if not bits & choice.starts:
                    continue
                rooms[v] = room = self._when_free(start, starts, bits & choice.starts)
                before, after = venues[v].buffer_before_minutes, venues[v].buffer_after_minutes
                held.setdefault(("v", v), []).append(
                    model.new_optional_fixed_size_interval_var(
                        start - before, before + minutes + after, room, ""
                    )
                )
            model.add(sum(rooms.values()) == placed)
            self.vars[panel.id] = _Vars(placed, start, starts, seats, rooms)
            if soft:
                # Later costs a minute a minute; the rest in quarter hours. An unplaced
                # panel's start is free, and sits at its earliest, costing nothing extra.
                costs.append(starts[0] - start)
                seat_costs = {f: _cost(diary, panel, f) for f in seats}
                costs += [-EARLIER_MINUTES * c * seats[f] for f, c in seat_costs.items()]
                away = {v: VENUE_NOT_LOCAL * (venues[v].area != panel.area) for v in rooms}
                costs += [-EARLIER_MINUTES * c * rooms[v] for v, c in away.items()]
                dearest = sorted(seat_costs.values(), reverse=True)[: panel.facilitators_needed]
                soft_most = max(
                    soft_most,
                    starts[-1] - starts[0] + EARLIER_MINUTES * (sum(dearest) + VENUE_NOT_LOCAL),
                )
        for intervals in held.values():
            if len(intervals) > 1:
                model.add_no_overlap(intervals)
        for f, used in uses.items():
            if len(used) > people[f].max_panels - taken[f]:
                model.add(sum(used) <= people[f].max_panels - taken[f])
        count = cp_model.LinearExpr.sum([v.placed for v in self.vars.values()])
        if at_least:
            model.add(count >= at_least)
        # Big enough that one more panel placed outweighs every soft goal of all of them.
        unit = (len(self.vars) + 1) * (soft_most + 1)
        model.maximize(unit * count + cp_model.LinearExpr.sum(costs) if soft else count)

    def _when_free(
        self, start: cp_model.IntVar, starts: Sequence[int], bits: int
    ) -> cp_model.IntVar:
        """A yes-or-no that, when yes, holds the start to the times in `bits`."""
        chosen = self.model.new_bool_var("")
        free = set_bits(bits)
        if len(free) < len(starts):
            self.model.add_linear_expression_in_domain(
                start, cp_model.Domain.from_values(free)
            ).only_enforce_if(chosen)
        return chosen

    def hint(self, places: Mapping[str, _Place]) -> None:
        """Starts the search from `places` (what of it the model holds), in place of any
        hint before. A scarce model is given scarce places (`_scarce`)."""
        self.model.clear_hints()  # type: ignore[no-untyped-call]  # untyped in ortools
        for panel_id, v in self.vars.items():
            place = places.get(panel_id)
            if place is None or place.start not in v.starts:
                place = None
            team = set(place.team) if place is not None else set()
            self.model.add_hint(v.placed, place is not None)
            self.model.add_hint(v.start, place.start if place is not None else v.starts[0])
            for f, seat in v.seats.items():
                self.model.add_hint(seat, f in team)
            for r, room in v.rooms.items():
                self.model.add_hint(room, place is not None and r == place.venue)

    def solve(
        self,
        seconds: float,
        settings: _Settings,
        *,
        neighbourhoods: bool = True,
        enough: int | None = None,
    ) -> _Found | None:
        """Where CP-SAT puts the panels within `seconds`; None if it found nothing. With
        `neighbourhoods`, only its neighbourhood searches run: on a big model they improve
        an answer far faster than a search that also tries to prove it best. `enough`
        stops the search once that many panels are placed."""
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = max(0.01, seconds)
        solver.parameters.num_workers = settings.workers
        solver.parameters.random_seed = settings.seed
        # One worker runs one search, and with it alone a neighbourhood search never starts.
        solver.parameters.use_lns_only = neighbourhoods and settings.workers > 1
        # Probing and symmetry detection take seconds on a month's model before the search
        # starts, and find little here.
        solver.parameters.cp_model_probing_level = 0
        solver.parameters.symmetry_level = 0
        wanted = None if enough is None else enough - len(self.fixed)
        watch = _Enough(list(v.placed for v in self.vars.values()), wanted)
        status = solver.solve(self.model, watch)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        found = dict(self.fixed)
        for panel_id, v in self.vars.items():
            if solver.boolean_value(v.placed):
                team = tuple(f for f, seat in v.seats.items() if solver.boolean_value(seat))
                room = next(r for r, z in v.rooms.items() if solver.boolean_value(z))
                found[panel_id] = _Place(solver.value(v.start), room, team)
        return _Found(found, status == cp_model.OPTIMAL)


class _Enough(cp_model.CpSolverSolutionCallback):
    """Stops the search once `enough` panels are placed (nothing better can be found)."""

    def __init__(self, placed: list[cp_model.IntVar], enough: int | None) -> None:
        super().__init__()
        self.placed = placed
        self.enough = enough

    def on_solution_callback(self) -> None:
        if self.enough is not None and sum(map(self.boolean_value, self.placed)) >= self.enough:
            self.stop_search()


def _seat(
    diary: Diary, alone: Mapping[str, Choices], places: Mapping[str, _Place]
) -> dict[str, _Place]:
    """Fills the seats the scarce model left out: for each panel short of people, those
    with the fewest to choose from first, the free person with the lowest cost. A panel
    that cannot be filled is left out."""
    people, panels = diary.instance.facilitators, {p.id: p for p in diary.instance.panels}
    load = list(diary.load)
    busy: dict[int, list[tuple[int, int]]] = {}
    for panel_id, place in places.items():
        for f in place.team:
            load[f] += 1
            busy.setdefault(f, []).append(_span(panels[panel_id], place))

    def free(panel_id: str, place: _Place) -> list[int]:
        low, high = _span(panels[panel_id], place)
        return [
            f
            for f, bits in alone[panel_id].facilitators
            if bits >> place.start & 1
            and f not in place.team
            and load[f] < people[f].max_panels
            and all(high <= a or b <= low for a, b in busy.get(f, []))
        ]

    seated = {}
    short = []
    for panel_id, place in places.items():
        if len(place.team) >= panels[panel_id].facilitators_needed:
            seated[panel_id] = place
        else:
            short.append(panel_id)
    for panel_id in sorted(short, key=lambda p: len(free(p, places[p]))):
        place, panel = places[panel_id], panels[panel_id]
        chosen = sorted(free(panel_id, place), key=lambda f: (_cost(diary, panel, f), f))
        chosen = chosen[: panel.facilitators_needed - len(place.team)]
        if len(place.team) + len(chosen) < panel.facilitators_needed:
            continue
        for f in chosen:
            load[f] += 1
            busy.setdefault(f, []).append(_span(panel, place))
        seated[panel_id] = replace(place, team=place.team + tuple(chosen))
    return seated


def _span(panel: PanelSpec, place: _Place) -> tuple[int, int]:
    return place.start, place.start + panel.duration_minutes


def _sparing(instance: Instance, alone: Mapping[str, Choices]) -> dict[str, _Place]:
    """Greedy with two changes: panels needing a skill go first, then those with the
    fewest starts; and each takes, at its earliest start, the leads it needs and then
    people who are not leads, those holding the fewest skills it does not need first."""
    diary = Diary(instance)
    people = instance.facilitators
    order = sorted(
        instance.panels,
        key=lambda p: (not p.requires_skills, alone[p.id].starts.bit_count()),
    )
    places: dict[str, _Place] = {}
    for panel in order:
        choices = diary.choices(panel)
        if not choices.starts:
            continue

        def spare(i: int, panel: PanelSpec = panel) -> tuple[int, bool, int]:
            extra = len(people[i].skills - panel.requires_skills - {LEAD})
            return (extra, panel.area not in people[i].areas, diary.load[i])

        for start in set_bits(choices.starts):
            free = [i for i, bits in choices.facilitators if bits >> start & 1]
            leads = sorted((i for i in free if LEAD in people[i].skills), key=spare)
            leads = leads[: panel.leads_needed]
            rest = sorted(
                (i for i in free if i not in leads),
                key=lambda i: (LEAD in people[i].skills, *spare(i)),
            )
            team = leads + rest[: panel.facilitators_needed - len(leads)]
            venue = diary.venue_at(choices, start)
            enough = len(leads) == panel.leads_needed and len(team) == panel.facilitators_needed
            if enough and venue is not None:
                places[panel.id] = _Place(start, venue, tuple(team))
                diary.book(diary.assignment(panel, start, venue, team))
                break
    return places


def _place(diary: Diary, assignment: Assignment) -> _Place:
    return _Place(
        diary.minute(assignment.start),
        diary.venue_index[assignment.venue],
        tuple(diary.facilitator_index[f] for f in assignment.facilitators),
    )


def _cost(diary: Diary, panel: PanelSpec, f: int) -> int:
    person = diary.instance.facilitators[f]
    cost = NOT_LOCAL * (panel.area not in person.areas) + min(diary.load[f], LOAD_CAP)
    cost += SPARE_LEAD * (LEAD in person.skills)
    cost += SPARE_SKILL * len(person.skills - panel.requires_skills - {LEAD})
    return cost
