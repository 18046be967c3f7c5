"""What the app remembers from one start to the next: the picker's filters, the routine last
chosen, and the level chosen for each routine (a session started any other way, by `run` or
by a reminder's break, is at that level too).

A small JSON file in the data folder, written whole (atomically) at each change. It is only a
convenience: a file that cannot be read or makes no sense is ignored with a logged warning (a
value that makes no sense, alone), and one that cannot be written costs only the memory.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, cast

from stretchtimer.files import Unreadable, read_bounded, write_atomically
from stretchtimer.library.terms import AREAS, EQUIPMENT, LEVELS, STANDARD, Level
from stretchtimer.paths import data_dir

log = logging.getLogger(__name__)

MEMORY_FILE = "picker.json"
MAX_BYTES = 256 * 1024
ANY_AREA = "any"


@dataclass(frozen=True)
class PickerMemory:
    routine: str | None = None
    """The routine last highlighted or started."""
    area: str = ANY_AREA
    """The body-area filter: one of AREAS, or any."""
    not_at_hand: tuple[str, ...] = ()
    """The equipment unticked in the filter. Kept this way round so that a word the
    vocabulary gains later starts out at hand, as everything does on a first start."""
    levels: Mapping[str, Level] = field(default_factory=dict)
    """Routine id -> the level chosen for it; a routine not here is at the standard level."""

    def level_of(self, routine_id: str) -> Level:
        return self.levels.get(routine_id, STANDARD)

    def with_level(self, routine_id: str, level: Level) -> PickerMemory:
        levels = {key: value for key, value in self.levels.items() if key != routine_id}
        if level != STANDARD:
            levels[routine_id] = level
        return replace(self, levels=levels)

    def as_data(self) -> dict[str, Any]:
        return {
            "routine": self.routine,
            "area": self.area,
            "not_at_hand": list(self.not_at_hand),
            "levels": dict(sorted(self.levels.items())),
        }


def memory_path() -> Path:
    return data_dir() / MEMORY_FILE


def read_memory(path: Path | None = None) -> PickerMemory:
    """What the file remembers; nothing (the defaults) where it is missing or damaged."""
    path = path or memory_path()
    try:
        data = json.loads(read_bounded(path, MAX_BYTES).decode("utf-8"))
    except FileNotFoundError:
        return PickerMemory()
    except (OSError, Unreadable, ValueError) as error:
        log.warning("ignoring what the picker remembered in %s: %s", path, error)
        return PickerMemory()
    if not isinstance(data, dict):
        log.warning("ignoring what the picker remembered in %s: not a JSON object", path)
        return PickerMemory()
    return _memory(data, path)


def _memory(data: dict[str, Any], path: Path) -> PickerMemory:
    """The memory in `data`; a value that makes no sense is left out with a warning."""
    memory = PickerMemory()
    wrong: list[str] = []
    routine, area = data.get("routine"), data.get("area", ANY_AREA)
    not_at_hand, levels = data.get("not_at_hand", []), data.get("levels", {})
    if isinstance(routine, str):
        memory = replace(memory, routine=routine)
    elif routine is not None:
        wrong.append("routine")
    if area in (ANY_AREA, *AREAS):
        memory = replace(memory, area=area)
    else:
        wrong.append("area")
    if isinstance(not_at_hand, list):  # a word the vocabulary has lost since is left out
        memory = replace(memory, not_at_hand=tuple(i for i in EQUIPMENT if i in not_at_hand))
    else:
        wrong.append("not_at_hand")
    if isinstance(levels, dict) and all(
        isinstance(key, str) and value in LEVELS for key, value in levels.items()
    ):
        memory = replace(memory, levels=cast(dict[str, Level], levels))
    else:
        wrong.append("levels")
    if wrong:
        log.warning("ignoring what the picker remembered in %s: %s", path, ", ".join(wrong))
    return memory


def write_memory(memory: PickerMemory, path: Path | None = None) -> bool:
    """Save `memory`; False (and a logged warning) if it cannot be."""
    path = path or memory_path()
    try:
        write_atomically(path, json.dumps(memory.as_data(), indent=2) + "\n")
    except OSError as error:
        log.warning("cannot save what the picker remembers in %s: %s", path, error)
        return False
    return True
