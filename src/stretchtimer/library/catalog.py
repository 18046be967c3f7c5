"""What a load found: every usable exercise and routine, and what was wrong with the rest.

Plain data, shared by the loader that fills it and the cache that keeps it.
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from stretchtimer.format import printable
from stretchtimer.library.models import AnyDose, Exercise, Routine, apply_override

if TYPE_CHECKING:  # PyYAML is imported only when a file is read (not on a cache hit)
    import yaml


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one file, printed on one line."""

    path: str
    line: int
    field: str
    message: str
    skipped: bool = True
    """What the problem cost: the file (or folder) was left out; False for a file used all the
    same, whose problem only changed how (the message says how)."""

    def notice(self) -> str:
        """The line a load reports it with: 'skipped path:line: field: message'."""
        return f"skipped {self}" if self.skipped else str(self)

    def __str__(self) -> str:
        where = f"{printable(self.path)}:{self.line}"
        message = printable(self.message)
        return (
            f"{where}: {printable(self.field)}: {message}" if self.field else f"{where}: {message}"
        )


class CatalogError(Exception):
    """Raised for input that cannot be used; carries every problem found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(map(str, self.problems)))


Document = Exercise | Routine


@dataclass(frozen=True)
class Entry:
    """A loaded file, with where it came from."""

    item: Document
    path: Path
    node: yaml.Node | None
    """A routine file's YAML tree, for line numbers; None for an exercise's once loaded (no
    line of it is looked up after), and for an entry from the cache."""
    builtin: bool


class Entries(MutableMapping[str, Entry]):
    """Entries by id, in the order they were added. An entry can be added as a way to make it,
    made when first looked up: a cached catalog of a thousand exercises rebuilds only those a
    command uses."""

    def __init__(self, entries: Mapping[str, Entry] | None = None) -> None:
        self._entries: dict[str, Entry | Callable[[], Entry]] = dict(entries or {})

    def add_later(self, item_id: str, make: Callable[[], Entry]) -> None:
        self._entries[item_id] = make

    def __getitem__(self, item_id: str) -> Entry:
        entry = self._entries[item_id]
        if not isinstance(entry, Entry):
            entry = self._entries[item_id] = entry()
        return entry

    def __setitem__(self, item_id: str, entry: Entry) -> None:
        self._entries[item_id] = entry

    def __delitem__(self, item_id: str) -> None:
        del self._entries[item_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._entries

    def __repr__(self) -> str:
        return f"Entries({list(self._entries)})"


@dataclass
class Catalog:
    """Every usable exercise and routine, and what was wrong with the rest."""

    exercises: MutableMapping[str, Entry] = field(default_factory=Entries)
    routines: MutableMapping[str, Entry] = field(default_factory=Entries)
    replaced: dict[str, Path] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def exercise(self, exercise_id: str) -> Exercise:
        item = self.exercises[exercise_id].item
        assert isinstance(item, Exercise)
        return item

    def routine(self, routine_id: str) -> Routine:
        item = self.routines[routine_id].item
        assert isinstance(item, Routine)
        return item

    def routine_exercises(self, routine: Routine) -> list[Exercise]:
        """The routine's exercises in order, each with the routine's dose changes applied."""
        result = []
        for item in routine.exercises:
            exercise = self.exercise(item.exercise)
            if item.dose is not None:  # checked when the catalog was loaded
                dose: AnyDose = apply_override(exercise.dose, item.dose)
                exercise = dataclasses.replace(exercise, dose=dose)
            result.append(exercise)
        return result

    def known_ids(self) -> list[str]:
        return sorted({*self.exercises, *self.routines})

    def suggest(self, wanted: str, among: Iterable[str] | None = None) -> str:
        """' (did you mean 'x'?)' for the closest known id, or ''."""
        close = difflib.get_close_matches(wanted, list(among or self.known_ids()), n=1)
        return f" (did you mean '{close[0]}'?)" if close else ""
