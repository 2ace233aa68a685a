"""Batch scheduling: many panels at once, as many placed as possible, then earlier, local and
evenly loaded, with OR-Tools CP-SAT on one stretch of days at a time.

One model of a whole month (every panel x every start x every facilitator) is too big to
solve well in a minute, so the work is cut by time, in two steps, from the better of
greedy's answer and a sparing greedy's (`_sparing`: skilled panels and those with few
starts first, leads and scarce skills kept out of second seats):

1. Rolling horizon. The horizon is cut into blocks of BLOCK_DAYS local days, solved in time
   order. A block's model holds the panels still unplaced that can start in it, those
   with the fewest chances left first and at most ROLL_PANELS (nearly every panel could
   go in nearly every block, and a model of them all is not solved in its share of the
   time); one that could also start in a later block is worth less there
   (WEIGHT_FLEXIBLE) than one for which this block is the last chance
   (WEIGHT_LAST_CHANCE), so a crowded block goes to the panels that need it. What a block
   places is booked before the next is built, which carries facilitators' limits and
   clashes across the cut. The greedy answer is the hint. When the time would give a
   block less than MODEL_SECONDS this step is left out and all goes to repair.
2. Repair. The better of that and greedy's answer is improved one window at a time: for
   an unplaced panel and a block where it could go, a model holds the panels placed in
   that block and those of a few facilitators who could take it there but are at their
   limit (free to move within the blocks they are in; limits, mostly the leads', are
   what ties one part of the month to another), the unplaced panel and a few others,
   with everything else held fixed. A window's answer never places fewer, so the answer
   only gets better, and it is never worse than greedy's. Repair stops when every window
   has been tried since a panel was last added, or when as many are placed as the
   leads' limits allow (`lead_bound`), so a month that is quickly done is quickly
   answered.

Small instances (a handful of panels, as in the tests) are one model with nothing pruned,
so their answer is the proven best.
"""

from __future__ import annotations

import random
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from ortools.graph.python import max_flow  # type: ignore[import-untyped]
from ortools.sat.python import cp_model

from scheduling.greedy import greedy
from scheduling.instance import (
    Assignment,
    Booking,
    Instance,
    PanelSpec,
    Solution,
    Unscheduled,
)
from scheduling.suggest import LEAD, Choices, Diary, set_bits

# A block is this many local days. Two days hold one or two of a panel's evenings, which
# keeps a block's model to a few thousand choices even for a 400-panel month.
BLOCK_DAYS = 2
# Facilitators at their limit whose panels a repair window frees, besides those in its
# block: each has a handful, so the model stays small.
HELPERS = 3
# Unplaced panels in a repair window's model besides the one it is for.
REPAIR_OTHERS = 4
# Panels in one block's model in step 1 at most, those with the fewest chances left first.
ROLL_PANELS = 30
# The least time one model is given: building and presolving a block's model takes a
# few tenths of a second, and a model stopped before its first answer is time wasted.
MODEL_SECONDS = 0.3
# Kept back from the time limit for building the last model and the answer.
FINISHING_SECONDS = 0.5
# The most one repair window is given: its model is small, and one that has found no
# better in a second seldom does in ten; the time is better spent on other windows.
WINDOW_SECONDS = 1.0
# Share of the time (after greedy) given to the rolling horizon; the rest goes to repair.
ROLLING_SHARE = 0.4
# K: starts kept per panel in one model, spread over its days (earliest first on each).
# A panel's evening has 3-6 starts on a 30-minute grid, so 12 keeps every start of a
# two-day block in nearly every case and caps the odd panel available all day.
STARTS_PER_PANEL = 12
# M: facilitators kept per start, the most promising first (from the panel's area, with
# the most room under their limit, fewest panels). Eight give 28 possible pairs, enough
# for the solver to steer round other panels at the same time; more only adds look-alikes.
FACILITATORS_PER_START = 8
# ...of which at least this many leads when there are, as every panel needs one.
LEADS_PER_START = 3
# Venues kept per start: the panel's own area first, then the smallest that fit.
VENUES_PER_START = 4
# Below both sizes an instance is one model with nothing pruned: solved to the optimum.
EXACT_PANELS = 12
EXACT_STARTS = 600

