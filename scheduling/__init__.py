"""Pure scheduling logic: time intervals, recurring availability, slot suggestion, batch
optimisation and iCalendar. No database and no web framework: plain data in, plain data out.
Filled in by the availability and scheduling work."""
