"""Find the exercise and routine files and load the catalog: from its cache while no file has
changed, else by reading every file (reader.py).

A broken file is reported and skipped; it never hides the other files or the built-ins. The
cache (cache.py) is keyed on every file's size and times; on a hit neither PyYAML nor pydantic
is imported.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from stretchtimer.library import cache as catalog_cache
from stretchtimer.library.catalog import Catalog, Problem
from stretchtimer.library.sources import find_sources, key_of, yaml_files


def load_catalog(
    builtin_dir: Path | None = None, user_dir: Path | None = None, *, cache: bool = True
) -> Catalog:
    """Load the built-ins, then the user's files on top; broken files become problems.

    With `cache`, a catalog saved by an earlier load is used while no file has changed, and
    a fresh load is saved for the next one.
    """
    sources = find_sources(builtin_dir, user_dir)
    key = key_of(sources) if cache else None
    if key is not None:
        cached = catalog_cache.read(key)
        if cached is not None:
            return cached
    with collector_paused():
        from stretchtimer.library import reader  # PyYAML and pydantic-core: not on a cache hit

        catalog = Catalog(problems=[unreadable_folder(*where) for where in sources.unreadable])
        reader.load_files(catalog, [Path(path) for path in sources.builtins], builtin=True)
        users = [Path(path) for path in sources.users]
        shadowed = reader.load_files(catalog, users, builtin=False)
        reader.check_routines(catalog, shadowed)
        reader.check_variants(catalog)
    if key is not None:
        catalog_cache.write(key, catalog)
    return catalog


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Run the block with the cyclic collector paused (if it is on), for what builds objects
    that live long and make next to no cycles: the collector would walk them again and again
    while they are made.

    A full load is one: it imports PyYAML and pydantic-core, builds validators, and makes objects
    that live as long as the catalog (a third of a cold load of a thousand files went to the
    collector). They are not frozen after: that would also keep whatever garbage the process
    had then (an app's, in the test suite); a command that exits after the load freezes them
    itself (cli/commands.py).
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def unreadable_folder(where: str, reason: str) -> Problem:
    return Problem(where, 1, "", f"cannot read folder: {reason}")


def validate_paths(paths: Iterable[Path]) -> tuple[int, list[Problem]]:
    """Check files or folders on their own and against the built-ins; (files checked, problems).

    The files are read on top of the catalog by the loader's own steps, so `validate` refuses
    what `list` and the app skip, in the same words: two of them with one id, an exercise
    with a routine's id, a routine naming an exercise none of them has. A file given twice
    (a folder and a file in it) is read once.
    """
    files: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            unreadable: list[tuple[str, str]] = []
            files.extend(yaml_files(path, unreadable))
            problems.extend(unreadable_folder(*where) for where in unreadable)
        elif os.path.lexists(path):
            files.append(path)  # read_file says what is wrong with a FIFO, a socket, a device
        else:
            problems.append(Problem(str(path), 1, "", "no such file or folder"))
    from stretchtimer.library import reader  # PyYAML and pydantic-core: not on a cache hit

    files = list(dict.fromkeys(files))
    catalog = load_catalog() if files else Catalog()
    checked = Catalog(exercises=dict(catalog.exercises), routines=dict(catalog.routines))
    reader.load_files(checked, files, builtin=False)
    mine = {str(path) for path in files}
    checked.routines = {k: e for k, e in checked.routines.items() if str(e.path) in mine}
    reader.check_routines(checked)
    reader.check_variants(checked, mine)
    problems.extend(checked.problems)
    return len(files), problems
