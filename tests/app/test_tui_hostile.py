"""The hostile corpus, in the app (issue 14): user text is shown as text, never as markup."""

from __future__ import annotations

from pathlib import Path

from test_tui import running, settle, text
from textual.widgets import OptionList

from stretchtimer.tui.app import StretchTimerApp
from stretchtimer.tui.screens.picker_screen import PickerScreen

HOSTILE_NAMES = ["[/]", "[link=https://x]x", "Stretch [beta]", "[@click=app.quit]go"]


def write_routines(config: Path) -> None:
    for number, name in enumerate(HOSTILE_NAMES):
        (config / "exercises" / f"r{number}.yaml").write_text(
            f"id: r{number}\nname: '{name}'\npurpose: '{name} purpose'\nfocus: [neck]\n"
            "exercises: [neck-roll]\n"
        )


async def test_markup_in_names_is_shown_as_written_in_the_picker(user_config: Path) -> None:
    write_routines(user_config)
    app = StretchTimerApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        options = app.screen.query_one("#routines", OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        for name in HOSTILE_NAMES:
            assert any(prompt.startswith(name) for prompt in prompts), prompts
        assert app.is_running


async def test_markup_in_a_name_is_shown_in_the_session_header(user_config: Path) -> None:
    write_routines(user_config)
    async with running(user_config, routine="r0") as (pilot, _):
        assert text(pilot, "#routine-name") == "stretchtimer - [/]"
    async with running(user_config, routine="r3") as (pilot, _):
        assert text(pilot, "#routine-name") == "stretchtimer - [@click=app.quit]go"
        assert pilot.app.is_running
