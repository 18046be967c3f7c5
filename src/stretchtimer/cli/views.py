"""Routines and exercises as text tables and JSON, for `list` and `show`."""

from __future__ import annotations

import itertools
import json
import os
import sys
import textwrap
from typing import TYPE_CHECKING, Any

from stretchtimer.format import clock, unsafe_characters
from stretchtimer.library.catalog import Catalog
from stretchtimer.library.models import (
    LEVELS,
    STANDARD,
    Amount,
    Exercise,
    Level,
    Routine,
    equipment_needed,
    field_names,
    routine_size,
    to_data,
)
from stretchtimer.session.plan import Count, Step, Timeline, paced, session_timeline
from stretchtimer.session.words import step_line
from stretchtimer.settings import Settings

if TYPE_CHECKING:  # only `build` prints one, and imports the builder itself
    from stretchtimer.session.builder import Built


def timeline_of(
    catalog: Catalog, routine: Routine, settings: Settings, level: Level = STANDARD
) -> Timeline:
    return session_timeline(routine, catalog.routine_exercises(routine), settings, level)


def level_totals(catalog: Catalog, routine: Routine, settings: Settings) -> dict[Level, float]:
    """The routine's total time at each level with your get-ready and rest (its size: a
    fraction of planning it; the same pacing as `session_timeline`)."""
    exercises = catalog.routine_exercises(routine)
    prepare, rest = settings.prepare, settings.rest
    return {
        level: routine_size(
            paced(routine, exercises, prepare, rest, level), exercises, level
        ).seconds
        for level in LEVELS
    }


def time_with_levels(totals: dict[Level, float]) -> str:
    """'5:26 (5:18-5:38)': the standard time, and the easy to full ones where they differ."""
    easy, standard, full = (clock(totals[level]) for level in LEVELS)
    return standard if easy == full else f"{standard} ({easy}-{full})"


def routines_json(catalog: Catalog, settings: Settings) -> list[dict[str, Any]]:
    return [
        routine_json(catalog, catalog.routine(key), settings, with_steps=False)
        for key in sorted(catalog.routines)
    ]


def exercises_json(catalog: Catalog) -> list[dict[str, Any]]:
    return [exercise_json(catalog, catalog.exercise(key)) for key in sorted(catalog.exercises)]


Table = tuple[list[str], list[list[str]]]


def routine_table(catalog: Catalog, settings: Settings) -> Table:
    rows = []
    for key in sorted(catalog.routines):
        routine = catalog.routine(key)
        timeline = timeline_of(catalog, routine, settings)
        rows.append(
            [
                routine.id,
                routine.name,
                time_with_levels(level_totals(catalog, routine, settings)),
                ", ".join(routine.focus),
                ", ".join(equipment_needed(list(timeline.exercises))),
            ]
        )
    return ["ID", "NAME", "TIME", "FOCUS", "EQUIPMENT"], rows


def exercise_table(catalog: Catalog) -> Table:
    rows = [
        [e.id, e.name, e.phase, e.dose.describe(), ", ".join(e.good_for), "/".join(e.equipment)]
        for e in (catalog.exercise(key) for key in sorted(catalog.exercises))
    ]
    return ["ID", "NAME", "PHASE", "DOSE", "GOOD FOR", "EQUIPMENT"], rows


def print_json(data: Any) -> None:
    """JSON as it is, but for the characters that could drive a terminal: JSON escapes them."""
    text = json.dumps(data, indent=2, ensure_ascii=False)
    # Inside strings only: JSON escapes C0 itself, and its own newlines are the layout's.
    for char in set(unsafe_characters(text)) - {"\n"}:
        text = text.replace(char, json.dumps(char)[1:-1])
    print(text)


GAP = "  "
NARROWEST = 10  # a column wraps no narrower than this (or its longest word)
# The columns of words, which may wrap (never within a word); ids and counts never do. A
# routine's TIME wraps too, between its time and the range of its levels ('5:26' over
# '(4:18-5:38)'), but only once no column of words can give more room.
WRAPPING = frozenset(
    {"NAME", "ROUTINE", "EXERCISE", "DOSE", "FOCUS", "GOOD FOR", "EQUIPMENT", "TIME"}
)
WRAPPING_LAST = frozenset({"TIME"})


def table(header: list[str], rows: list[list[str]], width: int | None = None) -> None:
    """Columns that fit `width` (the terminal's; a pipe gets whole lines).

    Where the table is too wide, its widest column of words (WRAPPING) wraps them onto more
    lines, then the next widest; where that is not enough, the last columns are left out, and
    a line says so.
    """
    limit = terminal_width() if width is None else width
    table = [header, *rows]
    widths = _fitted(table, limit)
    for row in table:
        cells = [
            textwrap.wrap(cell, width, break_on_hyphens=False) or [""]
            for cell, width in zip(row[: len(widths)], widths, strict=True)
        ]
        for line in itertools.zip_longest(*cells, fillvalue=""):
            texts = (text.ljust(width) for text, width in zip(line, widths, strict=True))
            print(GAP.join(texts).rstrip())
    if len(widths) < len(header):
        left_out = ", ".join(header[len(widths) :])
        note = f"({left_out} left out to fit {limit} columns; --json has everything)"
        print("\n".join(textwrap.wrap(note, limit) if limit else [note]))


