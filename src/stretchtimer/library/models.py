"""The shape of exercise and routine files.

These strict, frozen stdlib dataclasses are the single source of truth: the loader validates
files against them (validation.py, with the core schemas pydantic builds from them in
schema.py, the only module that imports pydantic), `stretchtimer schema` publishes their JSON
Schema, and everything downstream (the plan, the engine, the screens) can trust what it is
handed.

This module imports no pydantic: a catalog read from the cache (cache.py) is rebuilt
from these classes directly, which keeps pydantic (several MiB) out of a running session. The
rules live in the annotations: constraints as `annotated_types` metadata, descriptions as
docstrings under the fields (`use_attribute_docstrings`), and the few rules annotated_types has
no word for (a pattern, the dose's tag, an input in a shorter form) as `Rules` metadata or hooks
that hand the work to schema.py when pydantic builds its validators.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Annotated, Any, ClassVar, Literal

from annotated_types import Ge, Le, MaxLen, MinLen

from stretchtimer.library.terms import (
    AREAS,
    EQUIPMENT,
    LEVELS,
    PHASES,
    STANDARD,
    Area,
    Equipment,
    Level,
    Phase,
    Position,
    Side,
)

__all__ = [
    "AREAS",
    "EQUIPMENT",
    "LEVELS",
    "PHASES",
    "STANDARD",
    "Area",
    "Equipment",
    "Level",
    "Phase",
    "Position",
    "Side",
]

MAX_COUNT = 1000
MAX_STEPS = 5000
"""The most steps one exercise, or a whole routine, may plan: a file asks for a size, and a
session of a million steps would take gigabytes to plan."""
MAX_SECONDS = 4 * 3600
"""The longest one exercise, or a whole routine, may last."""
SWITCH_SECONDS = 5
"""The pause to change sides in a one-sided move."""
DOSE_TAG = "kind"
"""The field of a dose that says which kind it is."""

# The configuration pydantic reads from each class (a plain dict: `pydantic.ConfigDict` is a
# TypedDict). No coercion, no unknown keys. The descriptions (the docstrings under the fields)
# are read only for the published schema: schema.py turns them on for it.
CONFIG: dict[str, Any] = {"strict": True, "extra": "forbid", "use_attribute_docstrings": False}


class SchemaHooks:
    """How the annotations here become pydantic validators: schema.py, the one module that
    imports pydantic, installs its functions here when it is imported. pydantic calls these
    only while schema.py builds a schema, so they are always installed by then; this module
    never imports schema.py (a cached catalog must not load pydantic)."""

    def class_schema(self, cls: type[Strict], source: Any, handler: Any) -> Any:
        raise RuntimeError("import stretchtimer.library.schema to build a schema")

    def rules_schema(self, rules: Rules, source: Any, handler: Any) -> Any:
        raise RuntimeError("import stretchtimer.library.schema to build a schema")

    def class_json_schema(self, cls: type[Strict], core: Any, handler: Any) -> Any:
        raise RuntimeError("import stretchtimer.library.schema to build a schema")


SCHEMA_HOOKS = SchemaHooks()


class Rules:
    """Annotation metadata for what annotated_types cannot say, applied by schema.py.

    `pattern`: a regular expression a string must match (validated and in the schema), and
    `in_words`: what it asks for, as a file's error says it; `tag`: the field that tells the
    classes of a union apart; `description`: the schema's description of the type wherever it
    is used (a field's docstring still wins); `text`: words shown to people, so no character
    that could drive a terminal or hide what it says (`format.unsafe_characters`: control,
    bidi and zero-width characters).
    """

    __slots__ = ("description", "in_words", "pattern", "tag", "text")

    def __init__(
        self,
        *,
        pattern: str | None = None,
        in_words: str = "",
        tag: str | None = None,
        description: str | None = None,
        text: bool = False,
    ) -> None:
        self.pattern, self.in_words, self.tag = pattern, in_words, tag
        self.description, self.text = description, text

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        return SCHEMA_HOOKS.rules_schema(self, source, handler)

    def __get_pydantic_json_schema__(self, schema: Any, handler: Any) -> Any:
        json_schema = handler(schema)
        if self.pattern is not None:
            json_schema["pattern"] = self.pattern
        if self.description is not None:
            json_schema["description"] = self.description
        return json_schema


Id = Annotated[
    str,
    MaxLen(60),
    Rules(
        pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$",
        in_words="use lower-case letters and digits, with single hyphens between words, "
        "e.g. neck-roll",
        description="Stable kebab-case identifier, e.g. `neck-roll`.",
    ),
]
# Every text a file gives (ids have their pattern) is one of these two: one rule for all.
Name = Annotated[str, MinLen(1), MaxLen(60), Rules(text=True)]
Line = Annotated[str, MinLen(1), MaxLen(300), Rules(text=True)]
Seconds = Annotated[int, Ge(0), Le(3600), Rules(description="Whole seconds.")]
Tempo = Annotated[
    float,
    Ge(0.5),
    Le(60),
    Rules(description="Seconds per repetition, so reps run hands-free."),
]
Count = Annotated[int, Ge(1), Le(MAX_COUNT * 10)]
Said = Annotated[str, MinLen(1), MaxLen(200), Rules(text=True)]
"""Words for the voice: kept short, since a phrase must fit the time it is said in."""
Word = Annotated[str, MinLen(1), MaxLen(40), Rules(text=True)]


@dataclass(frozen=True, slots=True, kw_only=True)
class Strict:
    """Base for every file class: strict, no unknown keys, immutable.

    `_from_input`, where a class overrides it, turns the short forms a file may use into the
    full mapping before the fields are validated; `_short_form` and `_filled_in` say the same
    for the published schema, which describes what a file may hold, short forms included.
    `_remembers_given` keeps which fields a file gave (and a file gives no field as null).
    """

    __pydantic_config__: ClassVar[dict[str, Any]] = CONFIG
    _remembers_given: ClassVar[bool] = False
    _short_form: ClassVar[Any] = None
    """A type a file may give instead of the whole mapping (`reps: 10`)."""
    _filled_in: ClassVar[tuple[str, ...]] = ()
    """Fields a file's mapping may leave out: `_from_input` works them out from the others."""

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        return SCHEMA_HOOKS.class_schema(cls, source, handler)

    @classmethod
    def __get_pydantic_json_schema__(cls, core: Any, handler: Any) -> Any:
        return SCHEMA_HOOKS.class_json_schema(cls, core, handler)

    @classmethod
    def _from_input(cls, data: Any) -> Any:
        """The input as the full mapping the fields are validated from (here: as it is)."""
        return data


@dataclass(frozen=True, slots=True, kw_only=True)
class Amount(Strict):
    """A number the source gives as a range (8-12 reps, 10-20 s).

    The range is kept so people can see it; `default` is what a session uses. In YAML write a
    plain number (`reps: 10`) or the range (`reps: {min: 8, max: 12, default: 10}`).
    """

    _short_form = Count
    _filled_in = ("default",)

    default: Count
    """The value a session uses; left out, the middle of the range."""
    min: Count
    """Lowest value of the range."""
    max: Count
    """Highest value of the range."""

    @classmethod
    def _from_input(cls, data: Any) -> Any:
        if isinstance(data, Amount):
            return data
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

    def __post_init__(self) -> None:
        if not self.min <= self.default <= self.max:
            raise ValueError(f"default {self.default} is outside the range {self.min}-{self.max}")

    def __str__(self) -> str:
        if self.min == self.max:
            return str(self.default)
        return f"{self.default} ({self.min}-{self.max})"

    def at(self, level: Level) -> int:
        """The value a session at `level` uses: the range's min, default or max."""
        return {"easy": self.min, "standard": self.default, "full": self.max}[level]


def _once() -> Amount:
    return Amount(default=1, min=1, max=1)


def _value(amount: Amount) -> str:
    return str(amount.default)


def _times(amount: Amount) -> str:
    return "once" if amount.default == 1 else f"{_value(amount)} times"


@dataclass(frozen=True, slots=True)
class Size:
    """How many steps something plans, and how long they last (session/plan.py lays them out;
    a test keeps the two in step)."""

    steps: int = 0
    seconds: float = 0.0

    def __add__(self, other: Size) -> Size:
        return Size(self.steps + other.steps, self.seconds + other.seconds)

    def times(self, count: int) -> Size:
        return Size(self.steps * count, self.seconds * count)

    def too_big(self, what: str) -> str | None:
        """Why a file may not ask for this much, or None."""
        if self.steps > MAX_STEPS:
            return f"{what} makes {self.steps:,} steps; at most {MAX_STEPS:,} are allowed"
        if self.seconds > MAX_SECONDS:
            hours, minutes = divmod(round(self.seconds) // 60, 60)
            return (
                f"{what} lasts {hours} h {minutes:02} min; at most {MAX_SECONDS // 3600} h "
                "are allowed"
            )
        return None


def _pauses(count: int, seconds: float) -> Size:
    """`count` gaps of `seconds`; a gap of 0 s is no step at all."""
    return Size(count, count * seconds) if seconds > 0 and count > 0 else Size()


def _switches(sides: int, each: Size) -> Size:
    """`each` done on every side, with a switch between sides."""
    return each.times(sides) + Size(sides - 1, (sides - 1) * SWITCH_SECONDS)


@dataclass(frozen=True, slots=True, kw_only=True)
class Sided(Strict):
    """Shared by every dose: a one-sided move is done on each side in turn."""

    # pydantic reads docstrings only from the class being validated, not from its bases: a
    # field of a base class gives its description in its metadata (pydantic reads that too).
    per_side: bool = field(default=False, metadata={"description": "Done once for each side."})
    first_side: Side = field(default="right", metadata={"description": "Which side goes first."})

    @property
    def sides(self) -> tuple[Side | None, ...]:
        """The sides in the order they are done; (None,) for a two-sided move."""
        if not self.per_side:
            return (None,)
        other: Side = "left" if self.first_side == "right" else "right"
        return (self.first_side, other)

    def _each_side(self, text: str) -> str:
        return f"{text} each side" if self.per_side else text


@dataclass(frozen=True, slots=True, kw_only=True)
class HoldDose(Sided):
    """Hold a position for N seconds, R times, relaxing between holds."""

    kind: Literal["hold"]
    seconds: Amount
    """Length of one hold in seconds."""
    repeats: Amount = field(default_factory=_once)
    """Holds per side."""
    relax: Seconds = 0
    """Seconds to relax between holds."""
    alternate: bool = False
    """Per-side moves: change side after every hold instead of doing all of one side first."""

    def __post_init__(self) -> None:
        _check_size(self)

    def describe(self) -> str:
        times = f", {_times(self.repeats)}" if self.repeats.default > 1 else ""
        return self._each_side(f"hold {_value(self.seconds)} s{times}")

    def size(self, level: Level = STANDARD) -> Size:
        sides, repeats = len(self.sides), self.repeats.at(level)
        holds = Size(sides * repeats, sides * repeats * self.seconds.at(level))
        if self.alternate or sides == 1:
            return holds + _pauses(sides * repeats - 1, self.relax)
        return holds + Size(1, SWITCH_SECONDS) + _pauses(sides * (repeats - 1), self.relax)


@dataclass(frozen=True, slots=True, kw_only=True)
class RepsDose(Sided):
    """Sets of repetitions at a fixed tempo, resting between sets."""

    kind: Literal["reps"]
    reps: Amount
    """Repetitions per set."""
    sets: Amount = field(default_factory=_once)
    """Number of sets."""
    tempo: Tempo
    rest: Seconds = 0
    """Seconds of rest between sets."""

    def __post_init__(self) -> None:
        _check_size(self)

    def describe(self) -> str:
        sets = f"{_value(self.sets)} x " if self.sets.default > 1 else ""
        reps = "rep" if self.reps.default == 1 else "reps"
        return self._each_side(f"{sets}{_value(self.reps)} {reps}")

    def size(self, level: Level = STANDARD) -> Size:
        reps, sets = self.reps.at(level), self.sets.at(level)
        one_set = _switches(len(self.sides), Size(reps, reps * self.tempo))
        return one_set.times(sets) + _pauses(sets - 1, self.rest)


@dataclass(frozen=True, slots=True, kw_only=True)
class TimedDose(Sided):
    """A continuous move for a set time (dynamic warm-ups)."""

    kind: Literal["timed"]
    seconds: Amount
    """How long to keep moving, in seconds."""

    def __post_init__(self) -> None:
        _check_size(self)

    def describe(self) -> str:
        return self._each_side(f"{_value(self.seconds)} s")

    def size(self, level: Level = STANDARD) -> Size:
        return _switches(len(self.sides), Size(1, self.seconds.at(level)))


@dataclass(frozen=True, slots=True, kw_only=True)
class RoundPart(Strict):
    """One part of a round, e.g. 'Roll your shoulders backwards', 5 times."""

    do: Line
    """What to do, read at a glance."""
    reps: Annotated[int, Ge(1), Le(MAX_COUNT)] = 1
    """Repetitions of this part."""
    tempo: Tempo
    spoken: Word | None = None
    """What the voice says as this part starts, e.g. `Cat: round your back.` (default: `do`)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class RoundsDose(Sided):
    """A sequence of parts repeated a number of rounds (5 back then 5 forward, 2-3 times)."""

    kind: Literal["rounds"]
    parts: Annotated[list[RoundPart], MinLen(1), MaxLen(20)]
    rounds: Amount
    """How many times the whole sequence is done."""
    rest: Seconds = 0
    """Seconds of rest between rounds."""

    def __post_init__(self) -> None:
        _check_size(self)

    def describe(self) -> str:
        """'2 rounds'; one round of parts of several reps is what it holds, '20 + 20 reps'
        ('1 round' said nothing of how long it is)."""
        if self.rounds.default == 1 and any(part.reps > 1 for part in self.parts):
            return self._each_side(f"{' + '.join(str(part.reps) for part in self.parts)} reps")
        word = "round" if self.rounds.default == 1 else "rounds"
        return self._each_side(f"{_value(self.rounds)} {word}")

    def size(self, level: Level = STANDARD) -> Size:
        rounds = self.rounds.at(level)
        one_round = Size(
            sum(part.reps for part in self.parts),
            sum(part.reps * part.tempo for part in self.parts),
        )
        each_side = one_round.times(rounds) + _pauses(rounds - 1, self.rest)
        return _switches(len(self.sides), each_side)


AnyDose = HoldDose | RepsDose | TimedDose | RoundsDose
Dose = Annotated[AnyDose, Rules(tag=DOSE_TAG)]


def _check_size(dose: AnyDose) -> None:
    """A dose that would plan too much, at any level, is refused where it is read (and where
    a routine's change to it is checked)."""
    reason = dose.size().too_big("this dose") or dose.size("full").too_big(
        "this dose at the full level"
    )
    if reason is not None:
        raise ValueError(reason)


def at_level(exercise: Exercise, level: Level) -> Exercise:
    """`exercise` as a session at `level` does it: every range in its dose (seconds, repeats,
    reps, sets, rounds) set to its min (easy), default (standard) or max (full). The range
    itself is kept, so it can still be shown."""
    dose = exercise.dose
    changes: dict[str, Any] = {
        name: dataclasses.replace(value, default=value.at(level))
        for name in field_names(type(dose))
        if isinstance(value := getattr(dose, name), Amount) and value.at(level) != value.default
    }
    if not changes:
        return exercise
    return dataclasses.replace(exercise, dose=dataclasses.replace(dose, **changes))


def routine_size(routine: Routine, exercises: list[Exercise], level: Level = STANDARD) -> Size:
    """What `routine` plans with these exercises (its changes to their doses applied)."""
    size = _pauses(len(exercises) - 1, routine.rest) + _pauses(len(exercises), routine.prepare)
    for exercise in exercises:
        size += exercise.dose.size(level)
    return size


@dataclass(frozen=True, slots=True, kw_only=True)
class Spoken(Strict):
    """What the voice says for an exercise. In YAML, a line of text is the `how` alone."""

    how: Said
    """How to do the move, in one or two short sentences, said while you get ready."""
    start: Word | None = None
    """The words that start each hold (default `Hold.`) or each set of reps (default `Go.`),
    e.g. `Knee to chest.`"""
    release: Word | None = None
    """The word for letting go: said as each hold ends (default `Relax`), and halfway through
    each rep, for the way back (e.g. `Lower`; default: nothing)."""

    @classmethod
    def _from_input(cls, data: Any) -> Any:
        return {"how": data} if isinstance(data, str) else data


@dataclass(frozen=True, slots=True, kw_only=True)
class Exercise(Strict):
    """One movement: what it is for, how to do it, and how much of it."""

    id: Id
    name: Name
    phase: Phase
    """Where it belongs in a session."""
    summary: Line
    """One line: what the move does."""
    good_for: Annotated[list[Area], MinLen(1)]
    """Body areas it helps."""
    equipment: Annotated[list[Equipment], MinLen(1)]
    """What you need; where several are listed, any one will do."""
    position: Annotated[list[Position], MinLen(1)]
    """Positions it is done in."""
    steps: Annotated[list[Line], MinLen(1), MaxLen(20)]
    """Numbered steps."""
    cues: Annotated[list[Line], MaxLen(20)] = field(default_factory=list)
    """Short form cues."""
    safety: Annotated[list[Line], MaxLen(20)] = field(default_factory=list)
    """Safety notes."""
    dose: Dose
    spoken: Spoken | None = None
    """What the voice says (`--voice`); without it, the voice reads the first steps."""
    variant_of: Id | None = None
    """The id of the exercise this is another form of (easier, or with other equipment): a
    built routine takes one form of a move, never two."""

    @property
    def move(self) -> str:
        """The move this is a form of: the id it is a variant of, or its own."""
        return self.variant_of or self.id

    @property
    def needs_nothing(self) -> bool:
        return "none" in self.equipment

    def on_side(self, text: str, side: Side | None) -> str:
        """`text` as said on `side`. A one-sided move's words (its steps, parts and cues) are
        written for its first side; on the other side, left and right swap."""
        dose = self.dose
        if side is None or not dose.per_side or side == dose.first_side:
            return text
        return _SIDE_WORD.sub(lambda word: _MIRRORED[word.group()], text)


_MIRRORED = {
    **{"left": "right", "right": "left"},
    **{"Left": "Right", "Right": "Left", "LEFT": "RIGHT", "RIGHT": "LEFT"},
}
_SIDE_WORD = re.compile(r"\b(?:left|right|Left|Right|LEFT|RIGHT)\b")


@dataclass(frozen=True, kw_only=True)
class DoseOverride(Strict):
    """A routine's change to an exercise's dose; only the fields given are replaced."""

    # Which fields the file gave (an explicit `null` included) is kept with the instance (no
    # slots, so it has a __dict__ for it), as `given()` reports it: checks.RecordsGiven records
    # it when a file is validated, and the cache with `with_given`.
    _remembers_given = True

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

    def given_names(self) -> frozenset[str]:
        """The fields the file gave; without a record, those that are not None."""
        recorded: frozenset[str] | None = self.__dict__.get("_given")
        if recorded is not None:
            return recorded
        return frozenset(
            f.name for f in dataclasses.fields(self) if getattr(self, f.name) is not None
        )

    def given(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.given_names()}

    def with_given(self, names: frozenset[str]) -> DoseOverride:
        """Record `names` as the fields the file gave; returns self."""
        object.__setattr__(self, "_given", frozenset(names))
        return self


@dataclass(frozen=True, slots=True, kw_only=True)
class RoutineItem(Strict):
    """An exercise in a routine, by id, optionally with its own dose."""

    _short_form = Id

    exercise: Id
    dose: DoseOverride | None = None

    @classmethod
    def _from_input(cls, data: Any) -> Any:
        return {"exercise": data} if isinstance(data, str) else data


@dataclass(frozen=True, slots=True, kw_only=True)
class Routine(Strict):
    """An ordered list of exercises with the pauses between them."""

    id: Id
    name: Name
    purpose: Line
    """One line: who it is for and what it does."""
    focus: Annotated[list[Area], MinLen(1)]
    """Body areas it targets."""
    prepare: Seconds = 10
    """Seconds to get ready before each exercise."""
    rest: Seconds = 15
    """Seconds of rest between exercises."""
    exercises: Annotated[list[RoutineItem], MinLen(1), MaxLen(100)]


ROUTINE_KEY = "exercises"
"""A file with this key is a routine; any other file is an exercise."""


def field_names(cls: type[Strict]) -> tuple[str, ...]:
    """The fields of a file class, in order (kept: the cache's writer asks for each model)."""
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


_FIELD_NAMES: dict[type[Strict], tuple[str, ...]] = {}


def to_data(value: Any) -> Any:
    """A model as JSON-ready data (what pydantic's `model_dump(mode="json")` gave)."""
    if isinstance(value, Strict):
        return {name: to_data(getattr(value, name)) for name in field_names(type(value))}
    if isinstance(value, list | tuple):
        return [to_data(item) for item in value]
    return value


def override_fields(dose: AnyDose, override: DoseOverride) -> dict[str, Any]:
    """The fields of `dose` with the routine's changes; a field the dose kind lacks is an error.

    The result is checked by validation.py when a file is loaded (`apply_override` trusts it).
    """
    changes = override.given()
    names = field_names(type(dose))
    wrong = sorted(name for name in changes if name not in names)
    if wrong:
        raise ValueError(f"'{wrong[0]}' does not apply to a {dose.kind} dose")
    return {**{name: getattr(dose, name) for name in names}, **changes}


def apply_override(dose: AnyDose, override: DoseOverride) -> AnyDose:
    """`dose` with a routine's changes, which the catalog checked when it loaded the routine."""
    return type(dose)(**override_fields(dose, override))


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