WEIGHT_LAST_CHANCE = 3
WEIGHT_FLEXIBLE = 2
# Soft goals, in DESIGN order, per placed panel: a quarter of an hour later costs 1; a
# facilitator from outside the panel's area 3 (so keeping both local is worth starting
# 90 minutes later the same evening, never another day); each panel a facilitator
# already has 1 (up to LOAD_CAP), a lead beyond those needed 2 and each skill the panel
# does not need 1 (keeping scarce people for the panels only they can take); a venue
# outside the panel's area 2.
EARLIER_MINUTES = 15
NOT_LOCAL = 3
SPARE_LEAD = 2
SPARE_SKILL = 1
VENUE_NOT_LOCAL = 2
LOAD_CAP = 5


@dataclass(frozen=True)
class _Place:
    """Where a panel goes, in diary terms: start minute, venue and team indexes."""

    start: int
    venue: int
    team: tuple[int, ...]


@dataclass(frozen=True)
class _Start:
    """One start a model may choose for a panel, with who and where could do it then."""

    minute: int
    venues: tuple[int, ...]
    facilitators: tuple[int, ...]


@dataclass(frozen=True)
class _Entry:
    panel: PanelSpec
    weight: int
    starts: tuple[_Start, ...]


@dataclass(frozen=True)
class _Found:
    """One model's answer: where its panels go, whether CP-SAT proved it the best, and
    whether it beats the hint it started from."""

    places: dict[str, _Place]
    optimal: bool
    better: bool


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
    # Kept back for what CP-SAT's clock does not see: building each model, and the answer.
    deadline = began + time_limit_seconds - min(FINISHING_SECONDS, 0.05 * time_limit_seconds)
    settings = _Settings(workers, seed)
    baseline = greedy(instance)
    diary = Diary(instance)
    panels = {p.id: p for p in instance.panels}
    # Where each panel could go with nothing placed: asked once, as it is slow to ask.
    alone = {p.id: diary.choices(p) for p in instance.panels}
    start_counts = sum(c.starts.bit_count() for c in alone.values())
    exact = len(instance.panels) <= EXACT_PANELS and start_counts <= EXACT_STARTS
    greedy_places = {a.panel: _place(diary, a) for a in baseline.assignments}
    stats: dict[str, object] = {"exact": exact, "greedy_placed": len(greedy_places)}
    if not exact:
        # Greedy's teams take leads and scarce skills for second seats, and its order
        # leaves the panels few can take until last: a start that spares them places more.
        spared = _sparing(instance, alone)
        stats["sparing_placed"] = len(spared)
        if len(spared) > len(greedy_places):
            greedy_places = spared

    if exact:
        entries = [
            _entry(diary, p, WEIGHT_LAST_CHANCE, alone[p.id], None, pruned=False)
            for p in instance.panels
        ]
        entries = [e for e in entries if e.starts]
        found = _solve(diary, entries, greedy_places, deadline - time.perf_counter(), settings)
        places, optimal = (found.places, found.optimal) if found else (greedy_places, False)
        stats |= {"blocks": 1, "optimal": optimal}
    else:
        blocks = _blocks(diary)
        rolling_end = time.perf_counter() + ROLLING_SHARE * (deadline - time.perf_counter())
        # With less than MODEL_SECONDS a block, the blocks' models would be cut off before
        # they beat the start; repair windows, being smaller, make better use of the time.
        if rolling_end - time.perf_counter() >= MODEL_SECONDS * len(blocks):
            rolled = _roll(instance, alone, blocks, greedy_places, rolling_end, deadline, settings)
        else:
            rolled = {}
        places = rolled if len(rolled) > len(greedy_places) else greedy_places
        most = lead_bound(instance)
        improved, windows = _repair(instance, alone, blocks, places, most, deadline, settings)
        stats |= {
            "blocks": len(blocks),
            "rolling_placed": len(rolled),
            "lead_bound": most,
            "windows": windows,
            "optimal": False,
        }
        places = improved

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


