"""The picker's saved routine cards: read back as written, and never trusted when damaged or
saved under another key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stretchtimer.library.loader import load_catalog
from stretchtimer.library.terms import LEVELS
from stretchtimer.session.plan import plan
from stretchtimer.tui import routine_cards
from stretchtimer.tui.routine_cards import RoutineCard, best_for_area, card_of, fits


def built_in_cards() -> list[RoutineCard]:
    """Every built-in routine's card at each level, as the app makes them."""
    catalog = load_catalog()
    cards = []
    for routine_id in sorted(catalog.routines):
        routine = catalog.routine(routine_id)
        timelines = [plan(routine, catalog.routine_exercises(routine), level) for level in LEVELS]
        totals = {timeline.level: timeline.total for timeline in timelines}
        cards += [card_of(timeline, totals) for timeline in timelines]
    return cards


KEY = {"catalog": {"files": []}, "code": [], "prepare": None, "rest": None}


def test_cards_read_back_as_they_were_written(tmp_path: Path) -> None:
    cards = built_in_cards()
    path = tmp_path / "cards.json"
    assert routine_cards.write(KEY, cards, path)
    assert routine_cards.read(KEY, path) == cards
    assert routine_cards.read({**KEY, "prepare": 3}, path) is None
    assert routine_cards.read(None, path) is None
    assert not routine_cards.write(None, cards, path)


@pytest.mark.parametrize(
    "damage",
    [
        lambda text: text[: len(text) // 2],
        lambda text: text.replace('"preview"', '"previews"'),
        lambda text: text.replace('"format":2', '"format":0'),
        lambda text: "[]",
    ],
)
def test_a_damaged_file_is_no_cards(tmp_path: Path, damage: object) -> None:
    path = tmp_path / "cards.json"
    routine_cards.write(KEY, built_in_cards(), path)
    assert callable(damage)
    path.write_text(damage(path.read_text()))
    assert routine_cards.read(KEY, path) is None


def test_a_card_says_what_the_picker_shows_and_filters_on() -> None:
    cards = {card.id: card for card in built_in_cards() if card.level == "standard"}
    desk = cards["desk-break"]
    assert desk.preview.startswith(f"{desk.name} - 5:26\n")
    assert "1. Neck Roll - 3 rounds" in desk.preview
    assert "Level: standard (l to change)\nOther levels: easy 4:18, full 5:38" in desk.preview
    assert fits(desk, "any", set()) and desk.needs == ("none",)
    assert not fits(desk, "lower-back", {"wall"})
    needing = [card for card in cards.values() if card.needs != ("none",)]
    assert needing and all(not fits(card, "any", set()) for card in needing)
    best = best_for_area(cards.values(), "neck")
    assert best is not None and "neck" in cards[best].focus


def test_each_routine_has_a_card_at_each_level() -> None:
    cards = {(card.id, card.level): card for card in built_in_cards()}
    easy = cards["desk-break", "easy"]
    assert (easy.name, easy.total) == ("Desk Break (easy)", 4 * 60 + 18)
    assert easy.preview.startswith("Desk Break (easy) - 4:18\n")
    assert "1. Neck Roll - 2 rounds (0:48)" in easy.preview
    assert "Level: easy (l to change)\nOther levels: standard 5:26, full 5:38" in easy.preview
    assert cards["full-back-session", "full"].total == 41 * 60 + 17


def test_the_key_changes_with_the_settings_and_the_catalog() -> None:
    catalog = {"files": [["a.yaml", True, 1, 2, 3, 4]]}
    key = routine_cards.key_of(catalog, None, None)
    assert key is not None and json.loads(json.dumps(key)) == key
    assert routine_cards.key_of(catalog, 3, None) != key
    assert routine_cards.key_of(catalog, None, 5) != key
    assert routine_cards.key_of({"files": []}, None, None) != key
    assert routine_cards.key_of(None, None, None) is None
