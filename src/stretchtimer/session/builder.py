"""Build a routine to fit a person's minutes, body areas, equipment and position.

A pure function of the ask, the exercises and how many minutes each body area got lately (the
history's figures, passed in as plain data), so the same ask always gives the same routine and
every rule is tested without a disk or a screen. It chooses exercises first (the areas asked
for, those worked least first, then more of what fits), then doses within each exercise's
range, until the session's real time (get-ready and rests included, as `plan` lays it out)
is within 10 % of the minutes asked for. The order follows the article: dynamic warm-up,
strengthening, then static stretches, with as few moves between the floor and standing as
that order allows.
"""

from __future__ import annotations

import dataclasses
import itertools
import random
import re
import shlex
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from stretchtimer.format import clock, count, unsafe_characters
from stretchtimer.library.models import (
    AREAS,
    EQUIPMENT,
    PHASES,
    Amount,
    AnyDose,
    Area,
    DoseOverride,
    Exercise,
    Position,
    Routine,
    RoutineItem,
    at_level,
    equipment_needed,
    routine_size,
)
from stretchtimer.library.terms import LEVELS, POSITIONS, Level, in_words
from stretchtimer.session.plan import Timeline, plan

_Seconds = Callable[[Sequence[Exercise]], float]
"""A routine's time for a choice of exercises."""

TOLERANCE = 0.10
"""How far from the minutes asked for a built routine may land."""
MINUTES = (1, 240)
"""The shortest and longest routine one may ask for (a routine lasts at most 4 hours)."""
PREPARE, REST = 10, 10
"""Seconds to get ready before each exercise and to rest between them, unless the person set
their own; short routines (SHORT_MINUTES or less) rest 0 s, as the desk break does: the
get-ready is the pause."""
SHORT_MINUTES = 5
SHUFFLE_TRIES = 20
AREA_SECONDS = 30
"""What covering an area takes: this much time on exercises for it (one warm-up move's
least, in the article), not a 15-second stretch that lists it among others."""
FLOOR_MOVE, UPRIGHT_MOVE = 10, 1
"""What a change of position costs when ordering: getting down to the floor or up from it
weighs far more than standing up from a chair."""


class CannotBuild(ValueError):
    """An ask no routine can meet; the message is one line that says what would fit, and
    `fits` the areas it says these minutes do cover (for the front end to say how to ask
    for them: a command-line option, boxes to tick)."""

    def __init__(self, message: str, fits: Sequence[Area] = ()) -> None:
        super().__init__(message)
        self.fits = tuple(fits)


@dataclass(frozen=True, slots=True)
class Ask:
    """What a person asks for. An empty `focus` means every area the exercises at hand serve,
    or as many as the minutes fit (`Built.left_out` names the rest)."""

    minutes: int
    focus: tuple[Area, ...] = ()
    equipment: frozenset[str] = frozenset(EQUIPMENT)
    """What is at hand ('none' is always)."""
    position: Position | None = None
    level: Level | None = None
    """Every dose at its min, default or max; without it, doses are chosen to fit the time."""
    name: str | None = None
    seed: int | None = None
    """None: the one routine for this ask; a number: another one (`--shuffle`)."""
    prepare: int | None = None
    rest: int | None = None
    """The person's own get-ready and rest seconds (config.toml), which the session will use."""

    def command(self) -> str:
        """The command line that asks for this: `stretchtimer build --minutes 10 ...`."""
        words = ["stretchtimer build", f"--minutes {self.minutes}"]
        if self.focus:
            words.append(f"--focus {' '.join(self.focus)}")
        kit = sorted(self.equipment, key=EQUIPMENT.index)
        if set(kit) != set(EQUIPMENT):
            words.append(f"--equipment {' '.join(kit or ['none'])}")
        for flag, value in (("position", self.position), ("level", self.level)):
            if value:
                words.append(f"--{flag} {value}")
        if self.name is not None:
            words.append(f"--name {shlex.quote(self.name)}")
        if self.seed is not None:
            words.append("--shuffle")
        return " ".join(words)


