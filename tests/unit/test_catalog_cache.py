"""The catalog cache: a hit gives the same catalog as a full load, and any change to any file
(built-in or the user's) makes a full load again."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_catalog import GOOD_EXERCISE, GOOD_ROUTINE, write

from stretchtimer.library import cache as catalog_cache
from stretchtimer.library import reader as catalog_module
from stretchtimer.library import sources
from stretchtimer.library.catalog import Catalog
from stretchtimer.library.loader import load_catalog
from stretchtimer.library.models import Exercise, Routine
from stretchtimer.session.plan import plan


def same(a: Catalog, b: Catalog) -> None:
    """Equal catalogs, down to which dose fields each routine gave (they drive overrides)."""
    assert list(a.exercises) == list(b.exercises) and list(a.routines) == list(b.routines)
    for table_a, table_b in ((a.exercises, b.exercises), (a.routines, b.routines)):
        for key, entry in table_a.items():
            other = table_b[key]
            assert (entry.item, entry.path, entry.builtin) == (
                other.item,
                other.path,
                other.builtin,
            )
            assert type(entry.item) is type(other.item)
    for key in a.routines:
        for one, two in zip(a.routine(key).exercises, b.routine(key).exercises, strict=True):
            given_one = one.dose.given_names() if one.dose else None
            given_two = two.dose.given_names() if two.dose else None
            assert given_one == given_two
        timeline_a = plan(a.routine(key), a.routine_exercises(a.routine(key)))
        timeline_b = plan(b.routine(key), b.routine_exercises(b.routine(key)))
        assert timeline_a == timeline_b
    assert a.replaced == b.replaced
    assert a.problems == b.problems


@pytest.fixture
def no_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if any YAML file is read (the load must come from the cache)."""

    def fail(path: Path) -> object:
        raise AssertionError(f"read {path}")

    monkeypatch.setattr(catalog_module, "read_file", fail)


