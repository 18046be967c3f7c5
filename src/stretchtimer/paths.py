"""Where things live: the built-in files inside the package, the user's config and data."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_config_dir, user_data_dir

APP_NAME = "stretchtimer"
WORKRAVE_EXERCISES = Path("/usr/share/workrave/exercises/exercises.xml")
"""Where Debian's and Ubuntu's `workrave-data` package installs Workrave's exercises."""


def _package_dir(name: str) -> Path:
    """A folder shipped in the wheel, or the repo's top-level one when run from a checkout.

    The package's own folder is found from this file, as importlib.resources would for a
    package on disk, without importing it (and zipfile) on the way to the first frame.
    """
    package = Path(__file__).resolve().parent
    installed = package / name
    if installed.is_dir():
        return installed
    return package.parents[1] / name


def builtin_exercises_dir() -> Path:
    return _package_dir("exercises")


def sounds_dir() -> Path:
    return _package_dir("assets") / "sounds"


def config_dir() -> Path:
    override = os.environ.get("STRETCHTIMER_CONFIG_DIR")
    if override:
        return Path(override)
    return Path(user_config_dir(APP_NAME))


def user_exercises_dir() -> Path:
    return config_dir() / "exercises"


def data_dir() -> Path:
    override = os.environ.get("STRETCHTIMER_DATA_DIR")
    if override:
        return Path(override)
    return Path(user_data_dir(APP_NAME))