@dataclass(frozen=True, slots=True)
class Built:
    """A routine that meets the ask, its exercises with their doses, and its real time."""

    ask: Ask
    timeline: Timeline
    positions: tuple[Position, ...]
    """The position each exercise is done in, in order."""
    left_out: tuple[Area, ...] = ()
    """The areas an ask that named none left out for want of time (too few minutes for all)."""

    @property
    def routine(self) -> Routine:
        return self.timeline.routine

    @property
    def exercises(self) -> tuple[Exercise, ...]:
        return self.timeline.exercises

    @property
    def seconds(self) -> float:
        return self.timeline.total

    def lines(self) -> list[str]:
        """The routine for people: its name and time, what it covers and needs, and each
        exercise with its position, dose and time."""
        routine = self.routine
        lines = [
            f"{routine.name} ({routine.id}): {clock(self.seconds)}",
            f"Covers: {_listed(routine.focus)}. Needs: {_needs(list(self.exercises))}.",
        ]
        if self.left_out:
            lines.append(
                f"Leaves out the {_listed(self.left_out)}: "
                f"{self.ask.minutes} min is too short for every area."
            )
        for index, (exercise, where) in enumerate(zip(self.exercises, self.positions, strict=True)):
            time = clock(self.timeline.exercise_seconds(index))
            dose = exercise.dose.describe()
            lines.append(f"{index + 1:>2}. {exercise.name}, {where} - {dose} ({time})")
        return lines


def _needs(exercises: list[Exercise]) -> str:
    needed = equipment_needed(exercises)
    return "nothing" if needed == ["none"] else ", ".join(map(in_words, needed))


def _amounts(dose: AnyDose) -> list[tuple[str, Amount]]:
    """The dose's ranges (seconds, repeats, reps, sets, rounds) that a build may turn."""
    return [
        (f.name, value)
        for f in dataclasses.fields(dose)
        if isinstance(value := getattr(dose, f.name), Amount) and value.min < value.max
    ]


def build(ask: Ask, exercises: Sequence[Exercise], worked: Mapping[str, float]) -> Built:
    """The routine for `ask` from `exercises`; `worked` is minutes per body area lately (the
    least worked are covered first). Raises CannotBuild, saying what would fit.

    An ask that names no area and has too few minutes for every one gets the routine for the
    areas that fit (those its refusal would name) and says which it left out: the person
    asked for a routine of these minutes, not for every area. Areas named are refused whole.
    Every front end (the command line, the app's builder) comes here, so they agree."""
    return _build(ask, exercises, worked, explain=True)