def test_a_second_load_comes_from_the_cache_and_matches_a_full_load(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fresh = load_catalog(cache=False)
    assert not catalog_cache.cache_path().exists()
    first = load_catalog()
    assert catalog_cache.cache_path().exists()
    monkeypatch.setattr(catalog_module, "read_file", lambda path: pytest.fail(f"read {path}"))
    cached = load_catalog()
    same(fresh, first)
    same(fresh, cached)
    assert all(entry.node is None for entry in cached.routines.values())


def collector_while_reading(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether the cyclic collector was on as each file was read."""
    during: list[bool] = []
    real = catalog_module.read_file

    def reading(path: Path) -> object:
        during.append(gc.isenabled())
        return real(path)

    monkeypatch.setattr(catalog_module, "read_file", reading)
    return during


def test_a_full_load_pauses_the_collector_and_gives_it_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Off while the files are read (it would walk what the load makes again and again), on
    again after, and nothing frozen: a freeze would also keep the process's garbage."""
    during = collector_while_reading(monkeypatch)
    frozen = gc.get_freeze_count()
    load_catalog(cache=False)
    assert during and not any(during)
    assert gc.isenabled() and gc.get_freeze_count() == frozen


def test_list_runs_without_the_collector_and_freezes_what_it_built(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`list` prints and exits: what it built lives until the exit, where a collection would
    walk it once more."""
    from stretchtimer.cli.main import main

    during = collector_while_reading(monkeypatch)
    frozen = gc.get_freeze_count()
    try:
        assert main(["list"]) == 0
        assert during and not any(during)
        assert gc.isenabled() and gc.get_freeze_count() > frozen
    finally:
        gc.unfreeze()  # this process goes on: its objects go back to the oldest generation
    assert "desk-break" in capsys.readouterr().out


def test_a_cache_hit_rebuilds_only_what_is_looked_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A warm load must not grow with exercises a command never uses."""
    for n in range(40):
        write(tmp_path, f"move-{n}.yaml", GOOD_EXERCISE.replace("id: wall-sit", f"id: move-{n}"))
    write(tmp_path, "wall-sit.yaml", GOOD_EXERCISE)
    write(tmp_path, "my-break.yaml", GOOD_ROUTINE)
    full = load_catalog(builtin_dir=tmp_path)
    rebuilt: list[str] = []
    decode = catalog_cache.decode

    def counting(data: object) -> object:
        item = decode(data)  # called again for each field of a model
        if isinstance(item, Exercise | Routine):
            rebuilt.append(item.id)
        return item

    monkeypatch.setattr(catalog_cache, "decode", counting)
    cached = load_catalog(builtin_dir=tmp_path)
    assert sorted(cached.exercises) == sorted(full.exercises) and len(cached.exercises) == 41
    assert rebuilt == []
    routine = cached.routine("my-break")
    assert cached.routine_exercises(routine) == full.routine_exercises(full.routine("my-break"))
    assert rebuilt == ["my-break", "wall-sit"]  # each rebuilt once, however often looked up


def test_user_files_and_their_problems_come_back_from_the_cache(
    tmp_path: Path, user_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    builtin = tmp_path / "builtin"
    write(builtin, "wall-sit.yaml", GOOD_EXERCISE)
    write(builtin, "routines/my-break.yaml", GOOD_ROUTINE)
    user = user_config / "exercises"
    write(user, "mine.yaml", GOOD_EXERCISE.replace("name: Wall Sit", "name: My Wall Sit"))
    write(user, "broken.yaml", "id: [")
    fresh = load_catalog(builtin_dir=builtin)
    assert fresh.problems and fresh.replaced
    monkeypatch.setattr(catalog_module, "read_file", lambda path: pytest.fail(f"read {path}"))
    cached = load_catalog(builtin_dir=builtin)
    same(fresh, cached)
    assert [str(problem) for problem in cached.problems] == [
        str(problem) for problem in fresh.problems
    ]


@pytest.mark.parametrize("where", ["builtin", "user"])
@pytest.mark.parametrize("change", ["edit", "edit-same-size-and-mtime", "add", "remove", "break"])
def test_any_change_to_any_file_makes_a_full_load(
    tmp_path: Path, user_config: Path, where: str, change: str
) -> None:
    builtin = tmp_path / "builtin"
    write(builtin, "wall-sit.yaml", GOOD_EXERCISE)
    write(builtin, "routines/my-break.yaml", GOOD_ROUTINE)
    folder = builtin if where == "builtin" else user_config / "exercises"
    other = GOOD_EXERCISE.replace("wall-sit", "other-sit")
    if change != "add":
        write(folder, "other.yaml", other)
    before = load_catalog(builtin_dir=builtin)
    assert load_catalog(builtin_dir=builtin).exercises.keys() == before.exercises.keys()

    path = folder / "other.yaml"
    if change == "edit":
        path.write_text(other.replace("name: Wall Sit", "name: Other Sit, renamed"))
    elif change == "edit-same-size-and-mtime":
        stat = path.stat()
        path.write_text(other.replace("name: Wall Sit", "name: Wall Sip"))
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    elif change == "add":
        write(folder, "other.yaml", other)
    elif change == "remove":
        path.unlink()
    else:
        path.write_text("id: [")

    expected = load_catalog(builtin_dir=builtin, cache=False)
    after = load_catalog(builtin_dir=builtin)
    same(expected, after)
    same(expected, load_catalog(builtin_dir=builtin))  # and the new cache is right too
    if change == "edit":
        assert after.exercise("other-sit").name == "Other Sit, renamed"
    if change == "edit-same-size-and-mtime":
        assert after.exercise("other-sit").name == "Wall Sip"
    if change in ("remove", "break"):
        assert "other-sit" not in after.exercises
    if change == "break":
        assert [problem.path for problem in after.problems] == [str(path)]


def test_a_changed_program_version_makes_a_full_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(tmp_path, "wall-sit.yaml", GOOD_EXERCISE)
    load_catalog(builtin_dir=tmp_path)
    monkeypatch.setattr(sources, "__version__", "0.0.0-other")
    calls: list[Path] = []
    real = catalog_module.read_file

    def counting(path: Path) -> object:
        calls.append(path)
        return real(path)

    monkeypatch.setattr(catalog_module, "read_file", counting)
    load_catalog(builtin_dir=tmp_path)
    assert calls == [tmp_path / "wall-sit.yaml"]


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"{not json",
        b"[]",
        b'{"key": null}',
        "damaged-entry",
        "cut-short",
        "a-line-more",
    ],
)
def test_a_damaged_cache_is_ignored_and_replaced(tmp_path: Path, damage: bytes | str) -> None:
    write(tmp_path, "wall-sit.yaml", GOOD_EXERCISE)
    write(tmp_path, "routines/my-break.yaml", GOOD_ROUTINE)
    fresh = load_catalog(builtin_dir=tmp_path)
    path = catalog_cache.cache_path()
    written = path.read_bytes()
    head, *models = written.split(b"\n")
    assert models[-1] == b"" and len(models) == 3  # an exercise, a routine, the end
    if damage == "damaged-entry":  # right key, but a model name that does not exist
        models[0] = models[0].replace(b'"$model":"Exercise"', b'"$model":"Nothing"')
        path.write_bytes(b"\n".join([head, *models]))
    elif damage == "cut-short":  # the routine's line lost (a disk full while it was written)
        path.write_bytes(b"\n".join([head, models[0]]))
    elif damage == "a-line-more":
        path.write_bytes(b"\n".join([head, *models[:2], models[0], b""]))
    else:
        assert isinstance(damage, bytes)
        path.write_bytes(damage)
    same(fresh, load_catalog(builtin_dir=tmp_path))
    assert path.read_bytes() == written  # rewritten


def test_an_unwritable_cache_folder_only_means_no_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "data-is-a-file"
    blocker.write_text("")
    monkeypatch.setenv("STRETCHTIMER_DATA_DIR", str(blocker))
    fresh = load_catalog(cache=False)
    same(fresh, load_catalog())
    same(fresh, load_catalog())


def test_a_cache_hit_needs_neither_yaml_nor_pydantic(user_config: Path) -> None:
    """What keeps a running session small: no PyYAML, no pydantic, not even pydantic-core (see
    models.py)."""
    load_catalog()
    code = (
        "import sys\n"
        "from stretchtimer.library.loader import load_catalog\n"
        "from stretchtimer.session.plan import plan\n"
        "catalog = load_catalog()\n"
        "for routine_id in catalog.routines:\n"
        "    routine = catalog.routine(routine_id)\n"
        "    plan(routine, catalog.routine_exercises(routine))\n"
        "print('yaml' in sys.modules, 'pydantic_core' in sys.modules, len(catalog.routines))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=os.environ
    )
    found_yaml, found_pydantic, routines = result.stdout.split()
    assert (found_yaml, found_pydantic) == ("False", "False"), result.stdout
    assert int(routines) > 0


@pytest.mark.parametrize(
    "command", [["show", "desk-break", "--json"], ["show", "desk-break", "--steps"], ["list"]]
)
def test_commands_on_a_cache_hit_import_no_pydantic(user_config: Path, command: list[str]) -> None:
    load_catalog()
    code = (
        "import sys\n"
        "from stretchtimer.cli.main import main\n"
        f"code = main({command!r})\n"
        "print('pydantic_core' in sys.modules, 'yaml' in sys.modules, code, file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=os.environ
    )
    assert result.stderr.split()[-3:] == ["False", "False", "0"], result.stderr
    assert "Desk Break" in result.stdout


@pytest.mark.parametrize(
    "module", sorted(path.name for path in sources.code_files(sources.CODE_DIR))
)
def test_a_change_to_the_library_code_makes_a_new_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, module: str
) -> None:
    import shutil

    copy = tmp_path / "library"
    shutil.copytree(sources.CODE_DIR, copy)
    monkeypatch.setattr(sources, "CODE_DIR", copy)
    nothing = sources.Sources([], [])
    before = sources.key_of(nothing)
    assert sources.key_of(nothing) == before
    (copy / module).write_text((copy / module).read_text() + "\n# changed\n")
    assert sources.key_of(nothing) != before


def test_a_file_name_that_is_not_utf8_is_cached_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its bytes come back as surrogates (café in Latin-1): writing the cache as UTF-8 ended
    `list` in a UnicodeEncodeError."""
    name = os.fsdecode(b"caf\xe9.yaml")
    write(tmp_path, name, GOOD_EXERCISE)
    fresh = load_catalog(builtin_dir=tmp_path)
    assert str(fresh.exercises["wall-sit"].path).endswith(name)
    monkeypatch.setattr(catalog_module, "read_file", lambda path: pytest.fail(f"read {path}"))
    same(fresh, load_catalog(builtin_dir=tmp_path))  # from the cache
