"""`stretchtimer import workrave`, run as a person runs it, on an exercises.xml written here in
the shape of Workrave's (its own file is GPL-3 and never copied into this project)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from programs import stretchtimer

from stretchtimer.paths import WORKRAVE_EXERCISES as DEFAULT_FILE

EXERCISES_XML = """<?xml version="1.0" encoding="UTF-8"?>
<exercises>
  <exercise>
    <title>Side arm reach</title>
    <title xml:lang="de">Seitlicher Armzug</title>
    <description>Lift one arm over your head. Lean gently away from it.</description>
    <description xml:lang="de">Heben Sie einen Arm. Neigen Sie sich sanft zur Seite.</description>
    <sequence duration="24">
      <image src="reach.png" duration="6"/>
      <image src="reach.png" mirrorx="yes" duration="6"/>
    </sequence>
  </exercise>
  <exercise>
    <title>Neck glide</title>
    <description>Slide your head straight back. Let it come forward again.</description>
    <sequence duration="25">
      <image src="glide-1.png" duration="4"/>
      <image src="glide-2.png" duration="6"/>
    </sequence>
  </exercise>
  <exercise>
    <title>Blink slowly</title>
    <description>Close your eyes gently. Open them again.</description>
    <sequence duration="10">
      <image src="blink.png" duration="10"/>
    </sequence>
  </exercise>
  <exercise>
    <title>Palm press</title>
    <description>Press your palms together in front of you and hold.</description>
    <sequence duration="60">
      <image src="press.png" duration="20"/>
    </sequence>
  </exercise>