def _build(
    ask: Ask, exercises: Sequence[Exercise], worked: Mapping[str, float], explain: bool
) -> Built:
    """`build`; without `explain`, a refusal for areas that take too long says no more (it
    is only asked whether they fit)."""
    low, high = MINUTES
    if not low <= ask.minutes <= high:
        raise CannotBuild(f"ask for {low} to {high} minutes, not {ask.minutes}")
    name = _name(ask)
    pool = sorted(exercises, key=lambda e: e.id)
    at_hand = {*ask.equipment, "none"}
    fitting = [e for e in pool if _fits(e, at_hand, ask.position)]
    level = ask.level
    if level is not None:  # every dose fixed: only the choice of exercises fits the time
        fitting = [dataclasses.replace(e, dose=_fixed(at_level(e, level).dose)) for e in fitting]
    if not fitting:
        raise CannotBuild(f"no exercise fits {_constraints(ask)}")
    served = {area for e in fitting for area in e.good_for}
    wanted = list(dict.fromkeys(ask.focus)) or [a for a in AREAS if a in served]
    for area in wanted:
        if area not in served:
            raise CannotBuild(_missing(area, pool, ask))
    least_first = sorted(wanted, key=lambda a: (worked.get(a, 0.0), AREAS.index(a)))
    rank = {area: len(least_first) - n for n, area in enumerate(least_first)}
    chance = random.Random(ask.seed) if ask.seed is not None else None
    tiebreak = {e.id: (chance.random() if chance else 0.0, e.id) for e in fitting}
    shell = _shell(ask, name, least_first)
    target = ask.minutes * 60.0

    def seconds(chosen: Sequence[Exercise]) -> float:
        return routine_size(shell, list(chosen)).seconds

    cover = partial(_cover, fitting=fitting, tiebreak=tiebreak, seconds=seconds, rest=shell.rest)
    chosen = cover(least_first)
    if chosen is None or seconds([_lowest(e) for e in chosen]) > target * (1 + TOLERANCE):
        if not explain:
            raise CannotBuild("too short")
        refusal = _too_short(ask, least_first, cover, seconds, exercises, worked)
        if ask.focus or not refusal.fits:
            raise refusal
        fewer = _build(dataclasses.replace(ask, focus=refusal.fits), exercises, worked, False)
        left_out = tuple(a for a in wanted if a not in refusal.fits)
        return dataclasses.replace(fewer, ask=ask, left_out=left_out)
    # The areas asked for fill the time first, with more moves for them and then longer
    # doses; moves for other areas only where those cannot (a neck routine gets no superman
    # while its neck moves can still go on).
    for pool_ in ([e for e in fitting if rank.keys() & set(e.good_for)], fitting):
        chosen = _fill(chosen, pool_, rank, tiebreak, seconds, target)
        chosen = _tune(chosen, seconds, target)
        if seconds(chosen) >= target * (1 - TOLERANCE):
            break
    total = seconds(chosen)
    if total < target * (1 - TOLERANCE):
        doses = "every dose at its most" if level is None else f"at the {level} level"
        higher = ", a higher level" if level is not None and level != LEVELS[-1] else ""
        raise CannotBuild(
            f"{_constraints(ask)} fits at most {clock(total)} "
            f"({count(len(chosen), 'exercise')}, {doses}): ask for fewer minutes{higher}, "
            "or allow more equipment or positions"
        )
    ordered, positions = _order(chosen, ask.position, chance)
    if level is not None:  # the ranges back, for the file
        ordered = [at_level(_original(e, pool), level) for e in ordered]
    covered = [a for a in wanted if any(a in e.good_for for e in ordered)]
    routine = dataclasses.replace(
        shell,
        focus=covered,
        exercises=[_item(e, pool) for e in ordered],
    )
    return Built(ask, plan(routine, ordered), tuple(positions))


def build_another(
    ask: Ask, exercises: Sequence[Exercise], worked: Mapping[str, float], seed: int
) -> Built:
    """Another routine for `ask` than `build` gives without a seed (`--shuffle`): the first of
    the seeds from `seed` on whose exercises, or their order, differ (the same moves with
    other doses are not another routine), or the one routine if only one fits."""
    pool = list(exercises)
    usual = build(dataclasses.replace(ask, seed=None), pool, worked)
    built = usual
    for tried in range(seed, seed + SHUFFLE_TRIES):
        try:
            built = build(dataclasses.replace(ask, seed=tried), pool, worked)
        except CannotBuild:  # this order of choices does not fit: try the next
            continue
        if _exercise_ids(built) != _exercise_ids(usual):
            return built
    return built


def _exercise_ids(built: Built) -> list[str]:
    return [item.exercise for item in built.routine.exercises]


def _fits(exercise: Exercise, at_hand: set[str], position: Position | None) -> bool:
    if position is not None and position not in exercise.position:
        return False
    return exercise.needs_nothing or bool(at_hand.intersection(exercise.equipment))


def _listed(items: Sequence[str]) -> str:
    """'neck', 'neck and chest', 'neck, chest and lower back'."""
    words = [in_words(item) for item in items]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _constraints(ask: Ask) -> str:
    """'seated, with no equipment': what limits the ask, in words."""
    parts = [{"floor": "on the floor"}.get(ask.position, ask.position)] if ask.position else []
    kit = sorted(ask.equipment - {"none"})
    if set(kit) != set(EQUIPMENT) - {"none"}:
        parts.append(f"with {_listed(kit)}" if kit else "with no equipment")
    return ", ".join(p for p in parts if p) or "this ask"


def _missing(area: str, pool: Sequence[Exercise], ask: Ask) -> str:
    """Why nothing serves `area`, and what would."""
    for_area = [e for e in pool if area in e.good_for]
    if not for_area:
        return f"no exercise works the {in_words(area)}"
    needs = []
    for exercise in for_area:
        kit = [] if exercise.needs_nothing else [" or ".join(map(in_words, exercise.equipment))]
        fits_there = ask.position is None or ask.position in exercise.position
        where = [] if fits_there else [" or ".join(exercise.position)]
        needs.append(f"{exercise.name} needs {', '.join(kit + where)}")
    return f"nothing for the {in_words(area)} fits {_constraints(ask)} ({'; '.join(needs)})"


