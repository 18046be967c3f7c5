"""What each `stretchtimer` command does.

Each command imports the modules it needs when it runs, so one never pays for another's:
imported up front, every command's modules would add about 140 ms to each command (the app's
start included), and Textual another 120 ms to each that is not the app (`python -X
importtime`, median of 7).
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from stretchtimer.cli.terminal import cannot_draw, drawn_elsewhere
from stretchtimer.errors import EXIT_OK, EXIT_USAGE, UsageError, warn
from stretchtimer.settings import Settings, load_settings

if TYPE_CHECKING:
    from stretchtimer.history.resume import Unfinished
    from stretchtimer.library.catalog import Catalog
    from stretchtimer.library.terms import Level
    from stretchtimer.session.plan import Timeline


def default(args: argparse.Namespace) -> int:
    """The app, opening on the routine picker; where the terminal cannot draw it, the list of
    routines and how to run one as text."""
    why = cannot_draw()
    if why is not None:
        from stretchtimer.cli import views

        how = "`stretchtimer run ROUTINE` runs one as text"
        warn(f"this terminal ({why}) cannot draw the app; {how}")
        with _until_exit():
            views.table(*views.routine_table(_load(), settings_of(args)))
        return EXIT_OK
    return _app(args)


def _app(
    args: argparse.Namespace,
    routine_id: str | None = None,
    catalog: Catalog | None = None,
    level: Level = "standard",
    resuming: Unfinished | None = None,
    speed: float | None = None,
) -> int:
    # Textual reads keys from stdin and draws on stderr, unless a browser tab is the terminal.
    if not (drawn_elsewhere() or (os.isatty(0) and os.isatty(2))):
        raise UsageError("no terminal: use --plain (stretchtimer run ROUTINE --plain)")
    # Starting the app builds hundreds of thousands of objects that live as long as it does and
    # frees next to none, so the cyclic collector would only walk them again and again before
    # the first frame. The app turns it back on once that frame is drawn.
    gc.disable()
    from stretchtimer.tui.app import StretchTimerApp

    load = (lambda: catalog) if catalog is not None else None
    app = StretchTimerApp(
        routine_id=routine_id,
        level=level,
        resuming=resuming,
        speed=args.speed if speed is None else speed,
        mute=args.mute,
        load=load,
        settings=settings_of(args),
        transcript=args.transcript,
    )
    app.run()
    return app.return_code or EXIT_OK  # 1 when the app ended on an error (Textual's code)


def chosen_level(args: argparse.Namespace, routine_id: str) -> Level:
    """`--level`, or else the level last chosen for the routine in the app."""
    from stretchtimer.memory import read_memory

    level: Level = args.level or read_memory().level_of(routine_id)
    return level


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


@contextlib.contextmanager
def _until_exit() -> Iterator[None]:
    """Run a command that prints and exits (`list`, `show`, `validate`) with the cyclic
    collector paused, then freeze what it built, as the app's start does (tui/app.py).

    A cold load (after any edit: every file read again) builds objects that live until the
    exit: the collector would walk them after the load and once more at the exit (some 40 ms
    of a cold `list` with 1,000 user files, 75 ms with 5,000).
    """
    from stretchtimer.library.loader import collector_paused

    with collector_paused():
        try:
            yield
        finally:
            gc.freeze()


def list_command(args: argparse.Namespace) -> int:
    from stretchtimer.cli import views

    with _until_exit():
        catalog = _load()
        settings = settings_of(args)
        if args.json and args.exercises:
            views.print_json(views.exercises_json(catalog))
        elif args.json:
            views.print_json(views.routines_json(catalog, settings))
        elif args.exercises:
            views.table(*views.exercise_table(catalog))
        else:
            views.table(*views.routine_table(catalog, settings))
        return EXIT_OK


def show_command(args: argparse.Namespace) -> int:
    from stretchtimer.cli import views

    with _until_exit():
        catalog = _load()
        if args.id in catalog.routines:
            routine = catalog.routine(args.id)
            settings = settings_of(args)
            level = chosen_level(args, args.id)  # as `run` would run it
            if args.voice in ("on", "full"):
                views.print_script(catalog, routine, settings, args.voice == "full", level)
            elif args.json:
                views.print_json(views.routine_json(catalog, routine, settings, True, level))
            else:
                views.print_routine(catalog, routine, settings, args.steps, level)
        elif args.id in catalog.exercises:
            from stretchtimer.library.models import at_level

            if args.voice is not None:
                raise UsageError(f"--voice shows what a routine says; '{args.id}' is an exercise")
            exercise = at_level(catalog.exercise(args.id), args.level or "standard")
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

    with _until_exit():
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
    if args.routine is None and not args.resume:
        raise UsageError("run needs a ROUTINE (e.g. desk-break), or --resume")
    if args.routine is not None and args.routine not in catalog.routines:
        hint = catalog.suggest(args.routine, catalog.routines)
        raise UsageError(f"unknown routine '{args.routine}'{hint}")
    from stretchtimer.history.progress import session_level

    resuming = _unfinished(args.routine, catalog) if args.resume else None
    routine_id = resuming.record.routine_id if resuming is not None else args.routine
    if resuming is not None:
        level = session_level(resuming.record)
    else:
        level = chosen_level(args, routine_id)
    speed = resuming.record.speed if resuming is not None and args.speed == 1 else args.speed
    why = cannot_draw()
    if why is not None and not args.plain:
        warn(f"this terminal ({why}) cannot draw the app: running the session as text")
    elif not args.plain:
        return _app(args, routine_id, catalog, level, resuming, speed)
    from stretchtimer.plain import run_plain

    settings = settings_of(args)
    return run_plain(
        planned(catalog, routine_id, settings, level),
        speed=speed,
        settings=settings,
        mute=args.mute,
        catalog=catalog,
        transcript=args.transcript,
        resuming=resuming,
    )


def build_command(args: argparse.Namespace) -> int:
    """Build a routine for the ask, write it to the person's folder, say where and what."""
    import random

    from stretchtimer.cli import views
    from stretchtimer.library.terms import AREAS, EQUIPMENT
    from stretchtimer.library.writer import (
        routine_path,
        routine_text,
        why_not_free,
        write_whole,
    )
    from stretchtimer.paths import user_exercises_dir
    from stretchtimer.session.builder import Ask, CannotBuild, build, build_another

    named = args.focus or []  # `--focus neck --focus neck` names the neck once
    focus = tuple(AREAS) if "all" in named else tuple(dict.fromkeys(named))
    settings = load_settings()
    ask = Ask(
        minutes=args.minutes,
        focus=focus,
        equipment=frozenset(args.equipment or EQUIPMENT),
        position=args.position,
        level=args.level,
        name=args.name,
        prepare=settings.prepare,
        rest=settings.rest,
    )
    catalog = _load()
    exercises = [catalog.exercise(exercise_id) for exercise_id in catalog.exercises]
    worked = _worked_lately()
    try:
        if args.shuffle:
            built = build_another(ask, exercises, worked, random.randrange(2**32))
        else:
            built = build(ask, exercises, worked)
    except CannotBuild as error:
        fits = f": --focus {' '.join(error.fits)}" if error.fits else ""
        raise UsageError(f"{error}{fits}") from None
    path = routine_path(user_exercises_dir(), built.routine.id)
    if not args.dry_run:
        why = why_not_free(catalog, built.routine.id, path)
        if why is not None:
            raise UsageError(why)
        replaced = path.exists()
        write_whole(routine_text(built.routine, built.ask.command()), path)
        print(f"{'Replaced' if replaced else 'Wrote'} {path}")
    views.print_built(built, args.minutes)
    if not args.dry_run:
        print(f"Run it: stretchtimer run {built.routine.id}")
    return EXIT_OK


