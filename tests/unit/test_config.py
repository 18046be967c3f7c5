"""Settings from config.toml: defaults, overrides, and one-line errors naming file, line, key."""

from pathlib import Path

import pytest
from conftest import REPO

from stretchtimer.settings import ConfigError, Settings, config_path, load_settings


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_no_file_gives_defaults() -> None:
    assert not config_path().exists()
    assert load_settings() == Settings()


def test_values_are_read(tmp_path: Path) -> None:
    path = write(tmp_path, 'volume = 40\nvoice = "full"\nlog = false\nweekly_goal = 4\n')
    settings = load_settings(path)
    assert (settings.volume, settings.voice, settings.log, settings.weekly_goal) == (
        40,
        "full",
        False,
        4,
    )
    assert settings.sound == "auto"


def test_command_line_overrides_only_what_was_given() -> None:
    settings = Settings(volume=40).replace(volume=None, sound="bell")
    assert (settings.volume, settings.sound) == (40, "bell")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("volume = 40\nvolume2 = 3\n", ":2: volume2: unknown setting"),
        ("\nvolume = 400\n", ":2: volume: 400 is out of range; use 0 to 100"),
        ('volume = "loud"\n', ":1: volume: expected a whole number, got 'loud'"),
        ("log = 1\n", ":1: log: expected true or false, got 1"),
        ('\n\nsound = "speaker"\n', ":3: sound: 'speaker' is not one of auto,"),
        ("volume = \n", ":1: volume: no value after '='"),
        ("goal = 3\nvolume = # loud\n", ":2: volume: no value after '='"),
        ("volume = 5 5\n", ":1: volume: expected newline or end of document"),
        ("[settings\n", ":1: Expected ']'"),  # no key on the line: TOML's own words
        ('volume = 50\nname = "abc', ":2: Unterminated string"),  # at the end: no key blamed
        ("volume = 50\nsound = [1,\n", ":2: Invalid value"),
        ("prepare = 90\n", ":1: prepare: 90 is out of range; use 0 to 60"),
        ('rest = "long"\n', ":1: rest: expected a whole number, got 'long'"),
        ("voice_count = 0\n", ":1: voice_count: 0 is out of range; use 1 to 100"),
    ],
)
def test_bad_files_name_file_line_and_key(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    message = str(caught.value)
    assert message.startswith(f"{path}{expected}")
    assert "\n" not in message


def test_the_readme_example_is_a_valid_config(tmp_path: Path) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    example = readme.split("```toml\n", 1)[1].split("```", 1)[0]
    assert load_settings(write(tmp_path, example)) == Settings()  # it shows the defaults


def test_pacing_comes_from_the_file_and_the_command_line(tmp_path: Path) -> None:
    from stretchtimer.cli.commands import settings_of
    from stretchtimer.cli.main import build_parser

    path = write(tmp_path, "prepare = 5\nrest = 20\nvoice_count = 5\n")
    settings = load_settings(path)
    assert (settings.prepare, settings.rest, settings.voice_count) == (5, 20, 5)
    assert (Settings().prepare, Settings().rest) == (None, None)  # the routine's own
    args = build_parser().parse_args(["run", "desk-break", "--prepare", "4", "--rest", "0"])
    assert (settings_of(args).prepare, settings_of(args).rest) == (4, 0)
    with pytest.raises(Exception, match="invalid seconds '61'"):
        build_parser().parse_args(["run", "desk-break", "--prepare", "61"])