def _name(ask: Ask) -> str:
    if ask.name is not None:
        name = " ".join(ask.name.split())
        if not name or len(name) > 60 or unsafe_characters(name):
            raise CannotBuild("a name is 1 to 60 characters of text")
        if not slug(name):
            raise CannotBuild(f"the name '{name}' needs a letter or a digit")
        return name
    areas = set(ask.focus)
    if not areas or areas == set(AREAS):
        what = "Whole back"
    elif len(areas) <= 2:
        what = _listed(sorted(areas, key=AREAS.index)).capitalize()
    else:
        what = "Mixed"
    where = f", {ask.position}" if ask.position else ""
    return f"{what}{where}, {ask.minutes} min"


def slug(name: str) -> str:
    """A name as a routine id: 'Neck, seated, 4 min' -> 'neck-seated-4-min'."""
    return "-".join(re.findall(r"[a-z0-9]+", name.lower()))[:60].strip("-")


def _shell(ask: Ask, name: str, areas: Sequence[Area]) -> Routine:
    """The routine's fields before its exercises are chosen."""
    short = ask.minutes <= SHORT_MINUTES
    kit = sorted(ask.equipment - {"none"})
    every = set(kit) == set(EQUIPMENT) - {"none"}
    kit_text = "any equipment" if every else _listed(kit) if kit else "no equipment"
    where = f", {ask.position}" if ask.position else ""
    level = f", {ask.level} doses" if ask.level else ""
    placeholder = RoutineItem(exercise="placeholder")
    return Routine(
        id=slug(name),
        name=name,
        purpose=f"Built for {ask.minutes} minutes{where}{level}, for the "
        f"{_listed(sorted(areas, key=AREAS.index))}, with {kit_text}.",
        focus=list(areas),
        prepare=PREPARE if ask.prepare is None else ask.prepare,
        rest=(0 if short else REST) if ask.rest is None else ask.rest,
        exercises=[placeholder],
    )


def _fixed(dose: AnyDose) -> AnyDose:
    """`dose` with no ranges left to turn."""
    fixed: dict[str, Any] = {
        name: Amount(default=a.default, min=a.default, max=a.default) for name, a in _amounts(dose)
    }
    return dataclasses.replace(dose, **fixed)


def _original(exercise: Exercise, pool: Sequence[Exercise]) -> Exercise:
    return next(e for e in pool if e.id == exercise.id)


def _lowest(exercise: Exercise) -> Exercise:
    dose = exercise.dose
    lowest: dict[str, Any] = {
        name: Amount(default=a.min, min=a.min, max=a.max) for name, a in _amounts(dose)
    }
    return dataclasses.replace(exercise, dose=dataclasses.replace(dose, **lowest))


def _cover(
    areas: Sequence[Area],
    fitting: Sequence[Exercise],
    tiebreak: Mapping[str, tuple[float, str]],
    seconds: _Seconds,
    rest: float,
) -> list[Exercise] | None:
    """Quick exercises (at their lowest doses) that together give every area in `areas` at
    least AREA_SECONDS, and begin with a dynamic warm-up where one fits: static stretches come
    after moving, never cold; one form of each move (`Exercise.move`). None if they cannot.
    The quickest set that serves every area is searched for (each exercise in or out, over
    every set of the areas served so far, keeping the quickest for each); an area still short
    of time then gets the quickest exercise for it."""
    warm_ups = any(e.phase == "warm-up" for e in fitting)
    bits = {area: 1 << n for n, area in enumerate(areas)}
    warm_bit = 1 << len(areas)
    whole = (warm_bit << 1) - 1 if warm_ups else warm_bit - 1
    best: dict[int, tuple[float, tuple[Exercise, ...]]] = {0: (0.0, ())}
    for exercise in sorted(fitting, key=lambda e: tiebreak[e.id]):
        mask = sum(bits.get(area, 0) for area in exercise.good_for)
        mask |= warm_bit if exercise.phase == "warm-up" else 0
        if not mask:
            continue
        cost = seconds([_lowest(exercise)]) + rest  # with its get-ready, and a rest before it
        for served, (total, taken) in list(best.items()):
            after = served | mask
            if after == served or any(e.move == exercise.move for e in taken):
                continue
            if after not in best or total + cost < best[after][0]:
                best[after] = (total + cost, (*taken, exercise))
    found = best.get(whole)
    if found is None:
        return None
    chosen: list[Exercise] = list(found[1])
    for area in areas:  # then enough time on each area: a move, not a touch
        while _work(chosen, area) < AREA_SECONDS:
            moves = {e.move for e in chosen}
            more = [e for e in fitting if area in e.good_for and e.move not in moves]
            if not more:
                break
            chosen.append(min(more, key=lambda e: (seconds([_lowest(e)]), tiebreak[e.id])))
    return chosen