def _worked_lately() -> dict[str, float]:
    """Minutes per body area over the last 4 weeks; nothing before the first session."""
    from stretchtimer.history.records import utc_now
    from stretchtimer.history.store import read_stats

    settings = load_settings()
    _, stats = read_stats(
        utc_now(), settings.weekly_goal, warn=warn, break_proof=settings.break_proof
    )
    return dict(stats.areas) if stats.logged else {}


def planned(
    catalog: Catalog, routine_id: str, settings: Settings, level: Level = "standard"
) -> Timeline:
    """The timeline of a routine at `level`, with the get-ready and rest times of the
    settings."""
    from stretchtimer.session.plan import session_timeline

    routine = catalog.routine(routine_id)
    return session_timeline(routine, catalog.routine_exercises(routine), settings, level)


def _unfinished(routine_id: str | None, catalog: Catalog) -> Unfinished:
    """`run --resume`: the session cut short to go on with, or a UsageError saying why none."""
    from stretchtimer.history.progress import session_level
    from stretchtimer.history.records import utc_now
    from stretchtimer.history.resume import (
        RESUME_WITHIN,
        latest_unfinished,
        stopped_at_the_start,
    )
    from stretchtimer.history.store import read_unfinished

    now = utc_now()
    records = read_unfinished(now - RESUME_WITHIN, warn=warn)
    unfinished = latest_unfinished(records, now, routine_id)
    hours = RESUME_WITHIN.total_seconds() / 3600
    of = f" of '{routine_id}'" if routine_id else ""
    if unfinished is None:
        early = stopped_at_the_start(records, now, routine_id)
        if early is not None:
            record = early.record
            raise UsageError(
                f"no session{of} to resume: {record.routine_name} stopped in its first exercise"
                f" ({early.ago(now)}), so there is nothing to go on from; start it again:"
                f" stretchtimer run {record.routine_id}"
            )
        raise UsageError(
            f"no session{of} to resume: none was cut short in the last {hours:g} hours"
        )
    routine = unfinished.record.routine_id
    if routine not in catalog.routines or not unfinished.fits(
        planned(catalog, routine, Settings(), session_level(unfinished.record))
    ):
        raise UsageError(
            f"cannot resume {unfinished.record.routine_name}: its routine has changed since"
        )
    return unfinished


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
        print(history_csv(sessions), end="")
    elif not sessions:
        print(f"No sessions in the last {args.days} days. Start one with `stretchtimer`.")
    else:
        views.table(*history_rows(sessions))
    return EXIT_OK


