"""Moves the calendar clock of every Python process in a test run, when
NJP_TEST_CLOCK_OFFSET (seconds) is set: pytest, its workers and every `njp` command the
tests start find this file on PYTHONPATH, which scripts/test sets for the pass it runs
at a hard date (NJP_TEST_DATE). All of them move by the same offset, so they agree on
the time, and it runs on at the real rate. Only the calendar clock moves (time.time,
datetime.now and the like); the monotonic clocks that timeouts and sleeps use do not,
so nothing waits for the wrong length of time.

Debian's libfaketime would move every process, but with Python 3.11 on glibc it cannot
do both halves: with the monotonic clock moved, a lock or queue wait with a timeout
never returns; with it left alone, time.sleep fails with EINVAL.
"""

import os

_offset = os.environ.get("NJP_TEST_CLOCK_OFFSET")
if _offset:
    import sys
    import time

    # time-machine imports pytest, if it can, for its fixture: a third of a second for
    # every `njp` process, and pytest would then warn that it cannot rewrite modules
    # imported before it. Kept from it here; pytest imports normally afterwards.
    sys.modules["pytest"] = None  # type: ignore[assignment]
    try:
        import time_machine
    finally:
        del sys.modules["pytest"]

    time_machine.travel(time.time() + float(_offset), tick=True).start()