def _fitted(table: list[list[str]], limit: int | None) -> list[int]:
    """The widths of the columns shown: as wide as their cells, or narrower to fit `limit`."""
    natural = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    if limit is None:
        return natural
    least = [
        max(len(word) for row in table for word in [*row[i].split(), row[i][:NARROWEST]])
        if table[0][i] in WRAPPING
        else width
        for i, width in enumerate(natural)
    ]
    for shown in range(len(natural), 0, -1):
        widths = natural[:shown]
        room = limit - len(GAP) * (shown - 1)
        while sum(widths) > room:
            narrower = [i for i, width in enumerate(widths) if width > least[i]]
            if not narrower:
                break
            words = [i for i in narrower if table[0][i] not in WRAPPING_LAST]
            widths[max(words or narrower, key=lambda i: widths[i])] -= 1
        if sum(widths) <= room:
            return widths
    return natural[:1]


def terminal_width() -> int | None:
    """The width to fit: $COLUMNS, else the terminal's; None when the output is not a terminal
    (a pipe or a file gets whole lines, for grep and the like)."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        return os.get_terminal_size(sys.stdout.fileno()).columns if sys.stdout.isatty() else None
    except (OSError, ValueError):
        return None


def prose(text: str, lead: str = "") -> None:
    """Print `text` after `lead`, wrapped at words to the terminal's width, its lines after
    the first under the text (a pipe gets it whole, as tables do)."""
    width = terminal_width()
    if width is None or len(lead) + len(text) <= width:
        print(lead + text)
        return
    indent = " " * len(lead)
    room = max(width, len(lead) + 10)
    lines = textwrap.wrap(
        text, room, initial_indent=lead, subsequent_indent=indent, break_on_hyphens=False
    )
    print("\n".join(lines))


def _source(catalog: Catalog, item_id: str, routine: bool) -> dict[str, Any]:
    entry = (catalog.routines if routine else catalog.exercises)[item_id]
    replaced = catalog.replaced.get(item_id)
    return {
        "source": str(entry.path),
        "builtin": entry.builtin,
        "replaces_builtin": str(replaced) if replaced else None,
    }


def exercise_json(catalog: Catalog, exercise: Exercise) -> dict[str, Any]:
    data: dict[str, Any] = to_data(exercise)
    data["dose_text"] = exercise.dose.describe()
    data.update(_source(catalog, exercise.id, routine=False))
    return data


def routine_json(
    catalog: Catalog,
    routine: Routine,
    settings: Settings,
    with_steps: bool,
    level: Level = STANDARD,
) -> dict[str, Any]:
    timeline = timeline_of(catalog, routine, settings, level)
    data: dict[str, Any] = {
        "id": routine.id,
        "name": routine.name,
        "purpose": routine.purpose,
        "focus": list(routine.focus),
        "equipment": equipment_needed(list(timeline.exercises)),
        "prepare_seconds": timeline.routine.prepare,
        "rest_seconds": timeline.routine.rest,
        "level": level,
        "total_seconds": timeline.total,
        "level_seconds": level_totals(catalog, routine, settings),
        "exercises": [
            {
                "id": exercise.id,
                "name": exercise.name,
                "phase": exercise.phase,
                "dose": to_data(exercise.dose),
                "dose_text": exercise.dose.describe(),
                "start_seconds": timeline.exercise_start(position),
                "seconds": timeline.exercise_seconds(position),
            }
            for position, exercise in enumerate(timeline.exercises)
        ],
    }
    data.update(_source(catalog, routine.id, routine=True))
    if with_steps:
        data["timeline"] = [_step_json(step) for step in timeline.steps]
    return data


def _step_json(step: Step) -> dict[str, Any]:
    def count(value: Count | None) -> dict[str, int] | None:
        return None if value is None else {"number": value.number, "total": value.total}

    return {
        "index": step.index,
        "kind": str(step.kind),
        "exercise_id": step.exercise.id,
        "exercise_name": step.exercise.name,
        "text": step.text,
        "start_seconds": step.start,
        "duration_seconds": step.duration,
        "side": step.side,
        "set": count(step.set),
        "rep": count(step.rep),
        "hold": count(step.hold),
        "round": count(step.round),
        "cues": [{"at": cue.at, "kind": str(cue.kind), "count": cue.count} for cue in step.cues],
    }


def print_routine(
    catalog: Catalog, routine: Routine, settings: Settings, steps: bool, level: Level = STANDARD
) -> None:
    timeline = timeline_of(catalog, routine, settings, level)
    print(f"{routine.name} ({routine.id}) - {clock(timeline.total)}{_at(level)}")
    prose(routine.purpose)
    print(f"Focus: {', '.join(routine.focus)}")
    print(f"Equipment: {', '.join(equipment_needed(list(timeline.exercises)))}")
    paced_ = timeline.routine
    print(f"Get ready {paced_.prepare} s before each exercise, rest {paced_.rest} s between.")
    if routine.id in catalog.replaced:
        print(f"Your file {catalog.routines[routine.id].path} replaces the built-in routine.")
    print()
    if steps:
        for step in timeline.steps:
            print(step_line(step, timeline, step.start))
        return
    table(
        ["#", "AT", "EXERCISE", "PHASE", "DOSE", "TIME"],
        [
            [
                str(position + 1),
                clock(timeline.exercise_start(position)),
                exercise.name,
                exercise.phase,
                exercise.dose.describe(),
                clock(timeline.exercise_seconds(position)),
            ]
            for position, exercise in enumerate(timeline.exercises)
        ],
    )
    print(f"\nTotal: {clock(timeline.total)} ({len(timeline.steps)} steps; --steps lists them)")
    others = [
        f"{other} {clock(seconds)}"
        for other, seconds in level_totals(catalog, routine, settings).items()
        if other != level
    ]
    print(f"Levels: {', '.join(others)} (--level)")


def _at(level: Level) -> str:
    """', easy level' after a routine's time; nothing at the standard level."""
    return "" if level == STANDARD else f", {level} level"


