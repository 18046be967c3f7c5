"""The shape of exercise and routine files.

These strict pydantic models are the single source of truth: the loader validates with them,
`stretchtimer schema` publishes their JSON Schema, and everything downstream (the plan, the
engine, the screens) can trust what it is handed.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .vocab import AREAS, EQUIPMENT, PHASES, Area, Equipment, Phase, Position, Side

__all__ = ["AREAS", "EQUIPMENT", "PHASES", "Area", "Equipment", "Phase", "Position", "Side"]

Id = Annotated[
    str,
    Field(
        pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$",
        max_length=60,
        description="Stable kebab-case identifier, e.g. `neck-roll`.",
    ),
]
Line = Annotated[str, Field(min_length=1, max_length=300)]
Seconds = Annotated[int, Field(ge=0, le=3600, description="Whole seconds.")]
Tempo = Annotated[
    float, Field(ge=0.5, le=60, description="Seconds per repetition, so reps run hands-free.")
]

MAX_COUNT = 1000


class Strict(BaseModel):
    """Base for every file model: no coercion, no unknown keys, immutable.

    Validators are built on first validation (`defer_build`), not at import: a catalog read
    from the cache (catalog_cache.py) is rebuilt with `model_construct` and never needs them,
    which keeps pydantic's schema building (several MiB) out of a running session.
    """

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, defer_build=True)


class Amount(Strict):
    """A number the source gives as a range (8-12 reps, 10-20 s).

    The range is kept so people can see it; `default` is what a session uses. In YAML write a
    plain number (`reps: 10`) or the range (`reps: {min: 8, max: 12, default: 10}`).
    """

    default: int = Field(ge=1, le=MAX_COUNT * 10, description="The value a session uses.")
    min: int = Field(ge=1, le=MAX_COUNT * 10, description="Lowest value of the range.")
    max: int = Field(ge=1, le=MAX_COUNT * 10, description="Highest value of the range.")

    @model_validator(mode="before")
    @classmethod
    def _from_number_or_range(cls, data: Any) -> Any:
        if isinstance(data, bool):
            raise ValueError("expected a whole number or {min, max, default}")
        if isinstance(data, int):
            return {"default": data, "min": data, "max": data}
        if isinstance(data, dict):
            low, high = data.get("min"), data.get("max")
            if "default" not in data and isinstance(low, int) and isinstance(high, int):
                return {**data, "default": (low + high) // 2}
            return data
        raise ValueError("expected a whole number or {min, max, default}")

    @model_validator(mode="after")
    def _default_inside_range(self) -> Amount:
        if not self.min <= self.default <= self.max:
            raise ValueError(f"default {self.default} is outside the range {self.min}-{self.max}")
        return self

    def __str__(self) -> str:
        if self.min == self.max:
            return str(self.default)
        return f"{self.default} ({self.min}-{self.max})"


def _value(amount: Amount) -> str:
    return str(amount.default)


def _times(amount: Amount) -> str:
    return "once" if amount.default == 1 else f"{_value(amount)} times"


class Sided(Strict):
    """Shared by every dose: a one-sided move is done on each side in turn."""

    per_side: bool = Field(False, description="Done once for each side.")
    first_side: Side = Field("right", description="Which side goes first.")

    @property
    def sides(self) -> tuple[Side | None, ...]:
        """The sides in the order they are done; (None,) for a two-sided move."""
        if not self.per_side:
            return (None,)
        other: Side = "left" if self.first_side == "right" else "right"
        return (self.first_side, other)

    def _each_side(self, text: str) -> str:
        return f"{text} each side" if self.per_side else text


class HoldDose(Sided):
    """Hold a position for N seconds, R times, relaxing between holds."""

    kind: Literal["hold"]
    seconds: Amount = Field(description="Length of one hold in seconds.")
    repeats: Amount = Field(
        default_factory=lambda: Amount(default=1, min=1, max=1),
        description="Holds per side.",
    )
    relax: Seconds = Field(0, description="Seconds to relax between holds.")
    alternate: bool = Field(
        False,
        description="Per-side moves: change side after every hold instead of doing all "
        "of one side first.",
    )

    def describe(self) -> str:
        times = f", {_times(self.repeats)}" if self.repeats.default > 1 else ""
        return self._each_side(f"hold {_value(self.seconds)} s{times}")


class RepsDose(Sided):
    """Sets of repetitions at a fixed tempo, resting between sets."""

    kind: Literal["reps"]
    reps: Amount = Field(description="Repetitions per set.")
    sets: Amount = Field(
        default_factory=lambda: Amount(default=1, min=1, max=1), description="Number of sets."
    )
    tempo: Tempo
    rest: Seconds = Field(0, description="Seconds of rest between sets.")

    def describe(self) -> str:
        sets = f"{_value(self.sets)} x " if self.sets.default > 1 else ""
        return self._each_side(f"{sets}{_value(self.reps)} reps")


class TimedDose(Sided):
    """A continuous move for a set time (dynamic warm-ups)."""

    kind: Literal["timed"]
    seconds: Amount = Field(description="How long to keep moving, in seconds.")

    def describe(self) -> str:
        return self._each_side(f"{_value(self.seconds)} s")


class RoundPart(Strict):
    """One part of a round, e.g. 'Roll your shoulders backwards', 5 times."""

    do: Line = Field(description="What to do, read at a glance.")
    reps: int = Field(1, ge=1, le=MAX_COUNT, description="Repetitions of this part.")
    tempo: Tempo


class RoundsDose(Sided):
    """A sequence of parts repeated a number of rounds (5 back then 5 forward, 2-3 times)."""

    kind: Literal["rounds"]
    parts: list[RoundPart] = Field(min_length=1, max_length=20)
    rounds: Amount = Field(description="How many times the whole sequence is done.")
    rest: Seconds = Field(0, description="Seconds of rest between rounds.")

    def describe(self) -> str:
        word = "round" if self.rounds.default == 1 else "rounds"
        return self._each_side(f"{_value(self.rounds)} {word}")


Dose = Annotated[HoldDose | RepsDose | TimedDose | RoundsDose, Field(discriminator="kind")]


class Exercise(Strict):
    """One movement: what it is for, how to do it, and how much of it."""

    id: Id
    name: Annotated[str, Field(min_length=1, max_length=60)]
    phase: Phase = Field(description="Where it belongs in a session.")
    summary: Line = Field(description="One line: what the move does.")
    good_for: list[Area] = Field(min_length=1, description="Body areas it helps.")
    equipment: list[Equipment] = Field(
        min_length=1, description="What you need; where several are listed, any one will do."
    )
    position: list[Position] = Field(min_length=1, description="Positions it is done in.")
    steps: list[Line] = Field(min_length=1, max_length=20, description="Numbered steps.")
    cues: list[Line] = Field(default_factory=list, max_length=20, description="Short form cues.")
    safety: list[Line] = Field(default_factory=list, max_length=20, description="Safety notes.")
    dose: Dose

    @property
    def needs_nothing(self) -> bool:
        return "none" in self.equipment


class DoseOverride(Strict):
    """A routine's change to an exercise's dose; only the fields given are replaced."""

    seconds: Amount | None = None
    repeats: Amount | None = None
    relax: Seconds | None = None
    reps: Amount | None = None
    sets: Amount | None = None
    tempo: Tempo | None = None
    rest: Seconds | None = None
    rounds: Amount | None = None
    per_side: bool | None = None
    first_side: Side | None = None
    alternate: bool | None = None

    def given(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.model_fields_set}


class RoutineItem(Strict):
    """An exercise in a routine, by id, optionally with its own dose."""

    exercise: Id
    dose: DoseOverride | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_bare_id(cls, data: Any) -> Any:
        return {"exercise": data} if isinstance(data, str) else data


class Routine(Strict):
    """An ordered list of exercises with the pauses between them."""

    id: Id
    name: Annotated[str, Field(min_length=1, max_length=60)]
    purpose: Line = Field(description="One line: who it is for and what it does.")
    focus: list[Area] = Field(min_length=1, description="Body areas it targets.")
    prepare: Seconds = Field(10, description="Seconds to get ready before each exercise.")
    rest: Seconds = Field(15, description="Seconds of rest between exercises.")
    exercises: list[RoutineItem] = Field(min_length=1, max_length=100)


AnyDose = HoldDose | RepsDose | TimedDose | RoundsDose


def apply_override(dose: AnyDose, override: DoseOverride, *, validate: bool = True) -> AnyDose:
    """Return `dose` with the routine's changes; a field the dose kind lacks is an error.

    `validate=False` trusts that this very override was checked before (the catalog checks
    every routine's overrides when it loads) and skips pydantic's validation.
    """
    changes = override.given()
    wrong = sorted(name for name in changes if name not in type(dose).model_fields)
    if wrong:
        raise ValueError(f"'{wrong[0]}' does not apply to a {dose.kind} dose")
    merged = {**dict(dose), **changes}
    if not validate:
        return type(dose).model_construct(**merged)
    return type(dose).model_validate(merged)


def equipment_needed(exercises: list[Exercise]) -> list[str]:
    """What a person must have for these exercises; alternatives read 'band/dumbbells'.

    An alternative already covered by something required elsewhere is left out.
    """
    choices = [tuple(e.equipment) for e in exercises if not e.needs_nothing]
    required = {choice[0] for choice in choices if len(choice) == 1}
    needed: list[str] = []
    for choice in choices:
        text = "/".join(choice)
        covered = len(choice) > 1 and required.intersection(choice)
        if not covered and text not in needed:
            needed.append(text)
    return needed or ["none"]
