"""The `stretchtimer` command line: its options, and `main`, which hands each command to
commands.py."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from stretchtimer import __version__
from stretchtimer.cli.commands import COMMANDS, default
from stretchtimer.errors import EXIT_OK, EXIT_USAGE, BadInput, UsageError, warn
from stretchtimer.library.terms import AREAS, EQUIPMENT, LEVELS, PHASES, POSITIONS
from stretchtimer.output import OutputLost, SafeOutput, drop_output
from stretchtimer.paths import WORKRAVE_EXERCISES
from stretchtimer.settings import (
    PREPARE_RANGE,
    REST_RANGE,
    SOUND_BACKENDS,
    VOICE_MODES,
    ConfigError,
)

EXIT_FAILURE = 1
SPEEDS = (0.1, 10_000.0)
"""--speed: from a tenth (slow motion) to 10000 times (a 4-hour session in under 2 s); slower
than this a step hardly moves, faster the timer's own overhead is the session."""
STREAMS = {0: "standard input", 1: "standard output", 2: "standard error"}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def _positive_speed(text: str) -> float:
    low, high = SPEEDS
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not low <= value <= high:  # nan and inf fail this too
        raise argparse.ArgumentTypeError(
            f"invalid speed {text!r}: use a number from {low:g} to {high:g}"
        )
    return value


