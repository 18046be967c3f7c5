"""The picker's card of each routine at each level: its name, time, focus, what it needs and
its preview.

The cards are made from the planned routines once the catalog has loaded, and saved, so that
the next start lists the routines in its first frame (the list is what a person acts on; the
catalog and the plans take about a third of the startup again). They are saved under the
catalog's key (library/sources.py), the code that plans and words them, and the get-ready and
rest settings: any change to these and the picker waits for the catalog, as with no file.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stretchtimer.files import read_bounded, save_json
from stretchtimer.format import clock
from stretchtimer.library.sources import Key, code_stamps, stamp
from stretchtimer.library.terms import Level, in_words
from stretchtimer.paths import data_dir
from stretchtimer.session.keys import LEVEL_KEY

if TYPE_CHECKING:
    from stretchtimer.session.plan import Timeline

log = logging.getLogger(__name__)

ANY = "any"
FORMAT = 2
FILE_NAME = "routine-cards.json"
MAX_BYTES = 4 * 2**20
"""Far more than hundreds of routines make; past it the file is not read."""
PACKAGE = Path(__file__).parents[1]
WORDING = [PACKAGE / "session", PACKAGE / "format.py", Path(__file__)]
"""The code a card's words and times come from, besides the library's (in the catalog key)."""


@dataclass(frozen=True)
class RoutineCard:
    id: str
    level: str  # easy, standard or full: a routine has a card at each
    name: str  # with its level unless standard: "Desk Break (easy)"
    total: float  # seconds, get-ready and rests included, as the session will take
    focus: tuple[str, ...]
    needs: tuple[str, ...]  # equipment; alternatives read "band/dumbbells"; ("none",)
    area_seconds: tuple[tuple[str, float], ...]  # seconds of exercises good for each area
    preview: str


def card_of(timeline: Timeline, totals: Mapping[Level, float]) -> RoutineCard:
    """The card of a routine planned at a level; `totals`: its time at every level."""
    from stretchtimer.library.models import equipment_needed  # loaded with the catalog

    routine = timeline.routine
    needs = equipment_needed(list(timeline.exercises))
    areas: dict[str, float] = {}
    others = ", ".join(
        f"{level} {clock(seconds)}" for level, seconds in totals.items() if level != timeline.level
    )
    lines = [
        f"{timeline.name} - {clock(timeline.total)}",
        routine.purpose,
        "",
        f"Level: {timeline.level}" + (f" ({LEVEL_KEY.shown} to change)" if others else ""),
        *([f"Other levels: {others}"] if others else []),
        f"Focus: {', '.join(map(in_words, routine.focus))}",
        f"Equipment: {', '.join(map(in_words, needs))}",
        "",
    ]
    for position, exercise in enumerate(timeline.exercises):
        seconds = timeline.exercise_seconds(position)
        for area in exercise.good_for:
            areas[area] = areas.get(area, 0.0) + seconds
        dose = exercise.dose.describe()
        lines.append(f"{position + 1:>2}. {exercise.name} - {dose} ({clock(seconds)})")
    lines += ["", "Enter to start"]
    return RoutineCard(
        id=routine.id,
        level=timeline.level,
        name=timeline.name,
        total=timeline.total,
        focus=tuple(routine.focus),
        needs=tuple(needs),
        area_seconds=tuple(areas.items()),
        preview="\n".join(lines),
    )


def fits(card: RoutineCard, area: str, at_hand: set[str]) -> bool:
    """Whether a routine targets `area` and needs nothing beyond what is at hand."""
    if area != ANY and area not in card.focus:
        return False
    return all(need == "none" or at_hand.intersection(need.split("/")) for need in card.needs)


def best_for_area(cards: Iterable[RoutineCard], area: str) -> str | None:
    """The routine that gives `area` the largest share of its time (the shorter on a tie)."""
    best: tuple[tuple[float, float], str] | None = None
    for card in cards:
        if area not in card.focus or card.total <= 0:
            continue
        key = (dict(card.area_seconds).get(area, 0.0) / card.total, -card.total)
        if best is None or key > best[0]:
            best = (key, card.id)
    return best[1] if best else None


# --- saved between starts -------------------------------------------------------------------


def cards_path() -> Path:
    return data_dir() / "cache" / FILE_NAME


def key_of(catalog_key: Key | None, prepare: int | None, rest: int | None) -> Key | None:
    """What the cards of a catalog under `catalog_key` depend on; None: not to be saved."""
    if catalog_key is None:
        return None
    try:
        code = [
            code_stamps(path) if path.is_dir() else [[path.name, *stamp(path)]] for path in WORDING
        ]
    except OSError:
        return None
    return {"catalog": catalog_key, "code": code, "prepare": prepare, "rest": rest}


def read(key: Key | None, path: Path | None = None) -> list[RoutineCard] | None:
    """The cards saved under `key`, or None (no file, another key, a damaged file)."""
    if key is None:
        return None
    path = path or cards_path()
    try:
        data = json.loads(read_bounded(path, MAX_BYTES))
        if data.get("format") != FORMAT or data.get("key") != key:
            return None
        return [_card(fields) for fields in data["cards"]]
    except FileNotFoundError:
        return None
    except Exception as error:  # a damaged file is only a slower start
        log.debug("ignoring the routine cards %s: %r", path, error)
        return None


def write(key: Key | None, cards: list[RoutineCard], path: Path | None = None) -> bool:
    """Save `cards` under `key`; False if there is no key or the folder is not writable."""
    if key is None:
        return False
    path = path or cards_path()
    data = {"format": FORMAT, "key": key, "cards": [asdict(card) for card in cards]}
    return save_json(path, data, "the routine cards")


def _card(fields: dict[str, Any]) -> RoutineCard:
    card = RoutineCard(
        id=str(fields["id"]),
        level=str(fields["level"]),
        name=str(fields["name"]),
        total=float(fields["total"]),
        focus=tuple(str(area) for area in fields["focus"]),
        needs=tuple(str(need) for need in fields["needs"]),
        area_seconds=tuple((str(area), float(seconds)) for area, seconds in fields["area_seconds"]),
        preview=str(fields["preview"]),
    )
    if set(fields) != set(RoutineCard.__dataclass_fields__):
        raise ValueError("the fields of a card have changed")
    return card
