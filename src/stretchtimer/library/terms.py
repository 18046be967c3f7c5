"""The fixed words of the files (areas, equipment, phases...), free of pydantic so the app's
first frame can use them before the models are imported."""

from __future__ import annotations

from typing import Literal, get_args

Area = Literal["neck", "shoulders", "chest", "upper-back", "middle-back", "lower-back"]
Equipment = Literal[
    "none", "chair", "wall", "door-frame", "band", "dumbbells", "cushion", "foam-roller"
]
"""A floor move needs no mat (a towel or a carpet does), so `mat` is not a word here: as a
filter it would only hide floor routines from people who could do them."""
Phase = Literal["warm-up", "strength", "stretch"]
Position = Literal["standing", "seated", "floor"]
Side = Literal["left", "right"]
Level = Literal["easy", "standard", "full"]
"""How much of each dose's range a session uses: its min, its default or its max."""

AREAS: tuple[Area, ...] = get_args(Area)
EQUIPMENT: tuple[Equipment, ...] = get_args(Equipment)
PHASES: tuple[Phase, ...] = get_args(Phase)
LEVELS: tuple[Level, ...] = get_args(Level)
STANDARD: Level = "standard"
POSITIONS: tuple[Position, ...] = get_args(Position)


def in_words(term: str) -> str:
    """'upper back', 'foam roller': a term as people read it (the files' words are ids)."""
    return term.replace("-", " ")
