"""What the picker remembers, read back: as written, and sensibly across a changed vocabulary."""

from __future__ import annotations

import json
from pathlib import Path

from stretchtimer.memory import PickerMemory, read_memory, write_memory


def test_the_memory_reads_back_as_written(tmp_path: Path) -> None:
    path = tmp_path / "deeper" / "picker.json"
    memory = PickerMemory(routine="lower-back", area="neck", not_at_hand=("band", "dumbbells"))
    memory = memory.with_level("lower-back", "easy").with_level("warm-up", "full")
    assert write_memory(memory, path)
    assert read_memory(path) == memory
    assert read_memory(path).level_of("desk-break") == "standard"
    back = memory.with_level("lower-back", "standard")  # the default is not kept
    assert dict(back.levels) == {"warm-up": "full"}
    assert [p.name for p in path.parent.iterdir()] == ["picker.json"]  # no temporary left


def test_equipment_words_gone_from_the_vocabulary_are_left_out(tmp_path: Path) -> None:
    """A file written before `mat` went and `cushion` came: the mat is forgotten, the cushion
    starts out at hand like everything new, what was unticked stays unticked."""
    path = tmp_path / "picker.json"
    path.write_text(json.dumps({"not_at_hand": ["mat", "band"], "area": "any"}))
    assert read_memory(path) == PickerMemory(not_at_hand=("band",))


def test_no_file_is_no_memory(tmp_path: Path) -> None:
    assert read_memory(tmp_path / "none.json") == PickerMemory()