def _work(chosen: Sequence[Exercise], area: Area) -> float:
    """Seconds the exercises spend on `area` at their lowest doses."""
    return sum(_lowest(e).dose.size().seconds for e in chosen if area in e.good_for)


def _too_short(
    ask: Ask,
    areas: Sequence[Area],
    cover: Callable[[Sequence[Area]], list[Exercise] | None],
    seconds: _Seconds,
    exercises: Sequence[Exercise],
    worked: Mapping[str, float],
) -> CannotBuild:
    """The refusal of an ask whose areas take longer than its minutes: what they take, and
    which areas (the least worked first) a routine of these minutes does cover."""

    def least(chosen: list[Exercise] | None) -> float:
        return seconds([_lowest(e) for e in chosen]) if chosen else float("inf")

    def builds(focus: Sequence[Area]) -> bool:
        try:
            _build(dataclasses.replace(ask, focus=tuple(focus)), exercises, worked, False)
        except CannotBuild:
            return False
        return True

    fit: list[Area] = []
    for area in areas:
        if builds([*fit, area]):
            fit.append(area)
    took = (
        f"{ask.minutes} min cannot cover the {_listed(list(areas))} "
        f"(that takes at least {clock(least(cover(areas)))})"
    )
    if not fit:
        return CannotBuild(f"{took}; try more minutes")
    order = sorted(fit, key=AREAS.index)
    return CannotBuild(f"{took}; {ask.minutes} min fits the {_listed(order)}", order)


def _fill(
    chosen: list[Exercise],
    fitting: Sequence[Exercise],
    rank: Mapping[Area, int],
    tiebreak: Mapping[str, tuple[float, str]],
    seconds: _Seconds,
    target: float,
) -> list[Exercise]:
    """More exercises, while the routine at its usual doses is short of the target: those for
    the areas asked for first (the least worked most), a phase not yet in it before another of
    one that is, one done where the others are before one that moves you; never another form
    of a move it has, nor one that would make it too long even at its lowest doses."""
    chosen = list(chosen)
    limit = target * (1 + TOLERANCE)
    left = [e for e in fitting if e not in chosen]
    while left and seconds(chosen) < target:

        def key(exercise: Exercise) -> tuple[int, int, int, int, tuple[float, str]]:
            weight = sum(rank.get(area, 0) for area in exercise.good_for)
            new_phase = all(e.phase != exercise.phase for e in chosen)
            # done where the others are: no trip to the floor for it
            in_place = any(place in e.position for e in chosen for place in exercise.position)
            return (-(weight > 0), -new_phase, -weight, -in_place, tiebreak[exercise.id])

        left.sort(key=key)
        moves = {e.move for e in chosen}
        for exercise in left:
            if exercise.move in moves:
                continue
            if seconds([_lowest(e) for e in [*chosen, exercise]]) <= limit:
                chosen.append(exercise)
                left.remove(exercise)
                break
        else:
            break
    return chosen