def stats_command(args: argparse.Namespace) -> int:
    from datetime import timedelta

    from stretchtimer.cli.views import print_json
    from stretchtimer.history.breaks import (
        break_lines,
        break_weeks,
        break_weeks_json,
        read_breaks,
    )
    from stretchtimer.history.records import utc_now
    from stretchtimer.history.report import stats_json, stats_lines
    from stretchtimer.history.store import read_stats

    settings = settings_of(args)
    goal = settings.weekly_goal
    now = utc_now()
    # the same file as the stats: what is wrong with it is said once, by their read
    breaks = read_breaks(since=now - timedelta(weeks=args.weeks + 1))
    _, stats = read_stats(now, goal, args.weeks, warn=warn, break_proof=settings.break_proof)
    weeks = break_weeks(breaks, stats.today, args.weeks)
    if args.json:
        print_json({**stats_json(stats), "breaks": break_weeks_json(weeks)})
    elif not stats.logged and not breaks:
        print(f"No sessions yet. Start one with `stretchtimer`; your goal is {goal} a week.")
    else:
        lines = stats_lines(stats)
        if any(week.offered for week in weeks):
            lines += ["", *break_lines(weeks)]
        print("\n".join(lines))
    return EXIT_OK


def remind_command(args: argparse.Namespace) -> int:
    if args.background and "ssl" not in sys.modules:
        # The reminder never speaks TLS; asyncio imports ssl only to offer it (and runs
        # without it), and its libraries would be 6 of the 30 MiB a background reminder may use.
        sys.modules["ssl"] = None  # type: ignore[assignment]
    from stretchtimer.remind.main import Options, claim, run_background

    if args.control:
        from stretchtimer.remind.control import send

        return send(args.control)
    if args.enable and not args.install:
        raise UsageError("--enable goes with --install")
    if args.install:
        from stretchtimer.remind.install import install

        wanted: list[str] = []
        if args.every is not None:
            wanted += ["--every", str(args.every)]
        if args.at:
            wanted += ["--at", ",".join(f"{m // 60:02}:{m % 60:02}" for m in args.at)]
        if args.start_command:
            wanted += ["--start-command", args.start_command]
        return install(wanted, args.enable)
    settings = settings_of(args)
    passed: list[str] = ["--mute"] if args.mute else []
    for flag, value in (
        ("--volume", args.volume),
        ("--sound", args.sound),
        ("--voice", args.voice),
    ):
        if value is not None:
            passed += [flag, str(value)]
    if args.log is False:
        passed.append("--no-log")
    options = Options(
        every=args.every,
        at=args.at,
        start_command=args.start_command,
        speed=args.speed,
        session_options=tuple(passed),
    )
    if not args.background and not (os.isatty(0) and os.isatty(2)):
        raise UsageError("no terminal: use --background (stretchtimer remind --background)")
    claim()  # held until the process ends
    if args.background:
        return run_background(settings, options)
    from stretchtimer.tui.remind_app import run_screen

    return run_screen(settings, options)


