"""What each `stretchtimer` command does.

Each command imports the modules it needs when it runs, so one never pays for another's: the
app's start above all, which would otherwise load the catalog, the plan, SQLite and the
views before its first frame (about 60 ms of imports, `python -X importtime`).
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from stretchtimer.errors import EXIT_OK, EXIT_USAGE, UsageError, warn
from stretchtimer.settings import Settings, load_settings

if TYPE_CHECKING:
    from stretchtimer.library.catalog import Catalog


def default(args: argparse.Namespace) -> int:
    """The app, opening on the routine picker."""
    return _app(args)


def _app(
    args: argparse.Namespace, routine_id: str | None = None, catalog: Catalog | None = None
) -> int:
    if not (os.isatty(0) and os.isatty(2)):  # Textual reads keys from stdin, draws on stderr
        raise UsageError("no terminal: use --plain (stretchtimer run ROUTINE --plain)")
    # Starting the app builds hundreds of thousands of objects that live as long as it does and
    # frees next to none, so the cyclic collector would only walk them again and again before
    # the first frame. The app turns it back on once that frame is drawn.
    gc.disable()
    from stretchtimer.tui.app import StretchTimerApp

    load = (lambda: catalog) if catalog is not None else None
    app = StretchTimerApp(
        routine_id=routine_id,
        speed=args.speed,
        mute=args.mute,
        load=load,
        settings=settings_of(args),
        transcript=args.transcript,
    )
    app.run()
    return app.return_code or EXIT_OK  # 1 when the app ended on an error (Textual's code)


def settings_of(args: argparse.Namespace) -> Settings:
    """The config file's settings, with what was given on the command line on top."""
    return load_settings().replace(
        volume=args.volume,
        sound=args.sound,
        voice=args.voice,
        log=args.log,
        prepare=args.prepare,
        rest=args.rest,
    )


def _load() -> Catalog:
    from stretchtimer.library.loader import load_catalog

    catalog = load_catalog()
    for problem in catalog.problems:
        warn(problem.notice())
    return catalog


def list_command(args: argparse.Namespace) -> int:
    from stretchtimer.cli import views

    catalog = _load()
    if args.json:
        views.print_json(
            views.exercises_json(catalog) if args.exercises else views.routines_json(catalog)
        )
    else:
        views.table(
            *(views.exercise_table(catalog) if args.exercises else views.routine_table(catalog))
        )
    return EXIT_OK


def show_command(args: argparse.Namespace) -> int:
    from stretchtimer.cli import views

    catalog = _load()
    if args.id in catalog.routines:
        routine = catalog.routine(args.id)
        if args.voice in ("on", "full"):
            count_every = load_settings().voice_count
            views.print_script(catalog, routine, args.voice == "full", count_every)
        elif args.json:
            views.print_json(views.routine_json(catalog, routine, with_steps=True))
        else:
            views.print_routine(catalog, routine, args.steps)
    elif args.id in catalog.exercises:
        if args.voice is not None:
            raise UsageError(f"--voice shows what a routine says; '{args.id}' is an exercise")
        exercise = catalog.exercise(args.id)
        if args.json:
            views.print_json(views.exercise_json(catalog, exercise))
        else:
            views.print_exercise(catalog, exercise)
    else:
        raise UsageError(f"unknown routine or exercise '{args.id}'{catalog.suggest(args.id)}")
    return EXIT_OK


def validate_command(args: argparse.Namespace) -> int:
    from stretchtimer.format import count
    from stretchtimer.library.loader import validate_paths

    checked, problems = validate_paths(args.paths)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return EXIT_USAGE
    print(f"{count(checked, 'file')} valid")
    return EXIT_OK


def schema_command(args: argparse.Namespace) -> int:
    from stretchtimer.cli.views import print_json
    from stretchtimer.library.schema import file_schema

    print_json(file_schema())
    return EXIT_OK


def run_command(args: argparse.Namespace) -> int:
    catalog = _load()
    if args.routine not in catalog.routines:
        hint = catalog.suggest(args.routine, catalog.routines)
        raise UsageError(f"unknown routine '{args.routine}'{hint}")
    if not args.plain:
        return _app(args, args.routine, catalog)
    from stretchtimer.plain import run_plain
    from stretchtimer.session.plan import paced, plan

    settings = settings_of(args)
    routine = catalog.routine(args.routine)
    exercises = catalog.routine_exercises(routine)
    timeline = plan(paced(routine, exercises, settings.prepare, settings.rest), exercises)
    return run_plain(
        timeline,
        speed=args.speed,
        settings=settings,
        mute=args.mute,
        transcript=args.transcript,
    )


def history_command(args: argparse.Namespace) -> int:
    from datetime import timedelta

    from stretchtimer.cli import views
    from stretchtimer.history.records import utc_now
    from stretchtimer.history.report import history_csv, history_rows, session_json
    from stretchtimer.history.store import read_sessions

    sessions = read_sessions(since=utc_now() - timedelta(days=args.days), warn=warn)
    if args.json:
        views.print_json([session_json(session) for session in sessions])
    elif args.csv:
        print(views.spreadsheet_safe(history_csv(sessions)), end="")
    elif not sessions:
        print(f"No sessions in the last {args.days} days. Start one with `stretchtimer`.")
    else:
        views.table(*history_rows(sessions))
    return EXIT_OK


def stats_command(args: argparse.Namespace) -> int:
    from stretchtimer.cli.views import print_json
    from stretchtimer.history.records import utc_now
    from stretchtimer.history.report import stats_json, stats_lines
    from stretchtimer.history.stats import compute
    from stretchtimer.history.store import read_sessions

    goal = settings_of(args).weekly_goal
    sessions = read_sessions(warn=warn)
    stats = compute(sessions, utc_now(), goal=goal, weeks=args.weeks)
    if args.json:
        print_json(stats_json(stats))
    elif not sessions:
        print(f"No sessions yet. Start one with `stretchtimer`; your goal is {goal} a week.")
    else:
        print("\n".join(stats_lines(stats)))
    return EXIT_OK


def doctor_command(args: argparse.Namespace) -> int:
    from stretchtimer.cli.doctor import report

    for line in report(settings_of(args), play=args.play):
        print(line)
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "list": list_command,
    "show": show_command,
    "validate": validate_command,
    "schema": schema_command,
    "run": run_command,
    "doctor": doctor_command,
    "history": history_command,
    "stats": stats_command,
}