def _tune(chosen: list[Exercise], seconds: _Seconds, target: float) -> list[Exercise]:
    """Turn the doses one step at a time within their ranges, each time the step that brings
    the time nearest the target, until no step brings it nearer."""
    chosen = list(chosen)
    now = seconds(chosen)
    while True:
        best: tuple[float, int, Exercise, float] | None = None
        for index, exercise in enumerate(chosen):
            own = exercise.dose.size().seconds
            for name, amount in _amounts(exercise.dose):
                for step in (-1, 1):
                    value = amount.default + step
                    if not amount.min <= value <= amount.max:
                        continue
                    changed: dict[str, Any] = {
                        name: Amount(default=value, min=amount.min, max=amount.max)
                    }
                    dose = dataclasses.replace(exercise.dose, **changed)
                    after = now - own + dose.size().seconds  # only this dose changed
                    if best is None or abs(after - target) < best[0]:
                        trial = dataclasses.replace(exercise, dose=dose)
                        best = (abs(after - target), index, trial, after)
        if best is None or best[0] >= abs(now - target):
            return chosen
        _, index, trial, now = best
        chosen[index] = trial


def _order(
    chosen: Sequence[Exercise], position: Position | None, chance: random.Random | None
) -> tuple[list[Exercise], list[Position]]:
    """The article's order of phases; within each, the exercises grouped by position so that
    the session changes position as little as it can (the floor counts most)."""
    # The fewest changes of position, found over each phase's order of positions in turn:
    # for each position a phase may end in, the cheapest way there.
    ends: dict[Position | None, tuple[int, list[tuple[Exercise, Position]]]] = {None: (0, [])}
    for phase in PHASES:
        members = [e for e in chosen if e.phase == phase]
        if not members:
            continue
        after: dict[Position | None, tuple[int, list[tuple[Exercise, Position]]]] = {}
        for start, (cost, done) in ends.items():
            for blocks in _block_orders(members, position):
                placed = _placed(members, blocks, position, chance)
                used = list(dict.fromkeys(where for _, where in placed))
                moves = sum(_move(a, b) for a, b in itertools.pairwise([start, *used]))
                total = cost + moves
                end = used[-1]
                if end not in after or total < after[end][0]:
                    after[end] = (total, [*done, *placed])
        ends = after
    best = min(ends.values(), key=lambda option: option[0])
    return [e for e, _ in best[1]], [where for _, where in best[1]]


def _allowed(exercise: Exercise, position: Position | None) -> list[Position]:
    return [position] if position is not None else list(exercise.position)


def _block_orders(
    members: Sequence[Exercise], position: Position | None
) -> Iterable[tuple[Position, ...]]:
    """Every order of positions, one block each, in which every member has a place."""
    present = [p for p in POSITIONS if any(p in _allowed(e, position) for e in members)]
    for size in range(1, len(present) + 1):
        for blocks in itertools.permutations(present, size):
            if all(set(blocks).intersection(_allowed(e, position)) for e in members):
                yield blocks


def _placed(
    members: Sequence[Exercise],
    blocks: Sequence[Position],
    position: Position | None,
    chance: random.Random | None,
) -> list[tuple[Exercise, Position]]:
    """The members in `blocks` order, each in the first block it can be done in; within a
    block from the head down (the first area each serves), or shuffled."""
    placed: list[tuple[Exercise, Position]] = []
    for block in blocks:
        here = [
            e
            for e in members
            if block in _allowed(e, position)
            and not set(blocks[: blocks.index(block)]).intersection(_allowed(e, position))
        ]
        here.sort(key=lambda e: (min(AREAS.index(a) for a in e.good_for), e.id))
        if chance is not None:
            chance.shuffle(here)
        placed += [(e, block) for e in here]
    return placed


def _move(before: Position | None, after: Position | None) -> int:
    if before is None or after is None or before == after:
        return 0
    return FLOOR_MOVE if "floor" in (before, after) else UPRIGHT_MOVE


def _item(exercise: Exercise, pool: Sequence[Exercise]) -> RoutineItem:
    """The routine's line for `exercise`: its id, and the dose where it differs from the
    exercise file's (the range kept, so a person sees what else they could do)."""
    original = _original(exercise, pool)
    changes: dict[str, Any] = {
        name: amount
        for name, amount in _amounts(exercise.dose)
        if getattr(original.dose, name) != amount
    }
    if not changes:
        return RoutineItem(exercise=exercise.id)
    return RoutineItem(exercise=exercise.id, dose=DoseOverride(**changes))