def lead_bound(instance: Instance) -> int:
    """The most panels any answer could place, by leads alone: a panel needs a lead, and a
    lead takes at most their limit of panels (less what is booked). A flow from each panel
    that could go alone to the leads who could take it then; clashes in time are left
    out, so the true best may be lower. Panels needing no lead count when they could go
    alone."""
    diary = Diary(instance)
    people = instance.facilitators
    count = len(instance.panels)
    flow = max_flow.SimpleMaxFlow()
    source, sink = count + len(people), count + len(people) + 1
    free = 0
    for p, panel in enumerate(instance.panels):
        choices = diary.choices(panel)
        if not choices.starts:
            continue
        if not panel.leads_needed:
            free += 1
            continue
        flow.add_arc_with_capacity(source, p, 1)
        for f, bits in choices.facilitators:
            if LEAD in people[f].skills and bits & choices.starts:
                flow.add_arc_with_capacity(p, count + f, 1)
    for f, person in enumerate(people):
        flow.add_arc_with_capacity(count + f, sink, max(0, person.max_panels - diary.load[f]))
    flow.solve(source, sink)
    return free + int(flow.optimal_flow())


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


def _roll(
    instance: Instance,
    alone: Mapping[str, Choices],
    blocks: Sequence[int],
    hints: Mapping[str, _Place],
    ends: float,
    deadline: float,
    settings: _Settings,
) -> dict[str, _Place]:
    """Step 1: the blocks in time order, each placing what it can of what is left."""
    diary = Diary(instance)
    first = {p: c.starts for p, c in alone.items()}
    places: dict[str, _Place] = {}
    for number, block in enumerate(blocks):
        later = blocks[number + 1 :]
        candidates = []
        for panel in instance.panels:
            if panel.id in places or not diary.times(panel) & block:
                continue
            choices = diary.choices(panel, block)
            if not choices.starts:
                continue
            # Whether it could go later is judged on the first look, before anything was
            # placed: a little hopeful, and far cheaper than asking again every block.
            chances = sum(bool(first[panel.id] & after) for after in later)
            candidates.append((chances, panel, choices))
        # Nearly every panel could go in nearly every block, but a block holds a few:
        # the model takes those with the fewest chances left, so it stays small enough
        # to solve in its share of the time.
        candidates.sort(key=lambda c: c[0])
        entries = []
        for chances, panel, choices in candidates[:ROLL_PANELS]:
            weight = WEIGHT_FLEXIBLE if chances else WEIGHT_LAST_CHANCE
            hint = hints.get(panel.id)
            keep = hint if hint is not None and _fits(diary, choices, hint) else None
            entries.append(_entry(diary, panel, weight, choices, keep, pruned=True))
        if not entries:
            continue
        hint_here = {
            e.panel.id: hints[e.panel.id]
            for e in entries
            if e.panel.id in hints and _offered(e, hints[e.panel.id])
        }
        now = time.perf_counter()
        budget = min(deadline - now, max(MODEL_SECONDS, (ends - now) / (len(blocks) - number)))
        found = _solve(diary, entries, _hinted(diary, entries, hint_here), budget, settings)
        for panel_id, place in (found.places if found else {}).items():
            places[panel_id] = place
            panel = next(e.panel for e in entries if e.panel.id == panel_id)
            diary.book(diary.assignment(panel, place.start, place.venue, place.team))
    # A panel left out of the models, or by a block's time running out, may still fit.
    for panel in instance.panels:
        if panel.id not in places:
            options = diary.options(panel, 1)
            if options:
                diary.book(options[0].assignment)
                places[panel.id] = _place(diary, options[0].assignment)
    return places


