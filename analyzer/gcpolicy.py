"""Garbage-collector settings for the detection job.

A scan allocates millions of small objects that live to its end or nearly: each file's syntax tree
while the code pass reads it (about 1,700 nodes on average on keras), the notebooks, every detector's
per-file summaries and the facts. With CPython's default thresholds (a young collection every 700
allocations, a full one whenever the long-lived objects grew by a quarter) the collector walks them
again and again. When every tree was held at once this took 5.8 of the 7.3 s spent parsing keras;
with one tree at a time it still costs keras 3.17 -> 2.66 s wall and 5.6 -> 4.7 CPU s (2 CPUs).
Syntax trees hold no reference cycles (a node refers only to its children), so their memory is freed
by reference counting all the same; collections are only made rarer, not switched off.
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
