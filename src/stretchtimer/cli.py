"""The `stretchtimer` command: the TUI by default, and subcommands for everything else.

Heavy modules (Textual, the catalog) are imported inside the commands that need them, so
`--help` and `--version` answer at once.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from . import __version__
from .config import SOUND_BACKENDS, VOICE_MODES, ConfigError, Settings

if TYPE_CHECKING:
    from .catalog import Catalog
    from .models import Exercise, Routine
    from .plan import Count, Step, Timeline

EXIT_OK = 0
EXIT_USAGE = 2


class UsageError(Exception):
    """Bad input from the person at the keyboard: one line on stderr, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _positive_speed(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid speed {text!r}: give a number") from None
    if not 0 < value <= 10_000:
        raise argparse.ArgumentTypeError(f"invalid speed {text!r}: use a number from 0 to 10000")
    return value


def _volume(text: str) -> int:
    if not text.isdigit() or not 0 <= int(text) <= 100:
        raise argparse.ArgumentTypeError(f"invalid volume {text!r}: use a whole number 0 to 100")
    return int(text)


def _positive_int(limit: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        if not text.isdigit() or not 1 <= int(text) <= limit:
            raise argparse.ArgumentTypeError(f"invalid number {text!r}: use 1 to {limit}")
        return int(text)

    return parse


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="stretchtimer",
        description="A guided back-care workout timer: pick a routine and follow it hands-free.",
        epilog="Run without a command to open the app.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _add_session_options(parser, argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    listing = commands.add_parser("list", help="list routines (or exercises) with their times")
    listing.add_argument("--exercises", action="store_true", help="list exercises instead")
    listing.add_argument("--json", action="store_true", help="print JSON")

    show = commands.add_parser("show", help="show a routine's plan or an exercise's steps")
    show.add_argument("id", help="a routine or exercise id, e.g. desk-break")
    show.add_argument("--steps", action="store_true", help="print every step of the timeline")
    show.add_argument("--json", action="store_true", help="print JSON (with the full timeline)")

    validate = commands.add_parser("validate", help="check exercise and routine files")
    validate.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files or folders")

    commands.add_parser("schema", help="print the JSON Schema of exercise and routine files")

    run = commands.add_parser("run", help="run a routine (in the app, or --plain)")
    run.add_argument("routine", help="a routine id, e.g. desk-break")
    run.add_argument("--plain", action="store_true", help="print each step as a line of text")
    _add_session_options(run, argparse.SUPPRESS)

    history = commands.add_parser("history", help="the sessions you did, newest first")
    history.add_argument(
        "--days",
        type=_positive_int(100_000),
        default=30,
        metavar="N",
        help="sessions of the last N days (default 30)",
    )
    output = history.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print JSON, with every exercise")
    output.add_argument("--csv", action="store_true", help="print CSV, one row per session")

    stats = commands.add_parser("stats", help="weeks against your goal, streak, body areas, pain")
    stats.add_argument(
        "--weeks",
        type=_positive_int(520),
        default=8,
        metavar="N",
        help="how many weeks to show (default 8)",
    )
    stats.add_argument("--json", action="store_true", help="print JSON")

    doctor = commands.add_parser("doctor", help="show what works here: sound, voice, folders")
    doctor.add_argument("--play", action="store_true", help="also play a cue and say a word")
    parser.set_defaults(speed=1.0, mute=False, volume=None, sound=None, voice=None, log=None)
    return parser


def _add_session_options(parser: argparse.ArgumentParser, default: object) -> None:
    """--speed and --mute, accepted before or after `run`."""
    parser.add_argument(
        "--speed",
        type=_positive_speed,
        default=default,
        metavar="N",
        help="run sessions N times faster, for previews and testing (default 1)",
    )
    parser.add_argument("--mute", action="store_true", default=default, help="no sound")
    parser.add_argument(
        "--volume", type=_volume, default=default, metavar="0-100", help="cue and voice volume"
    )
    parser.add_argument(
        "--sound",
        choices=SOUND_BACKENDS,
        default=default,
        metavar="BACKEND",
        help=f"how to play cues: {', '.join(SOUND_BACKENDS)} (default auto: the first that works)",
    )
    parser.add_argument(
        "--voice",
        choices=VOICE_MODES,
        default=default,
        help="spoken announcements (espeak-ng): on, full (form cues too) or off",
    )
    parser.add_argument(
        "--no-log",
        dest="log",
        action="store_const",
        const=False,
        default=default,
        help="do not keep this session in the history",
    )


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    # A bare --voice means "on"; said here so it never swallows the command that follows it.
    argv = ["--voice=on" if arg == "--voice" else arg for arg in argv]
    try:
        args = build_parser().parse_args(argv)
        handler = _COMMANDS.get(args.command or "", _default)
        return handler(args)
    except (UsageError, ConfigError) as error:
        from .text import warn

        warn(str(error))
        return EXIT_USAGE
    except BrokenPipeError:  # e.g. `stretchtimer list | head`
        sys.stderr.close()
        return EXIT_OK
    except KeyboardInterrupt:
        return 130


# --- commands -------------------------------------------------------------------------------


def _default(args: argparse.Namespace) -> int:
    """The app, opening on the routine picker."""
    return _app(args)


def _app(
    args: argparse.Namespace, routine_id: str | None = None, catalog: Catalog | None = None
) -> int:
    # Starting the app builds hundreds of thousands of objects that live as long as it does and
    # frees next to none, so the cyclic collector would only walk them again and again before
    # the first frame. The app turns it back on once that frame is drawn.
    gc.disable()
    from .tui.app import StretchTimerApp

    load = (lambda: catalog) if catalog is not None else None
    StretchTimerApp(
        routine_id=routine_id,
        speed=args.speed,
        mute=args.mute,
        load=load,
        settings=_settings(args),
    ).run()
    return EXIT_OK


def _settings(args: argparse.Namespace) -> Settings:
    """The config file's settings, with what was given on the command line on top."""
    from .config import load_settings

    return load_settings().replace(
        volume=args.volume, sound=args.sound, voice=args.voice, log=args.log
    )


def _load() -> Catalog:
    from .catalog import load_catalog
    from .text import warn

    catalog = load_catalog()
    for problem in catalog.problems:
        warn(f"skipped {problem}")
    return catalog


def _list(args: argparse.Namespace) -> int:
    from .models import equipment_needed
    from .text import clock

    catalog = _load()
    if args.exercises:
        exercises = [catalog.exercise(key) for key in sorted(catalog.exercises)]
        if args.json:
            _print_json([_exercise_json(catalog, e) for e in exercises])
            return EXIT_OK
        _table(
            ["ID", "NAME", "PHASE", "DOSE", "GOOD FOR", "EQUIPMENT"],
            [
                [
                    e.id,
                    e.name,
                    e.phase,
                    e.dose.describe(),
                    ", ".join(e.good_for),
                    "/".join(e.equipment),
                ]
                for e in exercises
            ],
        )
        return EXIT_OK
    routines = [catalog.routine(key) for key in sorted(catalog.routines)]
    if args.json:
        _print_json([_routine_json(catalog, r, with_steps=False) for r in routines])
        return EXIT_OK
    rows = []
    for routine in routines:
        timeline = _timeline(catalog, routine)
        equipment = equipment_needed(list(timeline.exercises))
        rows.append(
            [
                routine.id,
                routine.name,
                clock(timeline.total),
                ", ".join(routine.focus),
                ", ".join(equipment),
            ]
        )
    _table(["ID", "NAME", "TIME", "FOCUS", "EQUIPMENT"], rows)
    return EXIT_OK


def _show(args: argparse.Namespace) -> int:
    catalog = _load()
    if args.id in catalog.routines:
        routine = catalog.routine(args.id)
        if args.json:
            _print_json(_routine_json(catalog, routine, with_steps=True))
        else:
            _print_routine(catalog, routine, args.steps)
    elif args.id in catalog.exercises:
        exercise = catalog.exercise(args.id)
        if args.json:
            _print_json(_exercise_json(catalog, exercise))
        else:
            _print_exercise(catalog, exercise)
    else:
        raise UsageError(f"unknown routine or exercise '{args.id}'{catalog.suggest(args.id)}")
    return EXIT_OK


def _validate(args: argparse.Namespace) -> int:
    from .catalog import validate_paths
    from .text import count

    checked, problems = validate_paths(args.paths)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return EXIT_USAGE
    print(f"{count(checked, 'file')} valid")
    return EXIT_OK


def _schema(args: argparse.Namespace) -> int:
    from .schema import file_schema

    _print_json(file_schema())
    return EXIT_OK


def _run(args: argparse.Namespace) -> int:
    catalog = _load()
    if args.routine not in catalog.routines:
        hint = catalog.suggest(args.routine, catalog.routines)
        raise UsageError(f"unknown routine '{args.routine}'{hint}")
    if not args.plain:
        return _app(args, args.routine, catalog)
    from .plain import run_plain

    timeline = _timeline(catalog, catalog.routine(args.routine))
    return run_plain(timeline, speed=args.speed, settings=_settings(args), mute=args.mute)


def _history(args: argparse.Namespace) -> int:
    from datetime import timedelta

    from .history import read_sessions, utc_now
    from .report import history_csv, history_rows, session_json
    from .text import warn

    sessions = read_sessions(since=utc_now() - timedelta(days=args.days), warn=warn)
    if args.json:
        _print_json([session_json(session) for session in sessions])
    elif args.csv:
        print(history_csv(sessions), end="")
    elif not sessions:
        print(f"No sessions in the last {args.days} days. Start one with `stretchtimer`.")
    else:
        _table(*history_rows(sessions))
    return EXIT_OK


def _stats(args: argparse.Namespace) -> int:
    from .history import read_sessions, utc_now
    from .report import stats_json, stats_lines
    from .stats import compute
    from .text import warn

    goal = _settings(args).weekly_goal
    sessions = read_sessions(warn=warn)
    stats = compute(sessions, utc_now(), goal=goal, weeks=args.weeks)
    if args.json:
        _print_json(stats_json(stats))
    elif not sessions:
        print(f"No sessions yet. Start one with `stretchtimer`; your goal is {goal} a week.")
    else:
        print("\n".join(stats_lines(stats)))
    return EXIT_OK


def _doctor(args: argparse.Namespace) -> int:
    from .doctor import report

    for line in report(_settings(args), play=args.play):
        print(line)
    return EXIT_OK


_COMMANDS = {
    "list": _list,
    "show": _show,
    "validate": _validate,
    "schema": _schema,
    "run": _run,
    "doctor": _doctor,
    "history": _history,
    "stats": _stats,
}


# --- helpers --------------------------------------------------------------------------------


def _timeline(catalog: Catalog, routine: Routine) -> Timeline:
    from .plan import plan

    return plan(routine, catalog.routine_exercises(routine))


def _print_json(data: Any) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


def _table(header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print(
            "  ".join(
                str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)
            ).rstrip()
        )


def _source(catalog: Catalog, item_id: str, routine: bool) -> dict[str, Any]:
    entry = (catalog.routines if routine else catalog.exercises)[item_id]
    replaced = catalog.replaced.get(item_id)
    return {
        "source": str(entry.path),
        "builtin": entry.builtin,
        "replaces_builtin": str(replaced) if replaced else None,
    }


def _exercise_json(catalog: Catalog, exercise: Exercise) -> dict[str, Any]:
    from .models import to_data

    data: dict[str, Any] = to_data(exercise)
    data["dose_text"] = exercise.dose.describe()
    data.update(_source(catalog, exercise.id, routine=False))
    return data


def _routine_json(catalog: Catalog, routine: Routine, with_steps: bool) -> dict[str, Any]:
    from .models import equipment_needed, to_data

    timeline = _timeline(catalog, routine)
    data: dict[str, Any] = {
        "id": routine.id,
        "name": routine.name,
        "purpose": routine.purpose,
        "focus": list(routine.focus),
        "equipment": equipment_needed(list(timeline.exercises)),
        "prepare_seconds": routine.prepare,
        "rest_seconds": routine.rest,
        "total_seconds": timeline.total,
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


def _print_routine(catalog: Catalog, routine: Routine, steps: bool) -> None:
    from .models import equipment_needed
    from .text import clock, step_line

    timeline = _timeline(catalog, routine)
    print(f"{routine.name} ({routine.id}) - {clock(timeline.total)}")
    print(routine.purpose)
    print(f"Focus: {', '.join(routine.focus)}")
    print(f"Equipment: {', '.join(equipment_needed(list(timeline.exercises)))}")
    print(f"Get ready {routine.prepare} s before each exercise, rest {routine.rest} s between.")
    if routine.id in catalog.replaced:
        print(f"Your file {catalog.routines[routine.id].path} replaces the built-in routine.")
    print()
    if steps:
        for step in timeline.steps:
            print(step_line(step, timeline, step.start))
        return
    _table(
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


def _print_exercise(catalog: Catalog, exercise: Exercise) -> None:
    print(f"{exercise.name} ({exercise.id}) - {exercise.phase}")
    print(exercise.summary)
    if exercise.id in catalog.replaced:
        print(f"Your file {catalog.exercises[exercise.id].path} replaces the built-in exercise.")
    print(f"Good for: {', '.join(exercise.good_for)}")
    print(f"Equipment: {' or '.join(exercise.equipment)}")
    print(f"Position: {' or '.join(exercise.position)}")
    print(f"Dose: {exercise.dose.describe()}{_ranges(exercise)}")
    print("\nSteps:")
    for number, text in enumerate(exercise.steps, 1):
        print(f"  {number}. {text}")
    if exercise.cues:
        print("\nForm cues:")
        for text in exercise.cues:
            print(f"  - {text}")
    if exercise.safety:
        print("\nSafety:")
        for text in exercise.safety:
            print(f"  ! {text}")


def _ranges(exercise: Exercise) -> str:
    """' (the source allows 8-12 reps, 2-3 sets)' where the dose is a range."""
    from .models import Amount, field_names

    dose = exercise.dose
    values = [(name, getattr(dose, name)) for name in field_names(type(dose))]
    spans = [
        f"{value.min}-{value.max} {name}"
        for name, value in values
        if isinstance(value, Amount) and value.min != value.max
    ]
    return f" (range: {', '.join(spans)})" if spans else ""
