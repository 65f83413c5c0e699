"""Garbage-collector settings for the detection job.

A scan holds every parsed syntax tree at once: on a repository of a thousand modules that is about
two million `ast` nodes, all tracked by the cyclic garbage collector. With CPython's default
thresholds (a young collection every 700 allocations, a full one whenever the long-lived objects grew
by a quarter) the collector walks those trees again and again while they are being built and while
the detectors allocate their small results: on keras it took 5.8 of the 7.3 s spent parsing, and
20.4 s -> 14.9 s for the whole scan. Syntax trees hold no reference cycles (a node refers only to
its children), so their memory is freed by reference counting all the same; collections are only
made rarer, not switched off.
"""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# a young collection every 100,000 net allocations instead of 700; full ones after 1,000 middle ones
SCAN_THRESHOLDS = (100_000, 50, 1_000)


@contextmanager
def rare_collections() -> Iterator[None]:
    """Run the body with `SCAN_THRESHOLDS`, then restore the thresholds it found."""
    before = gc.get_threshold()
    gc.set_threshold(*SCAN_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)