def _whole(text: str) -> int | None:
    """A whole number written in ASCII digits ('²' and '٣' are digits to str.isdigit)."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 9 else None


def _volume(text: str) -> int:
    value = _whole(text)
    if value is None or not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"invalid volume {text!r}: use a whole number 0 to 100")
    return value


def _seconds(limits: tuple[int, int]) -> Callable[[str], int]:
    low, high = limits

    def parse(text: str) -> int:
        value = _whole(text)
        if value is None or not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"invalid seconds {text!r}: use a whole number {low} to {high}"
            )
        return value

    return parse


REMIND_ANSWERS = ("start", "snooze", "snooze-10", "skip", "pause", "resume")


def _remind_answer(text: str) -> str:
    if text not in REMIND_ANSWERS:
        stop = "; a reminder ends with q on its screen, or a kill (SIGTERM)" if text else ""
        raise argparse.ArgumentTypeError(
            f"no answer {text!r}: use one of {', '.join(REMIND_ANSWERS)}{stop}"
        )
    return text


def _positive_int(limit: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        value = _whole(text)
        if value is None or not 1 <= value <= limit:
            raise argparse.ArgumentTypeError(f"invalid number {text!r}: use 1 to {limit}")
        return value

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
    _add_pacing_options(listing, argparse.SUPPRESS)

    show = commands.add_parser("show", help="show a routine's plan or an exercise's steps")
    show.add_argument("id", help="a routine or exercise id, e.g. desk-break")
    show.add_argument("--steps", action="store_true", help="print every step of the timeline")
    show.add_argument("--json", action="store_true", help="print JSON (with the full timeline)")
    show.add_argument(
        "--voice",
        choices=("on", "full"),
        help="print what the voice says in a routine, and when (full: form cues too)",
    )
    _add_level(show, remembered=True)
    _add_pacing_options(show, argparse.SUPPRESS)

    validate = commands.add_parser("validate", help="check exercise and routine files")
    validate.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files or folders")

    commands.add_parser("schema", help="print the JSON Schema of exercise and routine files")

    run = commands.add_parser("run", help="run a routine (in the app, or --plain)")
    run.add_argument("routine", nargs="?", help="a routine id, e.g. desk-break")
    run.add_argument("--plain", action="store_true", help="print each step as a line of text")
    run.add_argument(
        "--resume",
        action="store_true",
        help="go on with the session (of ROUTINE, where given) cut short in the last two hours,"
        " from the exercise it was in",
    )
    _add_level(run, remembered=True)
    _add_session_options(run, argparse.SUPPRESS)

    history = commands.add_parser(
        "history", help="the sessions you did, newest first (--json and --csv: oldest first)"
    )
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

    remind = commands.add_parser(
        "remind",
        help="offer breaks through the day (work time, working hours, notifications)",
        description="Offer a break after every N minutes at the computer (or at set times),"
        " inside working hours; answer it from the screen or the notification.",
    )
    remind.add_argument(
        "control",
        nargs="?",
        type=_remind_answer,
        metavar="ANSWER",
        help=f"answer the running reminder ({', '.join(REMIND_ANSWERS)}), e.g. from a tmux key,"
        " instead of starting one; snooze is 5 minutes, snooze-10 is 10",
    )
    remind.add_argument(
        "--every",
        type=_positive_int(480),
        metavar="MIN",
        help="minutes of work time between breaks (default: remind_every, 50)",
    )
    remind.add_argument(
        "--at",
        type=_times,
        action=_AddTimes,
        metavar="HH:MM,...",
        help="fixed times for a break, e.g. 12:30,17:00",
    )
    remind.add_argument(
        "--background",
        action="store_true",
        help="no screen: notifications only, quiet on stdout (for a service or a tmux window)",
    )
    remind.add_argument(
        "--start-command",
        metavar="CMD",
        help="how Start opens a session ({routine} is replaced; default: a tmux popup, or here)",
    )
    remind.add_argument(
        "--install",
        action="store_true",
        help="print a systemd user service (launchd agent on macOS) that keeps it running",
    )
    remind.add_argument(
        "--enable", action="store_true", help="with --install: write that file and start it"
    )
    _add_session_options(remind, argparse.SUPPRESS)

    follow = commands.add_parser(
        "follow", help="open the suggested session when another break reminder's break begins"
    )
    follow.add_argument("app", choices=("workrave",), help="the reminder to follow")
    follow.add_argument(
        "--start-command",
        metavar="CMD",
        help="how a session opens ({routine} is replaced; default: a tmux popup, or here)",
    )
    _add_session_options(follow, argparse.SUPPRESS)

    integrate = commands.add_parser("integrate", help="add stretchtimer to another reminder")
    integrate.add_argument("app", choices=("safeeyes",), help="Safe Eyes: a plugin")

    status = commands.add_parser("status", help="one short line for a status bar: next break")
    status.add_argument("--json", action="store_true", help="print JSON")

    _add_build_parser(commands)

    serve = commands.add_parser(
        "serve",
        help="the app in a browser tab (a tablet on the mat): one session per tab",
        description="Serve the app to web browsers: each tab runs its own session, sound"
        " plays on this computer. Needs the web extra (pip install 'stretchtimer[web]').",
    )
    serve.add_argument(
        "--port", type=_port, default=8000, metavar="N", help="the port (default 8000)"
    )
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        metavar="HOST",
        help="the address to listen on (default 127.0.0.1, this computer only; 0.0.0.0:"
        " every network, where anyone who can reach the port can use it: there is no login)",
    )
    serve.add_argument("--open", action="store_true", help="open the page in your browser")
    _add_session_options(serve, argparse.SUPPRESS)

    doctor = commands.add_parser("doctor", help="show what works here: sound, voice, folders")
    doctor.add_argument("--play", action="store_true", help="also play a cue and say a word")
    _add_import(commands)
    parser.set_defaults(
        speed=1.0,
        mute=False,
        volume=None,
        sound=None,
        voice=None,
        log=None,
        log_file=None,
        transcript=None,
        prepare=None,
        rest=None,
    )
    return parser


def _add_build_parser(commands: Any) -> None:
    from stretchtimer.library.terms import AREAS, EQUIPMENT, LEVELS, POSITIONS

    build = commands.add_parser(
        "build",
        help="build a routine of your own for the minutes you have",
        description="Build a routine that fits your minutes, body areas, equipment and"
        " position, and write it to your exercises folder. It keeps the article's order"
        " (warm-up, strengthening, stretches) and favours the areas you worked least lately.",
    )
    build.add_argument(
        "--minutes", type=_positive_int(240), required=True, metavar="N", help="how long (1-240)"
    )
    _add_several(
        build,
        "--focus",
        (*AREAS, "all"),
        "AREA",
        f"body areas to cover: {', '.join(AREAS)} or all (default: all that fit)",
    )
    _add_several(
        build,
        "--equipment",
        EQUIPMENT,
        "E",
        f"what you have: {', '.join(EQUIPMENT)} (default: all of it)",
    )
    build.add_argument("--position", choices=POSITIONS, help="do every exercise in this position")
    build.add_argument(
        "--level", choices=LEVELS, help="every dose at its least, usual or most (default: fit)"
    )
    build.add_argument("--name", help="the routine's name (its id is made from it)")
    build.add_argument("--shuffle", action="store_true", help="another routine for the same ask")
    build.add_argument("--dry-run", action="store_true", help="show the routine without writing it")


def _add_several(
    parser: argparse.ArgumentParser,
    flag: str,
    choices: Sequence[str],
    metavar: str,
    help: str,
) -> None:
    """An option of one or more values that adds up when given again: `--focus neck --focus
    lower-back` is `--focus neck lower-back`. (argparse's plain nargs="+" keeps only the last
    one given, and "append" takes one value each time: either drops what a person said.)"""
    parser.add_argument(
        flag, nargs="+", action="extend", choices=choices, metavar=metavar, help=help
    )


class _AddTimes(argparse.Action):
    """`--at` given again adds its times to the earlier ones (sorted, each once, as one `--at`
    gives them), where argparse would keep only the last."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        earlier = getattr(namespace, self.dest) or ()
        setattr(namespace, self.dest, tuple(sorted({*earlier, *values})))


