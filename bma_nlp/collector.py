"""The cyclic garbage collector paused around work that builds many objects and no cycles."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused() -> Iterator[None]:
    """Run the block without the cyclic garbage collector, then restore it as it was (on or
    off). For work that allocates a great deal but makes no cycles (large tables, a chunk of
    records): the collections its allocations trigger would rescan the growing containers many
    times over; refcounting frees everything as before, so the results are the same."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