def _repair(
    instance: Instance,
    alone_choices: Mapping[str, Choices],
    blocks: Sequence[int],
    places: dict[str, _Place],
    most: int,
    deadline: float,
    settings: _Settings,
) -> tuple[dict[str, _Place], int]:
    """Step 2: for an unplaced panel and a block where it could go, re-solve a window
    around them with the rest held fixed, keeping an answer that places more (or as many,
    better by the soft goals); and so on, in random order. Stops when every such window
    has been tried since a panel was last added, or `most` are placed (nothing is left to
    add): searching on could only move what is placed a little earlier or nearer home,
    which is not worth minutes of a coordinator's wait."""
    panels = {p.id: p for p in instance.panels}
    reference = Diary(instance)
    alone = {p: c.starts for p, c in alone_choices.items()}
    rng = random.Random(settings.seed)  # noqa: S311 - choosing windows, not secrets
    windows = 0
    tried: set[tuple[str, int]] = set()  # since a panel was last added
    takers: dict[tuple[str, int], list[int]] = {}
    while True:
        pending = [
            (panel, block)
            for panel in instance.panels
            if panel.id not in places
            for block in blocks
            if block & alone[panel.id] and (panel.id, block) not in tried
        ]
        if not pending or len(places) >= most:
            return places, windows
        for panel, block in pending:
            if (panel.id, block) not in takers:
                takers[panel.id, block] = _takers(reference, alone_choices[panel.id], block)
        load = _load(reference, places)
        people = instance.facilitators
        rng.shuffle(pending)
        # Windows where someone who could take the panel still has room come first: a
        # move or two nearby is then enough, and they are the likeliest to place it.
        pending.sort(
            key=lambda pair: all(
                load[i] >= people[i].max_panels for i in takers[pair[0].id, pair[1]]
            )
        )
        for number, (target, home) in enumerate(pending):
            left = deadline - time.perf_counter()
            if left < MODEL_SECONDS / 2:
                return places, windows
            tried.add((target.id, home))
            if target.id in places:
                continue
            who = takers[target.id, home]
            window, free = _window(reference, blocks, target, home, who, places, rng)
            outside = [
                Booking(pid, *_span(reference, panels[pid], x), *_names(reference, x))
                for pid, x in places.items()
                if pid not in free
            ]
            diary = Diary(replace(instance, booked=instance.booked + tuple(outside)))
            inside = {pid: x for pid, x in places.items() if pid in free}
            # A few other unplaced panels may use what moving things frees; all of them
            # would make the model as big as a block's in step 1.
            others = [
                p
                for p in instance.panels
                if p.id not in places and p.id != target.id and alone[p.id] & window
            ]
            rng.shuffle(others)
            entries: list[_Entry] = []
            for panel in [target, *(panels[pid] for pid in inside), *others]:
                if len(entries) == 1 + len(inside) + REPAIR_OTHERS:
                    break
                choices = diary.choices(panel, window)
                if choices.starts:
                    keep = inside.get(panel.id)
                    entries.append(
                        _entry(diary, panel, WEIGHT_LAST_CHANCE, choices, keep, pruned=True)
                    )
                elif panel.id == target.id:
                    break  # even with the window cleared it cannot go here
            if not entries or entries[0].panel.id != target.id:
                continue
            share = left / (len(pending) - number)
            budget = min(left, max(MODEL_SECONDS, min(WINDOW_SECONDS, share)))
            found = _solve(diary, entries, _hinted(diary, entries, inside), budget, settings)
            windows += 1
            if found is None:
                continue
            gained = len(found.places) - len(inside)
            if gained > 0 or (gained == 0 and found.better):
                places = {pid: x for pid, x in places.items() if pid not in inside}
                places.update(found.places)
            if gained > 0:
                tried.clear()
                break


def _takers(diary: Diary, choices: Choices, block: int) -> list[int]:
    """The facilitators who could take the panel in the block, with nothing else placed
    (`choices`): leads only, when it needs one, as they are the scarcer."""
    panel = choices.panel
    found = [i for i, bits in choices.facilitators if bits & choices.starts & block]
    if panel.leads_needed:
        return [i for i in found if LEAD in diary.instance.facilitators[i].skills] or found
    return found


def _load(diary: Diary, places: Mapping[str, _Place]) -> list[int]:
    """Each facilitator's panels: those booked in the diary and those placed."""
    load = list(diary.load)
    for place in places.values():
        for f in place.team:
            load[f] += 1
    return load


