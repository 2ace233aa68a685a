"""Pure scheduling logic: time intervals, recurring availability, slot suggestion, batch
optimisation and iCalendar. No database and no web framework: plain data in, plain data out.

Times are UTC instants in half-open `Interval`s (intervals); people's patterns are local
clock times (recurrence). `availability.free_between` answers "when is this person or
venue free", from weekly windows, bank holidays (holidays) and calendar files
(icalendar_in)."""