def follow_command(args: argparse.Namespace) -> int:
    import asyncio

    from stretchtimer.remind.follow import follow_workrave
    from stretchtimer.remind.main import Suggester
    from stretchtimer.remind.runner import Launcher

    settings = settings_of(args)

    async def run_here(argv: list[str]) -> int:
        process = await asyncio.create_subprocess_exec(*argv)
        return await process.wait()

    here = run_here if os.isatty(0) and os.isatty(2) else None
    extra = ("--mute",) if args.mute else ()
    launcher = Launcher(args.start_command, here, args.speed, extra=extra)
    if launcher.how == "none":
        raise UsageError("no terminal here for a session: use --start-command or tmux")
    suggester = Suggester(settings)
    return asyncio.run(follow_workrave(launcher, suggester, lambda text: print(text, flush=True)))


def integrate_command(args: argparse.Namespace) -> int:
    from stretchtimer.remind.follow import integrate_safeeyes

    return integrate_safeeyes()


def status_command(args: argparse.Namespace) -> int:
    from stretchtimer.remind.status import read_status, status_line

    status = read_status()
    if args.json:
        from stretchtimer.cli.views import print_json

        print_json({**status, "text": status_line(status)})
    else:
        print(status_line(status))
    return EXIT_OK


def doctor_command(args: argparse.Namespace) -> int:
    from stretchtimer.cli.doctor import report

    for line in report(settings_of(args), play=args.play):
        print(line)
    return EXIT_OK


WEB_EXTRA = ("textual_serve", "aiohttp", "aiohttp_jinja2", "jinja2")
"""What `pip install 'stretchtimer[web]'` brings: the modules serve cannot do without."""


def serve_command(args: argparse.Namespace) -> int:
    """The app in browser tabs; each tab's process gets this command's session options."""
    try:
        from stretchtimer.web.server import (
            WILDCARDS,
            AppServer,
            app_command,
            is_local,
            open_in_browser,
        )
    except ModuleNotFoundError as error:
        if (error.name or "").partition(".")[0] not in WEB_EXTRA:
            raise
        how = "pip install 'stretchtimer[web]' (in a checkout: pip install '.[web]')"
        raise UsageError(f"serve needs the web extra, {error.name} is missing: {how}") from None
    settings_of(args)  # a mistake in the settings stops here, not in every tab
    listening = False

    def serving(url: str) -> None:
        nonlocal listening
        listening = True
        if not is_local(args.host):
            where = f"{args.host}:{args.port}"
            if args.host in WILDCARDS:
                where = f"port {args.port} of this computer from any network"
            warn(f"anyone who can reach {where} can use the app and your history: it has no login")
        print(f"Serving stretchtimer at {url} (one session per tab; Ctrl+C stops)", flush=True)
        if args.open:
            open_in_browser(url)

    command = app_command([sys.executable, "-m", "stretchtimer", *session_words(args)])
    try:
        AppServer(command, args.host, args.port, serving).serve()
    except OSError as error:
        if listening:
            raise
        # The port is taken, the address is not this computer's; aiohttp words a failed
        # bind at length around the system's own words.
        why = os.strerror(error.errno) if error.errno and error.errno > 0 else error.strerror
        raise UsageError(f"cannot listen on {args.host}:{args.port}: {why or error}") from None
    return EXIT_OK


def session_words(args: argparse.Namespace) -> list[str]:
    """The session options given, as words for another stretchtimer command line."""
    words = [] if args.speed == 1.0 else [f"--speed={args.speed!r}"]
    words += ["--mute"] if args.mute else []
    words += ["--no-log"] if args.log is False else []
    for option, value in (
        ("--volume", args.volume),
        ("--sound", args.sound),
        ("--voice", args.voice),
        ("--prepare", args.prepare),
        ("--rest", args.rest),
        ("--transcript", args.transcript and args.transcript.resolve()),
        ("--log", args.log_file and args.log_file.resolve()),
    ):
        if value is not None:
            words.append(f"{option}={value}")
    return words


def import_command(args: argparse.Namespace) -> int:
    from stretchtimer.cli.workrave import import_workrave

    return import_workrave(args)


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "list": list_command,
    "show": show_command,
    "validate": validate_command,
    "schema": schema_command,
    "run": run_command,
    "build": build_command,
    "doctor": doctor_command,
    "serve": serve_command,
    "history": history_command,
    "stats": stats_command,
    "import": import_command,
    "remind": remind_command,
    "status": status_command,
    "follow": follow_command,
    "integrate": integrate_command,
}