def _window(
    diary: Diary,
    blocks: Sequence[int],
    panel: PanelSpec,
    home: int,
    takers: Sequence[int],
    places: Mapping[str, _Place],
    rng: random.Random,
) -> tuple[int, set[str]]:
    """Where to re-solve for an unplaced panel in the block `home`, and which placed panels
    are free to move there: those in that block near enough in time to be in its way, and
    those of a few of its `takers` who are at their limit, with the blocks those are in.
    Limits tie the month together: such a lead is freed only by giving one of their
    panels, maybe days away, to someone else."""
    people, venues = diary.instance.facilitators, diary.instance.venues
    load = _load(diary, places)
    full = [i for i in takers if load[i] >= people[i].max_panels]
    helpers = set(rng.sample(full, min(HELPERS, len(full))))
    # A busy block holds fifty panels; those hours from any start the panel could have
    # cannot be in its way, and leaving them out keeps the model small.
    starts = set_bits(diary.choices(panel, home).starts)
    buffers = max((v.buffer_before_minutes + v.buffer_after_minutes for v in venues), default=0)
    longest = max(p.duration_minutes for p in diary.instance.panels)
    low = starts[0] - longest - buffers
    high = starts[-1] + panel.duration_minutes + buffers
    # Of those, only panels holding a venue or person the panel could have can be in
    # its way: the rest stay put, which keeps the window's model small and quick.
    choices = diary.choices(panel, home)
    wanted = {i for i, _ in choices.facilitators}
    rooms = {i for i, _ in choices.venues}
    free = {
        pid
        for pid, x in places.items()
        if (
            home >> x.start & 1
            and low < x.start < high
            and (x.venue in rooms or wanted & set(x.team))
        )
        or helpers & set(x.team)
    }
    window = home
    for pid in free:
        start = places[pid].start
        window |= next(b for b in blocks if b >> start & 1)
    return window, free


def _span(diary: Diary, panel: PanelSpec, place: _Place) -> tuple[datetime, datetime]:
    begins = diary.moment(place.start)
    return begins, begins + timedelta(minutes=panel.duration_minutes)


def _names(diary: Diary, place: _Place) -> tuple[str, tuple[str, ...]]:
    people = diary.instance.facilitators
    return diary.instance.venues[place.venue].id, tuple(people[f].id for f in place.team)


def _fits(diary: Diary, choices: Choices, place: _Place) -> bool:
    """Whether `place` is still open to the panel in the diary as it stands."""
    if not choices.starts >> place.start & 1:
        return False
    venues = dict(choices.venues)
    people = dict(choices.facilitators)
    return bool(venues.get(place.venue, 0) >> place.start & 1) and all(
        people.get(f, 0) >> place.start & 1 for f in place.team
    )


def _offered(entry: _Entry, place: _Place) -> bool:
    return any(
        s.minute == place.start
        and place.venue in s.venues
        and set(place.team) <= set(s.facilitators)
        for s in entry.starts
    )


def _blocks(diary: Diary) -> list[int]:
    """Grid starts cut into runs of BLOCK_DAYS local days, in time order, none empty."""
    horizon = diary.instance.horizon
    day = horizon.start.astimezone(diary.zone).date()
    blocks = []
    while _midnight(diary, day) < horizon.end:
        following = day + timedelta(days=BLOCK_DAYS)
        low = max(diary.minute(_midnight(diary, day)), 0)
        high = max(diary.minute(_midnight(diary, following)), 0)
        mask = diary.grid & (((1 << high) - 1) ^ ((1 << low) - 1))
        if mask:
            blocks.append(mask)
        day = following
    return blocks


def _midnight(diary: Diary, day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=diary.zone)


def _entry(
    diary: Diary,
    panel: PanelSpec,
    weight: int,
    choices: Choices,
    keep: _Place | None,
    *,
    pruned: bool,
) -> _Entry:
    """The starts a model may choose for the panel: pruned to the K most promising starts
    and M facilitators and a few venues per start, always keeping `keep` (its hint)."""
    people, venues = diary.instance.facilitators, diary.instance.venues
    minutes = set_bits(choices.starts)
    if pruned and len(minutes) > STARTS_PER_PANEL:
        minutes = _spread(diary, minutes)
    if keep is not None and keep.start not in minutes:
        minutes = sorted([*minutes, keep.start])

    def promise(i: int) -> tuple[int, ...]:
        f = people[i]
        return (panel.area not in f.areas, -(f.max_panels - diary.load[i]), diary.load[i], i)

    starts = []
    for minute in minutes:
        free = sorted((i for i, bits in choices.facilitators if bits >> minute & 1), key=promise)
        rooms = sorted(
            (i for i, bits in choices.venues if bits >> minute & 1),
            key=lambda i: (venues[i].area != panel.area, venues[i].capacity, i),
        )
        if pruned:
            leads = [i for i in free if LEAD in people[i].skills][:LEADS_PER_START]
            others = [i for i in free if i not in leads]
            kept = set(leads + others[: max(0, FACILITATORS_PER_START - len(leads))])
            rooms = rooms[:VENUES_PER_START]
            if keep is not None and keep.start == minute:
                kept |= set(keep.team)
                rooms = rooms if keep.venue in rooms else [*rooms, keep.venue]
            free = [i for i in free if i in kept]
        starts.append(_Start(minute, tuple(rooms), tuple(free)))
    return _Entry(panel, weight, tuple(starts))


