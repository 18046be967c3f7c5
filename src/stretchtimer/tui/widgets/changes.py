"""What changed between two versions of a widget's lines, so that only those cells are redrawn.

A widget's `refresh(*regions)` repaints only the regions given: Textual then renders and sends
those cells, not the whole widget (a widget redrawn every second pays that every second).
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.geometry import Region


def changed_cells(before: Sequence[Sequence[str]], after: Sequence[Sequence[str]]) -> list[Region]:
    """Where the same lines differ before and after a change, a line given in runs (its
    parts that change on their own, a bar and a time, say): a region for each run that
    changed, from its first changed cell to its last (each character is a cell). A run that
    changed length moves the rest of its line: the region goes on to the line's end."""
    regions = []
    for y, (old_runs, new_runs) in enumerate(zip(before, after, strict=True)):
        x = 0
        for old, new in zip(old_runs, new_runs, strict=True):
            if old != new:
                first, last = _changed_span(old, new)
                if len(old) != len(new):
                    last = max(sum(map(len, old_runs)), sum(map(len, new_runs))) - x
                regions.append(Region(x + first, y, last - first, 1))
                if len(old) != len(new):
                    break
            x += len(new)
    return regions


def _changed_span(old: str, new: str) -> tuple[int, int]:
    """The first changed character of two different texts, and the end of the last one."""
    first = next(
        (i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b),
        min(len(old), len(new)),
    )
    if len(old) != len(new):
        return first, max(len(old), len(new))
    last = next(i for i in range(len(old), first, -1) if old[i - 1] != new[i - 1])
    return first, last