def _add_level(parser: argparse.ArgumentParser, remembered: bool = False) -> None:
    """`remembered`: without --level, the level last chosen for the routine in the app."""
    default = "the level last chosen for it in the app, or standard" if remembered else "standard"
    parser.add_argument(
        "--level",
        choices=LEVELS,
        default=None if remembered else "standard",
        help="each dose at the least (easy), the usual (standard) or the most (full) of its"
        f" range; default {default}",
    )


def _port(text: str) -> int:
    value = _whole(text)
    if value is None or not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"invalid port {text!r}: use a whole number 1 to 65535")
    return value


def _add_import(commands: Any) -> None:
    """`import workrave [FILE]` and its options (cli/workrave.py imports)."""
    importing = commands.add_parser("import", help="bring in exercises from another program")
    sources = importing.add_subparsers(dest="source", metavar="SOURCE", required=True)
    workrave = sources.add_parser(
        "workrave",
        help="Workrave's exercises (its exercises.xml) as exercise files",
        description="Write one exercise file per Workrave body exercise into your exercises "
        "folder, and a routine 'workrave' with all of them. Eye exercises are left out.",
    )
    workrave.add_argument(
        "file",
        nargs="?",
        type=Path,
        default=WORKRAVE_EXERCISES,
        metavar="FILE",
        help=f"Workrave's exercises.xml (default {WORKRAVE_EXERCISES}, from workrave-data)",
    )
    workrave.add_argument(
        "--lang", default="en", help="the language of titles and steps, e.g. de (default en)"
    )
    # One value each, repeated for more (`--area neck --area shoulders`): with several values
    # after one option, the FILE given after it would be taken for one of them.
    workrave.add_argument(
        "--area",
        action="append",
        choices=AREAS,
        help="body area of every exercise (repeat for more; default: a guess from each title)",
    )
    workrave.add_argument(
        "--position",
        action="append",
        choices=POSITIONS,
        help="position of every exercise (repeat for more; default seated)",
    )
    workrave.add_argument(
        "--equipment",
        action="append",
        choices=EQUIPMENT,
        help="what every exercise needs (repeat for alternatives; default none)",
    )
    workrave.add_argument(
        "--phase", choices=PHASES, default="stretch", help="their phase (default stretch)"
    )
    workrave.add_argument(
        "--force", action="store_true", help="replace files an earlier import wrote"
    )


def _times(text: str) -> tuple[int, ...]:
    from stretchtimer.workhours import ScheduleError, parse_times

    try:
        return parse_times(text)
    except ScheduleError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


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
    _add_pacing_options(parser, default)
    parser.add_argument(
        "--transcript",
        type=Path,
        default=default,
        metavar="FILE",
        help="with --voice: write each phrase to FILE as it is said",
    )
    parser.add_argument(
        "--no-log",
        dest="log",
        action="store_const",
        const=False,
        default=default,
        help="do not keep this session in the history",
    )
    parser.add_argument(
        "--log",
        dest="log_file",
        type=Path,
        default=default,
        metavar="FILE",
        help="write what the program does (for a bug report) to FILE",
    )