def _spread(diary: Diary, minutes: list[int]) -> list[int]:
    """STARTS_PER_PANEL of the starts, taken in turn from each local day, earliest first,
    so that no day is left out for the sake of more starts on another."""
    days: dict[date, list[int]] = {}
    for minute in minutes:
        days.setdefault(diary.moment(minute).astimezone(diary.zone).date(), []).append(minute)
    kept: list[int] = []
    queues = list(days.values())
    while len(kept) < STARTS_PER_PANEL:
        for queue in queues:
            if queue and len(kept) < STARTS_PER_PANEL:
                kept.append(queue.pop(0))
    return sorted(kept)


def _cost(diary: Diary, panel: PanelSpec, f: int) -> int:
    person = diary.instance.facilitators[f]
    cost = NOT_LOCAL * (panel.area not in person.areas) + min(diary.load[f], LOAD_CAP)
    cost += SPARE_LEAD * (LEAD in person.skills)
    cost += SPARE_SKILL * len(person.skills - panel.requires_skills - {LEAD})
    return cost


def _solve(
    diary: Diary,
    entries: Sequence[_Entry],
    hint: Mapping[str, _Place],
    seconds: float,
    settings: _Settings,
) -> _Found | None:
    """One model: where CP-SAT puts the entries' panels; None if it found no answer in
    time."""
    if not entries:
        return _Found({}, optimal=True, better=False)
    people, venues = diary.instance.facilitators, diary.instance.venues
    model = cp_model.CpModel()
    cost = {
        (e, f): _cost(diary, entry.panel, f)
        for e, entry in enumerate(entries)
        for start in entry.starts
        for f in start.facilitators
    }
    soft_most = max(
        (start.minute - diary.opens) // EARLIER_MINUTES
        + sum(
            sorted((cost[e, f] for f in start.facilitators), reverse=True)[
                : entry.panel.facilitators_needed
            ]
        )
        + VENUE_NOT_LOCAL
        for e, entry in enumerate(entries)
        for start in entry.starts
    )
    # Big enough that one more panel placed outweighs every soft goal of all of them.
    unit = (len(entries) + 1) * (soft_most + 1)

    options: list[
        tuple[
            int,
            _Start,
            cp_model.IntVar,
            dict[int, cp_model.IntVar],
            dict[int, cp_model.IntVar],
            int,
        ]
    ] = []
    held: dict[tuple[str, int], list[cp_model.IntervalVar]] = {}
    uses: dict[int, list[cp_model.IntVar]] = {}
    objective: list[cp_model.LinearExprT] = []
    for e, entry in enumerate(entries):
        panel = entry.panel
        minutes = panel.duration_minutes
        picks = []
        for start in entry.starts:
            x = model.new_bool_var("")
            picks.append(x)
            team = {f: model.new_bool_var("") for f in start.facilitators}
            rooms = {v: model.new_bool_var("") for v in start.venues}
            model.add(sum(team.values()) == panel.facilitators_needed * x)
            leads = [y for f, y in team.items() if LEAD in people[f].skills]
            model.add(sum(leads) >= panel.leads_needed * x)
            model.add(sum(rooms.values()) == x)
            for f, y in team.items():
                held.setdefault(("f", f), []).append(
                    model.new_optional_fixed_size_interval_var(start.minute, minutes, y, "")
                )
                uses.setdefault(f, []).append(y)
                objective.append(-cost[e, f] * y)
            for v, z in rooms.items():
                before, after = venues[v].buffer_before_minutes, venues[v].buffer_after_minutes
                held.setdefault(("v", v), []).append(
                    model.new_optional_fixed_size_interval_var(
                        start.minute - before, before + minutes + after, z, ""
                    )
                )
                objective.append(-VENUE_NOT_LOCAL * (venues[v].area != panel.area) * z)
            early = (start.minute - diary.opens) // EARLIER_MINUTES
            gain = entry.weight * unit - early
            objective.append(gain * x)
            options.append((e, start, x, team, rooms, gain))
        model.add_at_most_one(picks)
    for intervals in held.values():
        if len(intervals) > 1:
            model.add_no_overlap(intervals)
    for f, used in uses.items():
        model.add(sum(used) <= people[f].max_panels - diary.load[f])
    model.maximize(sum(objective))

    # The hint's score, to tell whether the answer is better than where things were.
    hinted = 0
    for e, start, x, team, rooms, gain in options:
        place = hint.get(entries[e].panel.id)
        here = place is not None and place.start == start.minute
        model.add_hint(x, here)
        for f, y in team.items():
            model.add_hint(y, here and place is not None and f in place.team)
        for v, z in rooms.items():
            model.add_hint(z, here and place is not None and v == place.venue)
        if place is not None and here:
            panel = entries[e].panel
            hinted += gain - sum(cost[e, f] for f in place.team if f in team)
            hinted -= VENUE_NOT_LOCAL * (venues[place.venue].area != panel.area)

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.01, seconds)
    solver.parameters.num_workers = settings.workers
    solver.parameters.random_seed = settings.seed
    # Probing and symmetry detection cost a few tenths of a second per model before the
    # search starts; with many short solves that time is better spent searching.
    solver.parameters.cp_model_probing_level = 0
    solver.parameters.symmetry_level = 0
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    found = {}
    for e, start, x, team, rooms, _ in options:
        if solver.boolean_value(x):
            crew = tuple(f for f, y in team.items() if solver.boolean_value(y))
            room = next(v for v, z in rooms.items() if solver.boolean_value(z))
            found[entries[e].panel.id] = _Place(start.minute, room, crew)
    return _Found(found, status == cp_model.OPTIMAL, solver.objective_value > hinted)