</exercises>
"""
BODY = {
    "workrave-side-arm-reach": 24,
    "workrave-neck-glide": 25,
    "workrave-palm-press": 60,
}
"""The body exercises' ids and Workrave's time for each, in seconds."""


@pytest.fixture
def workrave_file(tmp_path: Path) -> Path:
    path = tmp_path / "exercises.xml"
    path.write_text(EXERCISES_XML, encoding="utf-8")
    return path


def written(folder: Path, exercise_id: str) -> dict[str, object]:
    data: dict[str, object] = yaml.safe_load((folder / f"{exercise_id}.yaml").read_text())
    return data


def test_import_writes_body_exercises_that_validate_keep_their_time_and_run(
    workrave_file: Path, user_config: Path
) -> None:
    result = stretchtimer("import", "workrave", str(workrave_file))
    assert result.returncode == 0, result.stderr
    folder = user_config / "exercises"
    assert sorted(path.stem for path in folder.glob("*.yaml")) == sorted([*BODY, "workrave"])
    out = result.stdout
    assert "left out 1 eye exercise" in out and "Blink slowly" in out
    assert (
        "Side arm reach, hold 6 s each side, 2 times (24 s in all); area shoulders: guessed" in out
    )
    assert "Neck glide, 2 rounds of 2 positions (25 s in all); area neck: guessed" in out
    assert "Palm press, 3 rounds of 1 position (60 s in all); area shoulders: nothing" in out

    # the mirrored pair: a hold on each side in turn; the rest: timed rounds
    reach = written(folder, "workrave-side-arm-reach")
    assert reach["dose"] == {
        "kind": "hold",
        "seconds": 6,
        "repeats": 2,
        "per_side": True,
        "alternate": True,
    }
    assert reach["steps"] == [
        "Lift one arm over your head.",
        "Lean gently away from it.",
    ]
    glide = written(folder, "workrave-neck-glide")
    assert glide["dose"] == {  # 25 s is 2.5 loops: 2 rounds a little slower
        "kind": "rounds",
        "parts": [
            {"do": "Position 1 of 2", "reps": 1, "tempo": 5},
            {"do": "Position 2 of 2", "reps": 1, "tempo": 7.5},
        ],
        "rounds": 2,
    }

    assert stretchtimer("validate", str(folder)).returncode == 0
    timeline = json.loads(stretchtimer("show", "workrave", "--json", "--steps").stdout)["timeline"]
    kept = dict.fromkeys(BODY, 0.0)
    for step in timeline:
        if step["kind"] == "work":
            kept[step["exercise_id"]] += step["duration_seconds"]
    assert kept == pytest.approx(BODY)  # Workrave's time, step by step

    session = stretchtimer("run", "workrave", "--plain", "--speed", "1000", "--mute")
    assert session.returncode == 0, session.stderr
    assert "Finished" in session.stdout and "3 exercises done" in session.stdout


def test_import_takes_a_language_and_the_area_position_and_equipment_given(
    workrave_file: Path, user_config: Path
) -> None:
    chosen = ["--area", "upper-back", "--position", "standing", "--equipment", "wall"]
    result = stretchtimer("import", "workrave", str(workrave_file), "--lang", "de_AT", *chosen)
    assert result.returncode == 0, result.stderr
    assert "guessed" not in result.stdout
    assert "Neck glide, 2 rounds of 2 positions (25 s in all); no 'de_AT' text: English" in (
        result.stdout
    )
    reach = written(user_config / "exercises", "workrave-side-arm-reach")
    assert reach["name"] == "Seitlicher Armzug"  # de_AT falls back to de
    assert reach["steps"] == ["Heben Sie einen Arm.", "Neigen Sie sich sanft zur Seite."]
    assert (reach["good_for"], reach["position"], reach["equipment"]) == (
        ["upper-back"],
        ["standing"],
        ["wall"],
    )


@pytest.mark.parametrize("file_first", [True, False])
def test_several_areas_and_positions_add_up_with_the_file_before_or_after_them(
    workrave_file: Path, user_config: Path, file_first: bool
) -> None:
    """Repeated, each adds to the others; and a file after them is the file (with several
    values after one option it was taken for one of them: 'invalid choice')."""
    chosen = ["--area", "upper-back", "--area", "neck", "--position", "standing"]
    chosen += ["--position", "floor"]
    given = [str(workrave_file), *chosen] if file_first else [*chosen, str(workrave_file)]
    result = stretchtimer("import", "workrave", *given)
    assert result.returncode == 0, result.stderr
    reach = written(user_config / "exercises", "workrave-side-arm-reach")
    assert (reach["good_for"], reach["position"]) == (["upper-back", "neck"], ["standing", "floor"])


def test_import_keeps_files_already_there_unless_forced(
    workrave_file: Path, user_config: Path
) -> None:
    assert stretchtimer("import", "workrave", str(workrave_file)).returncode == 0
    path = user_config / "exercises" / "workrave-neck-glide.yaml"
    path.write_text(path.read_text().replace("Neck glide", "My glide"))
    again = stretchtimer("import", "workrave", str(workrave_file))
    assert again.returncode == 0
    assert "wrote" not in again.stdout and "--force replaces them" in again.stderr
    assert "My glide" in path.read_text()
    assert stretchtimer("import", "workrave", str(workrave_file), "--force").returncode == 0
    assert "My glide" not in path.read_text()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (None, "not found"),
        ("<exercises><exercise>", "not Workrave's exercises.xml: no element found: line 1"),
        ("<routines/>", "the top element is <routines>, not <exercises>"),
        (
            EXERCISES_XML.replace('duration="25"', 'duration="soon"'),
            "exercise 2 (Neck glide): <sequence> duration 'soon' is not 1 to 3600 seconds",
        ),
        ("folder", "not a regular file (a folder)"),
    ],
)
def test_a_file_that_cannot_be_read_is_one_line_and_exit_2(
    tmp_path: Path, user_config: Path, content: str | None, reason: str
) -> None:
    path = tmp_path / "exercises.xml"
    if content == "folder":
        path.mkdir()
    elif content is not None:
        path.write_text(content)
    result = stretchtimer("import", "workrave", str(path))
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"stretchtimer: {path}: ") and reason in result.stderr
    assert list((user_config / "exercises").iterdir()) == []


def test_without_a_file_it_reads_workraves_installed_one(user_config: Path) -> None:
    result = stretchtimer("import", "workrave")
    if not DEFAULT_FILE.is_file():
        assert result.returncode == 2
        assert f"{DEFAULT_FILE}: not found (install workrave-data" in result.stderr
        return
    assert result.returncode == 0, result.stderr
    assert "left out 3 eye exercises" in result.stdout
    assert stretchtimer("validate", str(user_config / "exercises")).returncode == 0
