"""Times, venues and facilitators for one panel, best first by the soft goals of DESIGN.md,
each with a sentence saying why it is a good choice; or, when there is none, what blocks it.
The `Diary` here is shared with greedy and optimise, which place panels one after another."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from scheduling.instance import Assignment, Instance, PanelSpec
from scheduling.intervals import Interval, clip

MINUTE = timedelta(minutes=1)
LEAD = "lead"

# How the venue features a panel may ask for read in a sentence; others are shown with
# their underscores as spaces.
FEATURE_WORDS = {
    "step_free": "step-free access",
    "two_rooms": "two rooms",
    "hearing_loop": "a hearing loop",
}


@dataclass(frozen=True)
class Option:
    assignment: Assignment
    explanation: str


@dataclass(frozen=True)
class Suggestions:
    """The options, best first; when there are none, `reasons` says what blocks the panel."""

    options: tuple[Option, ...]
    reasons: tuple[str, ...]


def suggest(instance: Instance, panel_id: str, n: int = 5) -> Suggestions:
    """The best `n` options for one panel, at distinct start times, around what is booked."""
    panel = next((p for p in instance.panels if p.id == panel_id), None)
    if panel is None:
        raise KeyError(f"no panel {panel_id!r} in the instance")
    diary = Diary(instance)
    options = diary.options(panel, n)
    return Suggestions(tuple(options), () if options else diary.blockers(panel))


def runs(free: int, length: int) -> int:
    """The minutes that start `length` free minutes in a row in the bitset `free`."""
    found, covered = free, 1
    # Doubling: after each step a set bit says the next `covered` minutes are all free.
    while covered < length:
        step = min(covered, length - covered)
        found &= found >> step
        covered += step
    return found


def at_least(bitsets: Iterable[int], k: int, everywhere: int) -> int:
    """The bits set in at least `k` of `bitsets` (`everywhere` when k is 0)."""
    if k <= 0:
        return everywhere
    # counts[j] holds the bits seen in at least j + 1 bitsets so far: a bit-parallel tally.
    counts = [0] * k
    for bits in bitsets:
        for j in range(k - 1, 0, -1):
            counts[j] |= counts[j - 1] & bits
        counts[0] |= bits
    return counts[k - 1]


def set_bits(bits: int) -> list[int]:
    """The positions of the set bits, lowest first."""
    found = []
    while bits:
        lowest = bits & -bits
        found.append(lowest.bit_length() - 1)
        bits ^= lowest
    return found


@dataclass(frozen=True)
class Choices:
    """Where one panel could go, now. Bitsets are over the diary's minutes and hold only
    grid starts: `times` when the parties can come (inside earliest, latest and the
    horizon); per suitable venue and facilitator, the starts in `times` it is free for;
    `starts` where a venue and a whole team are free together."""

    panel: PanelSpec
    times: int
    venues: tuple[tuple[int, int], ...]
    facilitators: tuple[tuple[int, int], ...]
    starts: int


class Diary:
    """Who and what is free when, and how many panels each facilitator has, for one
    instance. Times are whole minutes from `origin` and free time is a Python int used as a
    bitset (bit m is the minute from origin + m), so "free for the two hours from here" for
    every start at once is a few shifts and ANDs. Mutable on purpose: greedy and optimise
    book panels into it one after another."""

    def __init__(self, instance: Instance) -> None:
        self.instance = instance
        self.zone = ZoneInfo(instance.timezone)
        self.step = instance.granularity_minutes
        before = max((v.buffer_before_minutes for v in instance.venues), default=0)
        after = max((v.buffer_after_minutes for v in instance.venues), default=0)
        # The venue buffers of a panel at the horizon's edge may reach past it.
        self.origin = instance.horizon.start - before * MINUTE
        self.opens = before
        self.closes = (instance.horizon.end - self.origin) // MINUTE
        self.size = self.closes + after
        count = -(-(self.closes - self.opens) // self.step)
        # 1 + 2^s + 2^2s + ... : one bit per grid start, as a geometric series.
        self.grid = ((1 << (self.step * count)) - 1) // ((1 << self.step) - 1) << self.opens
        self.everywhere = (1 << self.size) - 1
        self.facilitator_index = {f.id: i for i, f in enumerate(instance.facilitators)}
        self.venue_index = {v.id: i for i, v in enumerate(instance.venues)}
        self.load = [0] * len(instance.facilitators)
        # Free time is worked out when first asked for: a panel needing the youth skill
        # never looks at most facilitators.
        self._facilitator_busy: list[list[tuple[int, int]]] = [[] for _ in instance.facilitators]
        self._venue_busy: list[list[tuple[int, int]]] = [[] for _ in instance.venues]
        self._facilitator_free: list[int | None] = [None] * len(instance.facilitators)
        self._venue_free: list[int | None] = [None] * len(instance.venues)
        self._runs: dict[tuple[str, int, int], int] = {}
        self._times: dict[str, int] = {}
        for booking in instance.booked:
            self._take(booking.start, booking.end, booking.venue, booking.facilitators)

    # Minutes and bitsets.

    def minute(self, moment: datetime) -> int:
        """The minute `moment` falls in (rounded down)."""
        return (moment - self.origin) // MINUTE

    def moment(self, minute: int) -> datetime:
        return self.origin + minute * MINUTE

    def _bits(self, windows: Iterable[Interval]) -> int:
        """The whole minutes inside `windows` (a window's part-minutes are not free)."""
        bits = 0
        for window in windows:
            low = -(-(window.start - self.origin) // MINUTE)
            high = min(self.minute(window.end), self.size)
            low = max(low, 0)
            if low < high:
                bits |= ((1 << (high - low)) - 1) << low
        return bits

    def _span(self, start: datetime, end: datetime) -> tuple[int, int]:
        """The minutes something from `start` to `end` touches, part-minutes included."""
        return self.minute(start), -(-(end - self.origin) // MINUTE)

    def _mask(self, low: int, high: int) -> int:
        low, high = max(low, 0), min(high, self.size)
        return ((1 << (high - low)) - 1) << low if low < high else 0

    def facilitator_free(self, i: int) -> int:
        free = self._facilitator_free[i]
        if free is None:
            free = self._bits(self.instance.facilitators[i].available)
            for low, high in self._facilitator_busy[i]:
                free &= ~self._mask(low, high)
            self._facilitator_free[i] = free
        return free

    def venue_free(self, i: int) -> int:
        """Minutes the venue is open and not held by a panel or its buffers."""
        free = self._venue_free[i]
        if free is None:
            free = self._bits(self.instance.venues[i].open)
            for low, high in self._venue_busy[i]:
                free &= ~self._mask(low, high)
            self._venue_free[i] = free
        return free

    def facilitator_starts(self, i: int, minutes: int) -> int:
        key = ("f", i, minutes)
        if key not in self._runs:
            self._runs[key] = runs(self.facilitator_free(i), minutes)
        return self._runs[key]

    def venue_starts(self, i: int, minutes: int) -> int:
        """Starts of a `minutes`-long panel the venue can host, buffers and all."""
        key = ("v", i, minutes)
        if key not in self._runs:
            venue = self.instance.venues[i]
            before, after = venue.buffer_before_minutes, venue.buffer_after_minutes
            self._runs[key] = runs(self.venue_free(i), before + minutes + after) << before
        return self._runs[key]

    def times(self, panel: PanelSpec) -> int:
        """Grid starts when all the parties can come, inside earliest, latest and horizon."""
        if panel.id not in self._times:
            horizon = self.instance.horizon
            low = max(horizon.start, panel.earliest or horizon.start)
            high = min(horizon.end, panel.latest or horizon.end)
            windows = clip(panel.parties_available, Interval(low, high)) if low < high else []
            self._times[panel.id] = runs(self._bits(windows), panel.duration_minutes) & self.grid
        return self._times[panel.id]

    # Booking.

    def _take(self, start: datetime, end: datetime, venue: str, team: Iterable[str]) -> None:
        low, high = self._span(start, end)
        for f in set(team):
            i = self.facilitator_index.get(f)
            if i is None:
                continue
            self.load[i] += 1
            self._facilitator_busy[i].append((low, high))
            free = self._facilitator_free[i]
            if free is not None:
                self._facilitator_free[i] = free & ~self._mask(low, high)
            self._forget("f", i)
        v = self.venue_index.get(venue)
        if v is not None:
            spec = self.instance.venues[v]
            wide = (low - spec.buffer_before_minutes, high + spec.buffer_after_minutes)
            self._venue_busy[v].append(wide)
            free = self._venue_free[v]
            if free is not None:
                self._venue_free[v] = free & ~self._mask(*wide)
            self._forget("v", v)

    def _forget(self, kind: str, i: int) -> None:
        for key in [k for k in self._runs if k[0] == kind and k[1] == i]:
            del self._runs[key]

    def book(self, assignment: Assignment) -> None:
        """Takes the assignment's facilitators and venue for its time (and buffers)."""
        self._take(assignment.start, assignment.end, assignment.venue, assignment.facilitators)

    # Questions about one panel.

    def suitable_venues(self, panel: PanelSpec) -> list[int]:
        return [
            i
            for i, v in enumerate(self.instance.venues)
            if v.capacity >= panel.attendees
            and panel.requires_features <= v.features
            and v.area not in panel.avoid_areas
        ]

    def suitable_facilitators(self, panel: PanelSpec) -> list[int]:
        return [
            i
            for i, f in enumerate(self.instance.facilitators)
            if panel.requires_skills <= f.skills
            and f.id not in panel.conflicts
            and self.load[i] < f.max_panels
        ]

    def choices(self, panel: PanelSpec, within: int | None = None) -> Choices:
        """Where the panel could go now; `within` (a bitset) narrows the starts looked at."""
        times = self.times(panel) if within is None else self.times(panel) & within
        minutes = panel.duration_minutes
        venues = tuple(
            (i, bits)
            for i in (self.suitable_venues(panel) if times else [])
            if (bits := self.venue_starts(i, minutes) & times)
        )
        anywhere = 0
        for _, bits in venues:
            anywhere |= bits
        facilitators = tuple(
            (i, bits)
            for i in (self.suitable_facilitators(panel) if anywhere else [])
            if (bits := self.facilitator_starts(i, minutes) & anywhere)
        )
        leads = [bits for i, bits in facilitators if LEAD in self.instance.facilitators[i].skills]
        starts = (
            anywhere
            & at_least((bits for _, bits in facilitators), panel.facilitators_needed, anywhere)
            & at_least(leads, panel.leads_needed, anywhere)
        )
        return Choices(panel, times, venues, facilitators, starts)

    def team_at(self, choices: Choices, start: int) -> tuple[int, ...] | None:
        """The best team free at `start`: enough leads, then the rest; within each, people
        from the panel's area first, then those with fewer panels (even load)."""
        panel = choices.panel
        people = self.instance.facilitators
        free = sorted(
            (i for i, bits in choices.facilitators if bits >> start & 1),
            key=lambda i: (panel.area not in people[i].areas, self.load[i], i),
        )
        leads = [i for i in free if LEAD in people[i].skills][: panel.leads_needed]
        rest = [i for i in free if i not in leads][: panel.facilitators_needed - len(leads)]
        team = sorted(leads + rest, key=free.index)
        if len(leads) < panel.leads_needed or len(team) < panel.facilitators_needed:
            return None
        return tuple(team)

    def venue_at(self, choices: Choices, start: int) -> int | None:
        """A venue free at `start`: one in the panel's area first, then the smallest that
        is big enough (keeping big rooms for big panels)."""
        venues = self.instance.venues
        free = [i for i, bits in choices.venues if bits >> start & 1]
        return min(
            free,
            key=lambda i: (venues[i].area != choices.panel.area, venues[i].capacity, i),
            default=None,
        )

    def assignment(
        self, panel: PanelSpec, start: int, venue: int, team: Sequence[int]
    ) -> Assignment:
        begins = self.moment(start)
        return Assignment(
            panel=panel.id,
            start=begins,
            end=begins + panel.duration_minutes * MINUTE,
            venue=self.instance.venues[venue].id,
            facilitators=tuple(self.instance.facilitators[i].id for i in team),
        )

    def options(self, panel: PanelSpec, n: int, within: int | None = None) -> list[Option]:
        """The `n` earliest starts with their best venue and team, explained."""
        choices = self.choices(panel, within)
        found: list[Option] = []
        starts = choices.starts
        while starts and len(found) < n:
            lowest = starts & -starts
            starts ^= lowest
            start = lowest.bit_length() - 1
            team, venue = self.team_at(choices, start), self.venue_at(choices, start)
            if team is None or venue is None:  # pragma: no cover - `starts` guarantees both
                continue
            placed = self.assignment(panel, start, venue, team)
            found.append(Option(placed, self.explain(panel, placed, first=not found)))
        return found

    # Words.

    def explain(self, panel: PanelSpec, placed: Assignment, *, first: bool) -> str:
        local = placed.start.astimezone(self.zone)
        ends = placed.end.astimezone(self.zone)
        when = f"{local:%A} {local.day} {local:%B}, {local:%H:%M} to {ends:%H:%M}"
        lead = "Earliest time everyone can come" if first else "Everyone can come"
        people = self.instance.facilitators
        team = [people[self.facilitator_index[f]] for f in placed.facilitators]
        local_people = sum(panel.area in f.areas for f in team)
        venue = self.instance.venues[self.venue_index[placed.venue]]
        parts = [f"{lead} ({when})", _cover(local_people, len(team), panel.area)]
        if panel.requires_features:
            words = [
                FEATURE_WORDS.get(f, f.replace("_", " ")) for f in sorted(panel.requires_features)
            ]
            parts.append(f"venue has {_listed(words)}")
        elif venue.area == panel.area:
            parts.append(f"venue is in {venue.area}")
        else:
            parts.append(f"venue is in {venue.area}, not {panel.area}")
        return "; ".join(parts)

    def blockers(self, panel: PanelSpec) -> tuple[str, ...]:
        """What stops the panel being placed, as the rule(s) that block it."""
        horizon = self.instance.horizon
        times = self.times(panel)
        if not times:
            low = max(horizon.start, panel.earliest or horizon.start)
            high = min(horizon.end, panel.latest or horizon.end)
            if not panel.parties_available:
                return ("No time when all the parties can come has been given",)
            if low >= high or not clip(panel.parties_available, Interval(low, high)):
                if clip(panel.parties_available, horizon):
                    return (
                        "No time when all the parties can come falls between the panel's "
                        "earliest and latest times",
                    )
                return ("No time when all the parties can come falls within the horizon",)
            return (
                f"No time when all the parties can come is long enough for a "
                f"{panel.duration_minutes}-minute panel starting on the "
                f"{self.step}-minute grid",
            )
        reasons = self._venue_blockers(panel, times)
        reasons += self._facilitator_blockers(panel, times)
        if reasons:
            return tuple(reasons)
        return (
            "No time when the parties can come has a suitable venue and enough facilitators, "
            "including a lead, all free together",
        )

    def _venue_blockers(self, panel: PanelSpec, times: int) -> list[str]:
        suitable = self.suitable_venues(panel)
        wanted = []
        if panel.requires_features:
            wanted.append(f"with {_listed(sorted(panel.requires_features))}")
        wanted.append(f"for {panel.attendees} people")
        if panel.avoid_areas:
            wanted.append(f"outside {_listed(sorted(panel.avoid_areas))}")
        if not suitable:
            return [f"No venue {' '.join(wanted)} exists"]
        anywhere = 0
        for i in suitable:
            anywhere |= self.venue_starts(i, panel.duration_minutes)
        if not anywhere & times:
            return [f"No venue {' '.join(wanted)} is open when the parties can come"]
        return []

    def _facilitator_blockers(self, panel: PanelSpec, times: int) -> list[str]:
        people = self.instance.facilitators
        needed, leads_needed = panel.facilitators_needed, panel.leads_needed
        skills = _listed(sorted(panel.requires_skills))

        def shortfall(group: list[int], who: str) -> str | None:
            if len(group) < needed:
                return f"Not enough facilitators {who}"
            if sum(LEAD in people[i].skills for i in group) < leads_needed:
                return f"Not enough lead facilitators {who}"
            return None

        skilled = [i for i, f in enumerate(people) if panel.requires_skills <= f.skills]
        clear = [i for i in skilled if people[i].id not in panel.conflicts]
        under = [i for i in clear if self.load[i] < people[i].max_panels]
        missing = shortfall(
            skilled, f"have {skills}" if panel.requires_skills else "are on the list"
        ) or shortfall(clear, "without a conflict" + (f" have {skills}" if skills else ""))
        if missing:
            return [missing]
        if not under:
            return ["Every suitable facilitator has reached their monthly limit"]
        if not any(LEAD in people[i].skills for i in under) and leads_needed:
            return ["Every suitable lead facilitator has reached their monthly limit"]
        if shortfall(under, ""):
            return ["Too many suitable facilitators have reached their monthly limit"]

        minutes = panel.duration_minutes
        free = {i: self.facilitator_starts(i, minutes) & times for i in under}
        reasons = []
        lead_times = at_least(
            (free[i] for i in under if LEAD in people[i].skills), leads_needed, times
        )
        if not lead_times:
            reasons.append("No lead facilitator is free when the parties can come")
        team_times = at_least(free.values(), needed, times)
        if not team_times:
            qualities = [f"with {skills}"] if panel.requires_skills else []
            if panel.conflicts:
                qualities.append("without a conflict")
            who = " ".join(["facilitators", *qualities])
            reasons.append(f"Not enough {who} are free when the parties can come")
        if not reasons and not lead_times & team_times:
            reasons.append("No time when the parties can come has a lead and enough others free")
        return reasons


def _listed(words: Sequence[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def _cover(local: int, size: int, area: str) -> str:
    if size == 2:
        return {2: f"both facilitators cover {area}", 1: f"one facilitator covers {area}"}.get(
            local, f"neither facilitator covers {area}"
        )
    if local == size:
        return f"all {size} facilitators cover {area}" if size > 1 else f"facilitator covers {area}"
    if local == 0:
        return f"no facilitator covers {area}"
    return f"{local} of {size} facilitators cover {area}"
