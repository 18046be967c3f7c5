"""The fixed words of the files (areas, equipment, phases...), free of pydantic so the app's
first frame can use them before the models are imported."""

from __future__ import annotations

from typing import Literal, get_args

Area = Literal["neck", "shoulders", "chest", "upper-back", "middle-back", "lower-back"]
Equipment = Literal[
    "none", "chair", "wall", "door-frame", "band", "dumbbells", "foam-roller", "mat"
]
Phase = Literal["warm-up", "strength", "stretch"]
Position = Literal["standing", "seated", "floor"]
Side = Literal["left", "right"]

AREAS: tuple[Area, ...] = get_args(Area)
EQUIPMENT: tuple[Equipment, ...] = get_args(Equipment)
PHASES: tuple[Phase, ...] = get_args(Phase)
POSITIONS: tuple[Position, ...] = get_args(Position)