def script_lines(timeline: Timeline, full: bool, count_every: int = 1) -> list[str]:
    """What a session says and when, as a listener hears it at speed 1 (the phrase lengths
    estimated): one line a phrase, 'm:ss.s  text'."""
    from stretchtimer.sound.voice import VoiceOptions, rehearse, script

    lines = script(timeline, VoiceOptions(full=full, count_every=count_every))
    heard = rehearse(lines)
    said = {id(slot.phrase) for slot in heard}
    out = [f"{_tenths(slot.start)}  {slot.phrase.text}" for slot in heard]
    left_out = [line.phrase for line in lines if id(line.phrase) not in said]
    if left_out:
        kinds = ", ".join(sorted({f"{p.priority.name.lower()}s" for p in left_out}))
        out.append(f"({len(left_out)} left out, said while the voice is still busy: {kinds})")
    return out


def _tenths(seconds: float) -> str:
    """'1:05.3': minutes, seconds and tenths."""
    tenths = round(seconds * 10)
    minutes, rest = divmod(tenths, 600)
    return f"{minutes}:{rest // 10:02}.{rest % 10}"


def print_script(
    catalog: Catalog, routine: Routine, settings: Settings, full: bool, level: Level = STANDARD
) -> None:
    timeline = timeline_of(catalog, routine, settings, level)
    count_every = settings.voice_count
    mode = "--voice=full" if full else "--voice"
    time = f"{clock(timeline.total)}{_at(level)}"
    print(f"{routine.name} ({routine.id}) - {time}, what the voice says ({mode})")
    print()
    for line in script_lines(timeline, full, count_every):
        print(line)


def print_exercise(catalog: Catalog, exercise: Exercise) -> None:
    print(f"{exercise.name} ({exercise.id}) - {exercise.phase}")
    prose(exercise.summary)
    if exercise.variant_of is not None:
        move = catalog.exercise(exercise.variant_of)
        prose(f"Another form of {move.name} ({move.id}): a built routine has one or the other.")
    if exercise.id in catalog.replaced:
        print(f"Your file {catalog.exercises[exercise.id].path} replaces the built-in exercise.")
    print(f"Good for: {', '.join(exercise.good_for)}")
    print(f"Equipment: {' or '.join(exercise.equipment)}")
    print(f"Position: {' or '.join(exercise.position)}")
    print(f"Dose: {exercise.dose.describe()}{_ranges(exercise)}")
    sides = exercise.dose.sides
    if sides[0] is not None:  # one side at a time: the steps say the first one
        print(f"\nSteps ({sides[0]} side first; on the {sides[1]} side, left and right swap):")
    else:
        print("\nSteps:")
    for number, text in enumerate(exercise.steps, 1):
        prose(text, f"  {number}. ")
    if exercise.cues:
        print("\nForm cues:")
        for text in exercise.cues:
            prose(text, "  - ")
    if exercise.safety:
        print("\nSafety:")
        for text in exercise.safety:
            prose(text, "  ! ")


def _ranges(exercise: Exercise) -> str:
    """' (the source allows 8-12 reps, 2-3 sets)' where the dose is a range."""

    dose = exercise.dose
    values = [(name, getattr(dose, name)) for name in field_names(type(dose))]
    spans = [
        f"{value.min}-{value.max} {name}"
        for name, value in values
        if isinstance(value, Amount) and value.min != value.max
    ]
    return f" (range: {', '.join(spans)})" if spans else ""


def print_built(built: Built, minutes: int) -> None:
    """What `build` made, and how near the minutes asked for."""
    first, *rest = built.lines()
    print(f"{first} (asked for {minutes} min)")
    print("\n".join(rest))
