"""The files a catalog is read from, and the key of what they hold.

The key is every file's path, size, inode and change times, the program's version and the
library's own code (every module of this package and the core schemas stored beside them,
stamped by path). The catalog cache and the
picker's routine cards are saved under it, so a change to any of these makes a new one. Nothing
here imports the models: the app computes the key before its first frame.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stretchtimer import __version__
from stretchtimer.paths import builtin_exercises_dir, user_exercises_dir

CODE_DIR = Path(__file__).parent
"""The library's code: a change to any of its modules (or its stored schemas) makes a new key."""

Key = dict[str, Any]


@dataclass(frozen=True)
class Sources:
    """The YAML files of a catalog, and the folders that could not be read (path, reason)."""

    builtins: list[str]
    users: list[str]
    """Paths as text: a warm load only stamps them (thousands of Paths would cost more)."""
    unreadable: list[tuple[str, str]] = field(default_factory=list)

    @property
    def files(self) -> list[tuple[str, bool]]:
        """Every file with whether it is a built-in, built-ins first."""
        return [(path, True) for path in self.builtins] + [(path, False) for path in self.users]


def find_sources(builtin_dir: Path | None = None, user_dir: Path | None = None) -> Sources:
    """The built-in files and the user's, as a load reads them."""
    unreadable: list[tuple[str, str]] = []
    builtins = _yaml_paths(builtin_dir or builtin_exercises_dir(), unreadable)
    users = _yaml_paths(user_dir or user_exercises_dir(), unreadable)
    return Sources(builtins, users, unreadable)


def yaml_files(folder: Path, unreadable: list[tuple[str, str]] | None = None) -> list[Path]:
    """Every .yaml/.yml file under `folder`, in a stable order; a sub-folder that cannot be
    read is added to `unreadable` (it would otherwise hide its files without a word). A
    linked folder is not entered, a linked file is read. The folder's own listing tells what
    is a file, so no file is looked at twice (key_of stamps each)."""
    return [Path(path) for path in _yaml_paths(folder, unreadable)]


def _yaml_paths(folder: Path, unreadable: list[tuple[str, str]] | None) -> list[str]:
    if not folder.is_dir():
        return []
    found: list[str] = []
    pending = [str(folder)]
    while pending:
        here = pending.pop()
        try:
            with os.scandir(here) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        pending.append(entry.path)
                    elif entry.name.endswith((".yaml", ".yml")) and entry.is_file():
                        found.append(entry.path)
        except OSError as error:
            if unreadable is not None:
                unreadable.append((str(error.filename or here), error.strerror or str(error)))
    # the order of sorted Paths (folder by folder), without making a Path to compare
    found.sort(key=lambda path: path.split(os.sep))
    return found


def stamp(path: str | Path) -> list[int]:
    """What changes when a file does: its size, change times and inode."""
    info = os.stat(path)
    return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]


def code_stamps(folder: Path) -> list[list[Any]]:
    """Every file of `code_files(folder)`, stamped: a change to the code makes a new key."""
    return [[path.name, *stamp(path)] for path in sorted(code_files(folder))]


def code_files(folder: Path) -> list[Path]:
    """The modules of a package folder and the data they read beside them (the library's
    stored core schemas)."""
    return [*folder.glob("*.py"), *folder.glob("*.json")]


def key_of(sources: Sources) -> Key | None:
    """What a catalog read from `sources` depends on; None if a file vanished meanwhile."""
    try:
        return {
            "version": __version__,
            "code": code_stamps(CODE_DIR),
            "files": [[path, builtin, *stamp(path)] for path, builtin in sources.files],
            "unreadable": [where for where, _ in sources.unreadable],
        }
    except OSError:
        return None