def _hinted(
    diary: Diary, entries: Sequence[_Entry], given: Mapping[str, _Place]
) -> dict[str, _Place]:
    """A feasible answer for a model to start from: the given places, then for each other
    panel (last-chance first, then those with fewest starts) its first start with a free
    venue and team."""
    people, venues = diary.instance.facilitators, diary.instance.venues
    busy: dict[tuple[str, int], list[tuple[int, int]]] = {}
    used: dict[int, int] = {}
    lengths = {e.panel.id: e.panel.duration_minutes for e in entries}

    def room_time(v: int, low: int, high: int) -> tuple[int, int]:
        return low - venues[v].buffer_before_minutes, high + venues[v].buffer_after_minutes

    def clear(key: tuple[str, int], span: tuple[int, int]) -> bool:
        return all(span[1] <= a or b <= span[0] for a, b in busy.get(key, []))

    def take(panel_id: str, place: _Place) -> None:
        span = (place.start, place.start + lengths[panel_id])
        for f in place.team:
            busy.setdefault(("f", f), []).append(span)
            used[f] = used.get(f, 0) + 1
        busy.setdefault(("v", place.venue), []).append(room_time(place.venue, *span))

    found: dict[str, _Place] = {}
    for panel_id, place in given.items():
        if panel_id in lengths:
            take(panel_id, place)
            found[panel_id] = place
    for entry in sorted(entries, key=lambda e: (-e.weight, len(e.starts))):
        panel = entry.panel
        if panel.id in found:
            continue
        for start in entry.starts:
            span = (start.minute, start.minute + panel.duration_minutes)
            free = [
                f
                for f in start.facilitators
                if clear(("f", f), span) and used.get(f, 0) < people[f].max_panels - diary.load[f]
            ]
            leads = [f for f in free if LEAD in people[f].skills][: panel.leads_needed]
            rest = [f for f in free if f not in leads]
            team = leads + rest[: panel.facilitators_needed - len(leads)]
            room = next((v for v in start.venues if clear(("v", v), room_time(v, *span))), None)
            if len(leads) < panel.leads_needed or len(team) < panel.facilitators_needed:
                continue
            if room is not None:
                place = _Place(start.minute, room, tuple(team))
                take(panel.id, place)
                found[panel.id] = place
                break
    return found