def _add_pacing_options(parser: argparse.ArgumentParser, default: object) -> None:
    """--prepare and --rest: for a session, and for the times `list` and `show` give."""
    parser.add_argument(
        "--prepare",
        type=_seconds(PREPARE_RANGE),
        default=default,
        metavar="N",
        help="seconds to get ready before each exercise (default: the routine's)",
    )
    parser.add_argument(
        "--rest",
        type=_seconds(REST_RANGE),
        default=default,
        metavar="N",
        help="seconds of rest between exercises (default: the routine's)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    argv = _voice_words(sys.argv[1:] if argv is None else list(argv))
    closed = _reopen_closed_streams()
    stdout = sys.stdout
    sys.stdout = SafeOutput(stdout)
    try:
        try:
            args = build_parser().parse_args(argv)
        except SystemExit as done:
            if done.code == 0:  # --help or --version: printed, if there is an output
                _check_streams(closed, needed={1})
            raise
        _check_streams(closed, _needed_streams(args))
        if args.log_file is not None:
            log_to(args.log_file)
        handler = COMMANDS.get(args.command or "", default)
        code = handler(args)
        sys.stdout.flush()
        return code
    except (BadInput, ConfigError) as error:
        warn(str(error))
        return EXIT_USAGE
    except OutputLost as error:  # `list | head`, `list > /dev/full`, a closed terminal
        drop_output()
        if error.closed_pipe:  # its reader has all it wanted
            return EXIT_OK
        warn(str(error))
        return EXIT_FAILURE
    except KeyboardInterrupt:
        return 130
    finally:
        sys.stdout = stdout


def _reopen_closed_streams() -> set[int]:
    """Put /dev/null on a closed standard stream (`<&-`, `>&-`), so that no file opened later
    (the history, a sound device) takes its number and gets what is written there; the
    closed ones, for `_check_streams`."""
    closed = set()
    for fd in STREAMS:
        try:
            os.fstat(fd)
        except OSError:
            closed.add(fd)
            null = os.open(os.devnull, os.O_RDWR)  # the lowest free number: this one
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
    # Python found these closed and set sys.stdin (or stdout, stderr) to None: now they exist.
    for fd in closed:
        stream = open(fd, "r" if fd == 0 else "w", encoding="utf-8", closefd=False)  # noqa: SIM115
        setattr(sys, ("stdin", "stdout", "stderr")[fd], stream)
    return closed


def _needed_streams(args: argparse.Namespace) -> set[int]:
    """A command that prints needs its output; a session in plain mode, its input too."""
    app = args.command in (None, "remind") or (args.command == "run" and not args.plain)
    return set() if app else {1} | ({0} if args.command == "run" else set())


def _check_streams(closed: set[int], needed: set[int]) -> None:
    missing = sorted(closed & needed)
    if missing:
        raise UsageError(f"{STREAMS[missing[0]]} is closed: give it a file, a pipe or /dev/null")


def _voice_words(argv: list[str]) -> list[str]:
    """`--voice MODE` as `--voice=MODE`, and a bare `--voice` as `--voice=on`.

    Said here, not with argparse's optional value (nargs="?"), so that a bare `--voice` never
    takes the command or routine that follows it as its mode.
    """
    words: list[str] = []
    rest = iter(argv)
    for word in rest:
        if word == "--":
            words += [word, *rest]
        elif word != "--voice":
            words.append(word)
        else:
            mode = next(rest, None)
            if mode in VOICE_MODES:
                words.append(f"--voice={mode}")
            else:
                words += ["--voice=on", *([] if mode is None else [mode])]
    return words


class _LogFile(logging.FileHandler):
    """A log file that, once a write fails (a full disk), says so in one line and stops:
    logging's own handler prints a traceback for every record."""

    def handleError(self, record: logging.LogRecord) -> None:
        error = sys.exc_info()[1]
        if not isinstance(error, OSError):  # a record that cannot be formatted: logging's way
            super().handleError(record)
            return
        warn(
            f"{self.baseFilename}: cannot write the log ({error.strerror or error}); logging stops"
        )
        logging.getLogger("stretchtimer").removeHandler(self)
        with contextlib.suppress(Exception):
            self.close()


def log_to(path: Path) -> None:
    """Send everything the modules log, debug and up, to a file (the app also shows it in
    `textual console`)."""
    try:
        handler = _LogFile(path, encoding="utf-8")
    except OSError as error:
        raise UsageError(f"{path}: cannot write the log: {error.strerror or error}") from None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger("stretchtimer")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
