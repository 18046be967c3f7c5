"""`stretchtimer build`, run as a subprocess: the file it writes validates and runs, an ask
that cannot be met is one line and exit 2, and nothing of the person's is overwritten."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from programs import stretchtimer


def exercise_ids(path: Path) -> list[str]:
    items = [line for line in path.read_text().splitlines() if line.startswith("- ")]
    return [line.removeprefix("- exercise: ").removeprefix("- ") for line in items]


def test_a_built_routine_is_written_validates_and_runs(user_config: Path) -> None:
    built = stretchtimer("build", "--minutes", "4", "--position", "seated", "--focus", "neck")
    assert built.returncode == 0, built.stderr
    path = user_config / "exercises" / "neck-seated-4-min.yaml"
    assert built.stdout.splitlines()[0] == f"Wrote {path}"
    assert "Neck, seated, 4 min (neck-seated-4-min): 4:10 (asked for 4 min)" in built.stdout
    assert built.stdout.splitlines()[-1] == "Run it: stretchtimer run neck-seated-4-min"
    assert stretchtimer("validate", str(path)).returncode == 0

    shown = stretchtimer("show", "neck-seated-4-min", "--json")
    assert shown.returncode == 0, shown.stderr
    total = json.loads(shown.stdout)["total_seconds"]
    assert abs(total - 240) <= 24

    session = stretchtimer(
        "run", "neck-seated-4-min", "--plain", "--speed", "1000", "--mute", "--no-log"
    )
    assert session.returncode == 0, session.stderr
    assert "Finished: " in session.stdout and "0 skipped" in session.stdout


def test_an_ask_that_cannot_be_met_is_one_line_and_exit_2(user_config: Path) -> None:
    result = stretchtimer("build", "--minutes", "2", "--focus", "all")
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("stretchtimer: 2 min cannot cover the neck, shoulders, chest")
    assert "2 min fits the " in lines[0] and "--focus " in lines[0]
    follow = lines[0].rsplit("--focus ", 1)[1].split()
    assert stretchtimer("build", "--minutes", "2", "--focus", *follow).returncode == 0
    assert len(list((user_config / "exercises").iterdir())) == 1


def test_one_minute_with_no_area_named_builds_what_fits_and_says_what_it_left_out(
    user_config: Path,
) -> None:
    result = stretchtimer("build", "--minutes", "1")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    covers, left_out = result.stdout.splitlines()[2:4]
    assert covers.startswith("Covers: ")
    assert left_out.startswith("Leaves out the ") and left_out.endswith(
        ": 1 min is too short for every area."
    )
    (path,) = (user_config / "exercises").iterdir()
    assert path.read_text().splitlines()[0].endswith("stretchtimer build --minutes 1")
    assert stretchtimer("validate", str(path)).returncode == 0


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--minutes", "0"], "invalid number '0'"),
        (["--minutes", "ten"], "invalid number 'ten'"),
        ([], "the following arguments are required: --minutes"),
        (["--minutes", "10", "--focus", "elbows"], "invalid choice: 'elbows'"),
        (["--minutes", "10", "--equipment", "kettlebell"], "invalid choice: 'kettlebell'"),
        (["--minutes", "10", "--name", "Desk Break"], "'desk-break' is a built-in routine"),
        (["--minutes", "10", "--name", "!!!"], "the name '!!!' needs a letter or a digit"),
        (["--minutes", "10", "--focus", "chest", "--equipment", "none"], "nothing for the chest"),
    ],
)
def test_bad_asks_exit_2_with_one_line(user_config: Path, args: list[str], said: str) -> None:
    result = stretchtimer("build", *args)
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1 and said in result.stderr, result.stderr
    assert list((user_config / "exercises").iterdir()) == []


@pytest.mark.parametrize(
    ("repeated", "together"),
    [
        (["--focus", "neck", "--focus", "lower-back"], ["--focus", "neck", "lower-back"]),
        (
            ["--equipment", "chair", "--equipment", "wall", "band"],
            ["--equipment", "chair", "wall", "band"],
        ),
    ],
)
def test_a_list_option_given_again_adds_to_the_first(
    user_config: Path, repeated: list[str], together: list[str]
) -> None:
    """`--focus neck --focus lower-back` is `--focus neck lower-back`: the neck is not
    dropped for the last one given."""
    ask = ["build", "--minutes", "5", "--dry-run"]
    added, once, last = (
        stretchtimer(*ask, *options) for options in (repeated, together, repeated[-2:])
    )
    assert added.returncode == 0, added.stderr
    assert added.stdout == once.stdout
    assert added.stdout != last.stdout


def test_a_file_of_the_persons_own_is_never_overwritten(user_config: Path) -> None:
    mine = user_config / "exercises" / "my-break.yaml"
    mine.write_text("# my own notes\n")
    result = stretchtimer("build", "--minutes", "10", "--name", "My break")
    assert result.returncode == 2
    assert "is not a file the builder wrote" in result.stderr
    assert mine.read_text() == "# my own notes\n"


def test_the_same_ask_gives_the_same_routine_and_shuffle_another(user_config: Path) -> None:
    folder = user_config / "exercises"
    ask = ["build", "--minutes", "15", "--equipment", "none"]
    assert stretchtimer(*ask, "--name", "one").stdout.startswith("Wrote ")
    again = stretchtimer(*ask, "--name", "one")  # its own file: built again in its place
    assert again.returncode == 0 and again.stdout.startswith(f"Replaced {folder / 'one.yaml'}")
    assert stretchtimer(*ask, "--name", "two").returncode == 0
    shuffled = stretchtimer(*ask, "--name", "three", "--shuffle")
    assert shuffled.returncode == 0, shuffled.stderr
    one, two, three = (exercise_ids(folder / f"{name}.yaml") for name in ("one", "two", "three"))
    assert one == two
    assert three != one
    assert (folder / "three.yaml").read_text().splitlines()[0].endswith("--shuffle")


def test_dry_run_shows_the_routine_and_writes_nothing(user_config: Path) -> None:
    result = stretchtimer("build", "--minutes", "10", "--position", "floor", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Whole back, floor, 10 min (whole-back-floor-10-min): ")
    assert "Wrote" not in result.stdout and "Run it" not in result.stdout
    assert list((user_config / "exercises").iterdir()) == []


def test_the_history_turns_the_routine_toward_the_area_worked_least(user_config: Path) -> None:
    """Neck sessions in the history: the same ask gives the lower back more exercises (with
    no history, areas tie and the neck comes first)."""
    from stretchtimer.history.records import ExerciseRecord, utc_now
    from stretchtimer.history.store import HistoryStore
    from stretchtimer.library.loader import load_catalog
    from stretchtimer.session.plan import plan

    def for_lower_back(output: str) -> int:
        catalog = load_catalog()
        names = {catalog.exercise(i).name: catalog.exercise(i) for i in catalog.exercises}
        lines = [line.split(". ", 1)[1] for line in output.splitlines() if line[2:4] == ". "]
        return sum("lower-back" in names[line.split(",")[0]].good_for for line in lines)

    ask = ["build", "--minutes", "8", "--focus", "neck", "lower-back", "--dry-run"]
    before = stretchtimer(*ask)
    assert before.returncode == 0, before.stderr
    catalog = load_catalog()
    routine = catalog.routine("desk-break")
    timeline = plan(routine, catalog.routine_exercises(routine))
    store = HistoryStore.open()
    assert store is not None
    with store:
        session = store.start_session(timeline, utc_now())
        done = [
            ExerciseRecord(n, e.id, e.name, ("neck",), "done", 600.0, 600.0)
            for n, e in enumerate(timeline.exercises)
        ]
        store.save_progress(
            session, done, at=utc_now(), active_seconds=3600.0, paused_seconds=0.0, state="done"
        )
    after = stretchtimer(*ask)
    assert after.returncode == 0, after.stderr
    assert for_lower_back(after.stdout) > for_lower_back(before.stdout)
